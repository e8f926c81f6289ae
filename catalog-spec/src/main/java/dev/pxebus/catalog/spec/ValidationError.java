package dev.pxebus.catalog.spec;

/**
 * One thing wrong with a catalog document or change.
 *
 * @param field where, as a path into the JSON document: {@code id}, {@code kernel.sha256}, {@code initrds[1].name},
 *     {@code labels.rack}, {@code selector.label.role}; a key that is not a plain name is quoted,
 *     {@code labels["Bad Key"]}; the empty string is the document itself
 * @param code stable, machine-readable: one of {@link ErrorCode#code()}
 * @param message for a human; quotes at most a bounded, escaped prefix of the offending value
 */
public record ValidationError(String field, String code, String message) {

  public ValidationError {
    if (field == null) field = "";
    if (code == null || code.isEmpty()) throw new IllegalArgumentException("error code is missing");
    if (message == null) message = code;
  }

  public static ValidationError of(String field, ErrorCode code, String message) {
    return new ValidationError(field, code.code(), message);
  }

  /** This error as seen from a document that holds this one's document at {@code prefix}. */
  public ValidationError under(String prefix) {
    return new ValidationError(FieldPath.join(prefix, field), code, message);
  }

  @Override
  public String toString() {
    return (field.isEmpty() ? "(document)" : field) + ": " + code + ": " + message;
  }
}
