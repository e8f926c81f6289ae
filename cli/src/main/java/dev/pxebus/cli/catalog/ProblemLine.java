package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An error response of catalog-service as one line, e.g.
 * <pre>
 * 412 Precondition Failed: image debian-12 changed since it was read (revision 7 is current)
 * 422 Invalid document: image debian-12 is invalid: kernel.sha256: bad-sha256 (not 64 hex digits); arch: unknown-arch (…)
 * </pre>
 * that is {@code <status> <title>: <detail>}, then every field error as {@code <field>: <code> (<message>)} joined
 * with {@code ; } ({@code (document)} for an error of the whole document); a detail that only repeats the first
 * field error is left out. Anything that is not an RFC 9457 problem
 * (a proxy's HTML page) shows as the status, its reason phrase and the start of the body. Pure.
 */
public final class ProblemLine {
  /** Characters of a non-problem body quoted at most. */
  static final int MAX_BODY = 200;

  private static final Map<Integer, String> REASONS = Map.ofEntries(
      Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
      Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
      Map.entry(409, "Conflict"), Map.entry(410, "Gone"), Map.entry(411, "Length Required"),
      Map.entry(412, "Precondition Failed"), Map.entry(413, "Content Too Large"),
      Map.entry(415, "Unsupported Media Type"), Map.entry(416, "Range Not Satisfiable"),
      Map.entry(422, "Unprocessable Content"), Map.entry(428, "Precondition Required"),
      Map.entry(429, "Too Many Requests"), Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"),
      Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

  private ProblemLine() {}

  /** The HTTP reason phrase of a status (RFC 9110 §15), or {@code HTTP <status>} for one not listed. */
  public static String reason(int status) {
    return REASONS.getOrDefault(status, "HTTP " + status);
  }

  /**
   * @param status the response status (the problem's own {@code status} member is only advisory, RFC 9457 §3.1.2)
   * @param problem the parsed body when it is a JSON object, else null
   * @param rawBody the body as text, used when there is no problem object
   */
  public static String of(int status, JsonNode problem, String rawBody) {
    StringBuilder b = new StringBuilder().append(status).append(' ');
    if (problem == null || !problem.isObject()) {
      b.append(reason(status));
      String body = CatalogException.oneLine(rawBody);
      if (!body.isEmpty()) {
        b.append(": ").append(body.length() > MAX_BODY ? body.substring(0, MAX_BODY) + "…" : body);
      }
      return b.toString();
    }
    String title = text(problem, "title");
    b.append(title.isEmpty() ? reason(status) : title);
    String detail = text(problem, "detail");
    List<String> errors = new ArrayList<>();
    String firstMessage = "";
    JsonNode list = problem.path("errors");
    if (list.isArray()) {
      for (JsonNode e : list) {
        String field = text(e, "field");
        String code = text(e, "code");
        String message = text(e, "message");
        if (errors.isEmpty()) firstMessage = message;
        StringBuilder one = new StringBuilder(field.isEmpty() ? "(document)" : field).append(':');
        if (!code.isEmpty()) one.append(' ').append(code);
        if (!message.isEmpty()) one.append(code.isEmpty() ? " " + message : " (" + message + ")");
        errors.add(one.toString());
      }
    }
    // The detail of an invalid document usually repeats (or abbreviates, "2 errors: …; …") the first field
    // error: then the field errors alone say it all, once.
    if (!detail.isEmpty() && (firstMessage.isEmpty() || !detail.contains(firstMessage))) b.append(": ").append(detail);
    if (!errors.isEmpty()) b.append(": ").append(String.join("; ", errors));
    return CatalogException.oneLine(b.toString());
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : CatalogException.oneLine(v.asText());
  }
}
