package dev.pxebus.catalog.api;

import dev.pxebus.catalog.CatalogApp;
import dev.pxebus.catalog.CatalogConfig;
import dev.pxebus.runtime.Settings;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaEndpoint;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A real catalog-service (in this JVM, on free ports) against the test broker, and a blocking HTTP client for it. */
final class CatalogServer implements AutoCloseable {
  static final String TOKEN = "test-write-token";
  static final String READ_TOKEN = "test-read-token";
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final CatalogApp app;
  final String url;
  final Path dataDir;

  private CatalogServer(CatalogApp app, Path dataDir) {
    this.app = app;
    this.url = app.apiUrl();
    this.dataDir = dataDir;
  }

  static CatalogServer start(KafkaEndpoint kafka, Path dataDir, Map<String, String> extra) {
    Map<String, String> s = new HashMap<>();
    s.put("kafka.bootstrap", kafka.bootstrapServers());
    s.put("admin.host", "127.0.0.1");
    s.put("admin.port", "0");
    s.put("http.host", "127.0.0.1");
    s.put("http.port", "0");
    s.put("catalog.data-dir", dataDir.toString());
    s.put("catalog.token", TOKEN);
    s.put("catalog.read-tokens", READ_TOKEN);
    s.put("instance.id", "catalog-test-" + UUID.randomUUID().toString().substring(0, 8));
    s.putAll(extra);
    s.values().removeIf(v -> v == null);
    try {
      CatalogApp app = CatalogApp.start(CatalogConfig.from(Settings.of(CatalogConfig.keys(), s)))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      Await.until(Duration.ofSeconds(60), () -> app.store().isReady(), "the catalog loads from Kafka");
      return new CatalogServer(app, dataDir);
    } catch (Exception e) {
      throw new AssertionError("catalog-service did not start: " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      app.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("catalog-service did not stop: " + e, e);
    }
  }

  record Response(int status, Map<String, List<String>> headers, String body) {
    String header(String name) {
      for (var e : headers.entrySet()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0);
      return null;
    }

    JsonObject json() {
      try {
        return new JsonObject(body);
      } catch (RuntimeException e) {
        throw new AssertionError("not a JSON object (" + status + "): " + body, e);
      }
    }

    String etag() {
      return header("ETag");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** A request with the write token. */
  Response send(String method, String path, String json, String... headers) {
    return sendAs(TOKEN, method, path, json, headers);
  }

  /** A request with this token (null: none). {@code headers} are name, value pairs. */
  Response sendAs(String token, String method, String path, String json, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      typed |= headers[i].equalsIgnoreCase("content-type");
    }
    if (json != null && !typed) b.header("Content-Type", "application/json");
    b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    return exchange(b.build());
  }

  Response sendBytes(String method, String path, byte[] body) {
    HttpRequest r = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/octet-stream")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return exchange(r);
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  private static Response exchange(HttpRequest r) {
    try {
      HttpResponse<String> res = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
      return new Response(res.statusCode(), res.headers().map(), res.body());
    } catch (IOException e) {
      throw new AssertionError(r.method() + " " + r.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Uploads the content as a blob and returns its artifact JSON under that file name. */
  JsonObject artifact(String name, byte[] content) {
    Response r = sendBytes("POST", "/blobs", content);
    if (r.status() != 201) throw new AssertionError("upload of " + name + ": " + r);
    return new JsonObject().put("name", name).put("sha256", r.json().getString("sha256")).put("size", content.length);
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
