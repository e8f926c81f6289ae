package dev.pxebus.catalog.blob;

import io.vertx.core.json.JsonObject;

/**
 * An error body as RFC 9457 problem details ({@code application/problem+json}).
 *
 * @param type a URI naming the kind of problem, stable for clients to switch on
 * @param title short, the same for every occurrence of the type
 * @param status the HTTP status
 * @param detail this occurrence, for a human
 */
public record Problem(String type, String title, int status, String detail) {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String BASE = "urn:pxebus:problem:blob:";

  static Problem invalidHash(String detail) {
    return new Problem(BASE + "invalid-hash", "Not a sha256", 400, detail);
  }

  static Problem notFound(String sha256) {
    return new Problem(BASE + "not-found", "No such blob", 404, "no blob " + sha256);
  }

  static Problem tooLarge(long max) {
    return new Problem(BASE + "too-large", "Blob too large", 413, "content exceeds the limit of " + max + " bytes");
  }

  static Problem rangeNotSatisfiable(String range, long size) {
    return new Problem(BASE + "range-not-satisfiable", "Range not satisfiable", 416,
        "no byte of " + range + " is within the " + size + " bytes of the blob");
  }

  static Problem hashMismatch(String detail) {
    return new Problem(BASE + "hash-mismatch", "Content does not match its hash", 422, detail);
  }

  static Problem internal(String detail) {
    return new Problem(BASE + "internal", "Blob store failure", 500, detail);
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", type).put("title", title).put("status", status).put("detail", detail);
  }
}
