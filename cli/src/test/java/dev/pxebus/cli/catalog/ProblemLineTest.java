package dev.pxebus.cli.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProblemLineTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("stale revision", 412,
            "{\"type\":\"urn:pxebus:problem:stale\",\"title\":\"Precondition Failed\",\"status\":412,"
                + "\"detail\":\"image debian-12 changed since it was read (revision 7 is current)\"}",
            "412 Precondition Failed: image debian-12 changed since it was read (revision 7 is current)"),
        Arguments.of("field errors, detail abbreviating the first", 400,
            "{\"type\":\"urn:pxebus:problem:invalid\",\"title\":\"Invalid Request\",\"status\":400,"
                + "\"detail\":\"2 errors: not 64 hex digits; …\",\"errors\":["
                + "{\"field\":\"kernel.sha256\",\"code\":\"bad-sha256\",\"message\":\"not 64 hex digits\"},"
                + "{\"field\":\"arch\",\"code\":\"unknown-arch\",\"message\":\"sparc is not an architecture\"}]}",
            "400 Invalid Request: kernel.sha256: bad-sha256 (not 64 hex digits); arch: unknown-arch (sparc is not an architecture)"),
        Arguments.of("field errors with a detail of its own", 422,
            "{\"title\":\"Unprocessable Content\",\"status\":422,\"detail\":\"2 artifacts are not in the blob store\","
                + "\"errors\":[{\"field\":\"kernel.sha256\",\"code\":\"unknown-blob\",\"message\":\"no blob a\"},"
                + "{\"field\":\"initrds[0].sha256\",\"code\":\"unknown-blob\",\"message\":\"no blob b\"}]}",
            "422 Unprocessable Content: 2 artifacts are not in the blob store: kernel.sha256: unknown-blob (no blob a); "
                + "initrds[0].sha256: unknown-blob (no blob b)"),
        Arguments.of("an error of the whole document", 400,
            "{\"title\":\"Invalid Request\",\"status\":400,\"detail\":\"the body must be a JSON object\","
                + "\"errors\":[{\"field\":\"\",\"code\":\"wrong-type\",\"message\":\"the body must be a JSON object\"}]}",
            "400 Invalid Request: (document): wrong-type (the body must be a JSON object)"),
        Arguments.of("no title: the reason phrase", 409, "{\"status\":409,\"detail\":\"image x exists\"}",
            "409 Conflict: image x exists"),
        Arguments.of("a detail over several lines stays on one", 500,
            "{\"title\":\"Internal Server Error\",\"detail\":\"first\\n  second\\r\\nthird\"}",
            "500 Internal Server Error: first second third"),
        Arguments.of("a proxy's HTML page", 502, "<html>\n<body>bad gateway</body>\n</html>",
            "502 Bad Gateway: <html> <body>bad gateway</body> </html>"),
        Arguments.of("no body", 401, "", "401 Unauthorized"),
        Arguments.of("a status without a known phrase", 418, "", "418 HTTP 418"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void oneLine(String name, int status, String body, String expected) throws Exception {
    JsonNode json;
    try {
      json = body.isEmpty() ? null : CatalogClient.MAPPER.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      json = null;
    }
    assertEquals(expected, ProblemLine.of(status, json, body));
  }
}
