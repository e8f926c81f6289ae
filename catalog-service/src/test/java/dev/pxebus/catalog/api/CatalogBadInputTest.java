package dev.pxebus.catalog.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad requests: each gets the 4xx it deserves as an RFC 9457 problem naming what was wrong — never a
 * 500, never a stack trace — and none of them changes the catalog.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogBadInputTest {
  @TempDir
  static Path dir;
  private static final String P = "b" + UUID.randomUUID().toString().substring(0, 6);
  private static JsonObject kernel;
  private CatalogServer server;

  /** One bad request: what is sent, and the status, problem type and (if any) first field error expected. */
  record Bad(String method, String path, String body, String contentType, List<String> headers, int status,
      String type, String field, String code) {}

  @BeforeAll
  void start(KafkaEndpoint kafka) {
    server = CatalogServer.start(kafka, dir.resolve("data"), Map.of("catalog.max-body-kib", "64"));
    kernel = server.artifact("vmlinuz", ("kernel " + P).getBytes(StandardCharsets.UTF_8));
    assertEquals(201, server.send("POST", "/images", image(P + "-ok").encode()).status());
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  private static JsonObject image(String id) {
    return new JsonObject().put("id", id).put("arch", "x86_64").put("kernel", kernel == null
        ? new JsonObject().put("name", "vmlinuz").put("sha256", "00".repeat(32)).put("size", 1) : kernel.copy());
  }

  private static Named<Bad> bad(String name, String method, String path, Object body, int status, String type,
      String field, String code, String... headers) {
    String b = body == null ? null : body instanceof String s ? s : body.toString();
    return Named.of(name, new Bad(method, path, b, "application/json", List.of(headers), status, type, field, code));
  }

  static Stream<Named<Bad>> corpus() {
    List<Named<Bad>> c = new ArrayList<>();
    String img = "/images/" + P + "-x";
    c.add(bad("wrong type: arch a number", "POST", "/images", image(P + "-x").put("arch", 5), 400, "invalid", "arch",
        "wrong-type"));
    c.add(bad("wrong type: size a string", "POST", "/images", image(P + "-x").put("kernel", new JsonObject()
        .put("name", "k").put("sha256", "00".repeat(32)).put("size", "big")), 400, "invalid", "kernel.size",
        "wrong-type"));
    c.add(bad("wrong type: size a fraction", "POST", "/images", "{\"id\":\"" + P + "-x\",\"arch\":\"x86_64\","
        + "\"kernel\":{\"name\":\"k\",\"sha256\":\"" + "00".repeat(32) + "\",\"size\":1.5}}", 400, "invalid",
        "kernel.size", null));
    c.add(bad("wrong type: bootOnce a string", "POST", "/hosts", new JsonObject().put("mac", "52:54:00:00:00:01")
        .put("bootOnce", "yes"), 400, "invalid", "bootOnce", "wrong-type"));
    c.add(bad("wrong type: labels a list", "POST", "/hosts", new JsonObject().put("mac", "52:54:00:00:00:01")
        .put("labels", new JsonArray().add("a")), 400, "invalid", "labels", "wrong-type"));
    c.add(bad("missing field: kernel", "POST", "/images", image(P + "-x").copy().put("kernel", (Object) null), 400,
        "invalid", "kernel", null));
    c.add(bad("missing field: arch", "POST", "/images", new JsonObject().put("id", P + "-x").put("kernel",
        image("x").getJsonObject("kernel")), 400, "invalid", "arch", "required"));
    c.add(bad("missing field: profile of a group", "POST", "/groups", new JsonObject().put("id", P + "-g"), 400,
        "invalid", "profile", "required"));
    c.add(bad("empty body", "POST", "/images", null, 400, "invalid", null, null));
    c.add(bad("a list, not an object", "POST", "/images", "[1,2]", 400, "invalid", null, null));
    c.add(bad("unknown field", "POST", "/images", image(P + "-x").put("kernal", "vmlinuz"), 400, "invalid",
        "kernal", "unknown-field"));
    c.add(bad("unknown selector key", "POST", "/groups", new JsonObject().put("id", P + "-g").put("profile", "p")
        .put("selector", new JsonObject().put("color", "red")), 400, "invalid", "selector.color", "unknown-field"));
    c.add(bad("malformed MAC in a body", "POST", "/hosts", new JsonObject().put("mac", "52:54:00:zz:00:01"), 400,
        "invalid", "mac", "invalid-mac"));
    c.add(bad("malformed MAC in a path", "GET", "/hosts/52:54:00:00:01", null, 400, "invalid", "mac",
        "invalid-mac"));
    c.add(bad("multicast MAC", "POST", "/hosts", new JsonObject().put("mac", "01:00:5e:00:00:01"), 400, "invalid",
        "mac", "invalid-mac"));
    c.add(bad("bad reserved IP", "POST", "/hosts", new JsonObject().put("mac", "52:54:00:00:00:01")
        .put("reservedIp", "10.0.0.256"), 400, "invalid", "reservedIp", "invalid-ip"));
    c.add(bad("bad hostname", "POST", "/hosts", new JsonObject().put("mac", "52:54:00:00:00:01")
        .put("hostname", "-node_1"), 400, "invalid", "hostname", "invalid-hostname"));
    c.add(bad("path trick: .. in a file name", "POST", "/images", image(P + "-x").put("kernel", new JsonObject()
        .put("name", "../../etc/passwd").put("sha256", "00".repeat(32)).put("size", 1)), 400, "invalid",
        "kernel.name", "unsafe-name"));
    c.add(bad("path trick: backslash in a file name", "POST", "/images", image(P + "-x").put("kernel",
        new JsonObject().put("name", "..\\boot.ini").put("sha256", "00".repeat(32)).put("size", 1)), 400, "invalid",
        "kernel.name", "unsafe-name"));
    c.add(bad("path trick: NUL in a file name", "POST", "/images", image(P + "-x").put("kernel", new JsonObject()
        .put("name", "vmlinuz\u0000.txt").put("sha256", "00".repeat(32)).put("size", 1)), 400, "invalid",
        "kernel.name", null));
    c.add(bad("path trick: absolute file name", "POST", "/images", image(P + "-x").put("kernel", new JsonObject()
        .put("name", "/etc/shadow").put("sha256", "00".repeat(32)).put("size", 1)), 400, "invalid", "kernel.name",
        "unsafe-name"));
    c.add(bad("path trick: id with a slash", "POST", "/images", image("a/../b"), 400, "invalid", "id", null));
    c.add(bad("path trick: encoded dots in the path", "GET", "/images/%2e%2e%2fsecret", null, 404, "not-found",
        null, null));
    c.add(bad("id in upper case", "POST", "/images", image("Debian"), 400, "invalid", "id", "unsafe-name"));
    c.add(bad("newline in a command line", "POST", "/images", image(P + "-x").put("cmdline", "quiet\ninit=/bin/sh"),
        400, "invalid", "cmdline", "bad-char"));
    c.add(bad("bad sha256", "POST", "/images", image(P + "-x").put("kernel", new JsonObject().put("name", "k")
        .put("sha256", "xyz").put("size", 1)), 400, "invalid", "kernel.sha256", "bad-sha256"));
    c.add(bad("label value too long", "POST", "/hosts", new JsonObject().put("mac", "52:54:00:00:00:01")
        .put("labels", new JsonObject().put("rack", "r".repeat(64))), 400, "invalid", "labels.rack", "too-long"));
    c.add(bad("too many initrds", "POST", "/images", image(P + "-x").put("initrds", manyInitrds(17)), 400, "invalid",
        "initrds", "too-many"));
    c.add(bad("oversized body", "POST", "/images", image(P + "-x").put("cmdline", "a".repeat(100_000)), 413,
        "too-large", null, null));
    c.add(bad("duplicate key", "POST", "/images", "{\"id\":\"" + P + "-x\",\"id\":\"" + P + "-y\"}", 400,
        "malformed-json", null, null));
    c.add(bad("malformed JSON", "POST", "/images", "{\"id\": ", 400, "malformed-json", null, null));
    c.add(bad("trailing garbage", "POST", "/images", image(P + "-x").encode() + "]", 400, "malformed-json", null,
        null));
    c.add(bad("nested too deep", "POST", "/images", "{\"labels\":" + "[".repeat(100) + "]".repeat(100) + "}", 400,
        "malformed-json", null, null));
    c.add(Named.of("not JSON", new Bad("POST", "/images", "id=x", "text/plain", List.of(), 415,
        "unsupported-media-type", null, null)));
    c.add(bad("body key is not the path's", "PUT", img, image(P + "-y"), 400, "invalid", "id", "path-mismatch"));
    c.add(bad("host body MAC is not the path's", "PUT", "/hosts/52:54:00:00:00:02", new JsonObject()
        .put("mac", "52:54:00:00:00:03"), 400, "invalid", "mac", "path-mismatch"));
    c.add(bad("If-Match not an entity tag", "PUT", "/images/" + P + "-ok", image(P + "-ok"), 400, "invalid", null,
        null, "If-Match", "12"));
    c.add(bad("If-None-Match other than *", "PUT", "/images/" + P + "-ok", image(P + "-ok"), 400, "invalid", null,
        null, "If-None-Match", "\"3\""));
    c.add(bad("limit 0", "GET", "/images?limit=0", null, 400, "invalid", null, null));
    c.add(bad("limit not a number", "GET", "/images?limit=ten", null, 400, "invalid", null, null));
    c.add(bad("bootOnce not a boolean", "GET", "/hosts?bootOnce=maybe", null, 400, "invalid", null, null));
    c.add(bad("label filter not key=value", "GET", "/hosts?label=rack", null, 400, "invalid", "label[0]",
        "invalid-label"));
    c.add(bad("timeline limit too large", "GET", "/hosts/52:54:00:00:00:01/timeline?limit=1000", null, 400,
        "invalid", null, null));
    c.add(bad("no such endpoint", "GET", "/nothing/here", null, 404, "no-route", null, null));
    c.add(bad("no such method", "PATCH", "/images/" + P + "-ok", image(P + "-ok"), 405, "method-not-allowed", null,
        null));
    c.add(bad("profile of a missing image", "POST", "/profiles", new JsonObject().put("id", P + "-p")
        .put("image", P + "-none"), 422, "unprocessable", "image", "unknown-image"));
    c.add(bad("blob: not a hash", "GET", "/blobs/..%2F..%2Fetc%2Fpasswd", null, 400, "blob:invalid-hash", null,
        null));
    c.add(bad("delete of nothing", "DELETE", "/groups/" + P + "-none", null, 404, "not-found", "id", "not-found"));
    return c.stream();
  }

  private static JsonArray manyInitrds(int n) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) {
      a.add(new JsonObject().put("name", "i" + i).put("sha256", "00".repeat(32)).put("size", 1));
    }
    return a;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedWithAProblem(Bad b) {
    int before = server.app.store().snapshot().size();
    long revision = server.app.store().snapshot().revision();
    List<String> h = new ArrayList<>(b.headers());
    if (b.body() != null) {
      h.add("Content-Type");
      h.add(b.contentType());
    }
    CatalogServer.Response r = server.send(b.method(), b.path(), b.body(), h.toArray(String[]::new));
    assertEquals(b.status(), r.status(), r::toString);
    assertTrue(r.header("Content-Type").startsWith("application/problem+json"), r::toString);
    JsonObject problem = r.json();
    assertEquals("urn:pxebus:problem:" + b.type(), problem.getString("type"), r::toString);
    assertFalse(problem.getString("title", "").isBlank());
    assertFalse(r.body().contains("Exception") || r.body().contains("\tat ") || r.body().contains(".java:"),
        () -> "leaks internals: " + r.body());
    if (b.field() != null) {
      JsonArray errors = problem.getJsonArray("errors");
      assertTrue(errors != null && !errors.isEmpty(), r::toString);
      JsonObject first = errors.getJsonObject(0);
      assertEquals(b.field(), first.getString("field"), r::toString);
      if (b.code() != null) assertEquals(b.code(), first.getString("code"), r::toString);
      assertFalse(first.getString("message").isBlank());
    }
    assertEquals(before, server.app.store().snapshot().size(), "nothing was written");
    assertEquals(revision, server.app.store().snapshot().revision(), "nothing was written");
  }
}
