package dev.pxebus.catalog.store;

import dev.pxebus.catalog.spec.ValidationError;
import java.util.List;

/**
 * Why a write was not made, with the HTTP status the API answers it with. Nothing was written, except for
 * {@link Reason#UNCONFIRMED}, where the write was handed to Kafka and may still take effect.
 */
public final class WriteRefused extends RuntimeException {
  public enum Reason {
    /** The document or a parameter is invalid on its own (400). */
    INVALID(400, "invalid"),
    /** The entity does not exist (404). */
    NOT_FOUND(404, "not-found"),
    /** A create of an entity that exists, or a delete of one still in use, or a duplicate (409). */
    CONFLICT(409, "conflict"),
    /** If-Match / If-None-Match did not hold (412). */
    PRECONDITION_FAILED(412, "precondition-failed"),
    /** The document is valid but refers to what the catalog does not have (422). */
    UNPROCESSABLE(422, "unprocessable"),
    /** This instance does not write: it is a read replica (405... answered as 403 with an explanation). */
    READ_ONLY(403, "read-only"),
    /** Not written: the catalog is not loaded yet, Kafka is unreachable, or the write queue is full (503). */
    UNAVAILABLE(503, "unavailable"),
    /** Handed to Kafka but not acknowledged in time: it takes effect if Kafka accepts it later (503). */
    UNCONFIRMED(503, "unconfirmed");

    private final int status;
    private final String code;

    Reason(int status, String code) {
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final List<ValidationError> errors;

  public WriteRefused(Reason reason, String detail) {
    this(reason, detail, List.of());
  }

  public WriteRefused(Reason reason, String detail, List<ValidationError> errors) {
    super(detail, null, false, false);
    this.reason = reason;
    this.errors = List.copyOf(errors);
  }

  public Reason reason() {
    return reason;
  }

  public List<ValidationError> errors() {
    return errors;
  }
}
