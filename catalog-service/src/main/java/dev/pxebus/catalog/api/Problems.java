package dev.pxebus.catalog.api;

import dev.pxebus.catalog.spec.ValidationError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * RFC 9457 problem details, the body of every error the API answers: {@code type} is
 * {@code urn:pxebus:problem:<code>} (stable: clients switch on it), {@code title} the same for every occurrence,
 * {@code detail} this occurrence, and for invalid documents {@code errors}: every field error found, each
 * {@code {field, code, message}}.
 */
public final class Problems {
  public static final String MEDIA_TYPE = "application/problem+json";
  public static final String TYPE_PREFIX = "urn:pxebus:problem:";

  private Problems() {}

  public static JsonObject body(int status, String code, String title, String detail, List<ValidationError> errors) {
    JsonObject o = new JsonObject().put("type", TYPE_PREFIX + code).put("title", title).put("status", status);
    if (detail != null) o.put("detail", detail);
    if (errors != null && !errors.isEmpty()) {
      JsonArray a = new JsonArray();
      for (ValidationError e : errors) {
        a.add(new JsonObject().put("field", e.field()).put("code", e.code()).put("message", e.message()));
      }
      o.put("errors", a);
    }
    return o;
  }

  /** Ends the response with the problem, unless it was already ended. */
  public static void send(HttpServerResponse response, int status, String code, String title, String detail,
      List<ValidationError> errors) {
    if (response.ended() || response.closed()) return;
    if (response.headWritten()) {
      response.reset(); // half a response is worse than none
      return;
    }
    String body = body(status, code, title, detail, errors).encode();
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body);
  }

  public static void send(HttpServerResponse response, int status, String code, String title, String detail) {
    send(response, status, code, title, detail, List.of());
  }
}
