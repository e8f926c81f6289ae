package dev.pxebus.catalog.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routes on a real server on loopback, driven by curl and the JDK's HTTP client. */
class BlobRoutesTest {
  static final long BIG_LIMIT = 64L << 20;
  static final long SMALL_LIMIT = 1 << 20;
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path tmp;
  static Vertx vertx;
  static BlobStore bigStore;
  static BlobStore smallStore;
  static String big; // base URL, 64 MiB limit, open
  static String small; // base URL, 1 MiB limit, writes refused when X-Deny is sent
  static byte[] content;
  static String contentSha;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    bigStore = new BlobStore(tmp.resolve("big"));
    smallStore = new BlobStore(tmp.resolve("small"));
    big = serve(new BlobRoutes(vertx, bigStore, BIG_LIMIT), BlobRoutes.OPEN);
    small = serve(new BlobRoutes(vertx, smallStore, SMALL_LIMIT), ctx -> {
      if (ctx.request().getHeader("X-Deny") != null) {
        ctx.response().setStatusCode(401).end();
      } else {
        ctx.next();
      }
    });
    content = new byte[1000];
    new Random(7).nextBytes(content);
    contentSha = bigStore.put(new java.io.ByteArrayInputStream(content), 1000).sha256();
  }

  static String serve(BlobRoutes routes, io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> guard) {
    Router router = routes.mount(Router.router(vertx), guard);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    return "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) vertx.close().await();
  }

  // ---- helpers

  record Res(int status, java.net.http.HttpHeaders headers, byte[] body) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    JsonObject json() {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }
  }

  static Res send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    return new Res(r.statusCode(), r.headers(), r.body());
  }

  static Res get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (headers.length > 0) b.headers(headers);
    return send(b);
  }

  static void assertProblem(Res r, int status, String type) {
    assertEquals(status, r.status());
    assertEquals("application/problem+json", r.header("content-type"));
    JsonObject p = r.json();
    assertEquals(status, p.getInteger("status"));
    assertEquals("urn:pxebus:problem:blob:" + type, p.getString("type"));
    assertTrue(p.getString("title") != null && !p.getString("title").isEmpty());
    assertTrue(p.getString("detail") != null && !p.getString("detail").isEmpty());
  }

  record Curl(int status, String body) {}

  /** Runs curl; its stdin is {@code stdin} when given (then {@code -T -} sends it chunked, size unknown). */
  static Curl curl(Path stdin, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(tmp, "curl", ".out");
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-o", out.toString(), "-w", "%{http_code}",
        "--max-time", "120"));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    if (stdin != null) pb.redirectInput(stdin.toFile());
    Process p = pb.start();
    String code;
    try (InputStream in = p.getInputStream()) {
      code = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
    }
    assertTrue(p.waitFor(150, TimeUnit.SECONDS), "curl did not finish");
    return new Curl(Integer.parseInt(code), Files.readString(out));
  }

  static Path randomFile(String name, long size, long seed) throws IOException {
    Path f = tmp.resolve(name);
    Random r = new Random(seed);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(f)) {
      for (long left = size; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
    return f;
  }

  static String sha256(Path f) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(f)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
    }
    return Sha256.hex(md.digest());
  }

  static List<String> tree(BlobStore s) throws IOException {
    try (Stream<Path> w = Files.walk(s.directory())) {
      return w.filter(Files::isRegularFile).map(p -> s.directory().relativize(p).toString()).sorted().toList();
    }
  }

  // ---- reads

  @Test
  void wholeBlobWithValidators() throws Exception {
    Res r = get(big + "/blobs/" + contentSha);
    assertEquals(200, r.status());
    assertArrayEquals(content, r.body());
    assertEquals("1000", r.header("content-length"));
    assertEquals("bytes", r.header("accept-ranges"));
    assertEquals("\"" + contentSha + "\"", r.header("etag"));
    assertEquals("application/octet-stream", r.header("content-type"));
    assertEquals(304, get(big + "/blobs/" + contentSha, "If-None-Match", "\"" + contentSha + "\"").status());
  }

  @Test
  void firstByte() throws Exception {
    Res r = get(big + "/blobs/" + contentSha, "Range", "bytes=0-0");
    assertEquals(206, r.status());
    assertEquals("bytes 0-0/1000", r.header("content-range"));
    assertEquals("1", r.header("content-length"));
    assertArrayEquals(new byte[] {content[0]}, r.body());
  }

  @Test
  void lastBytes() throws Exception {
    Res r = get(big + "/blobs/" + contentSha, "Range", "bytes=-10");
    assertEquals(206, r.status());
    assertEquals("bytes 990-999/1000", r.header("content-range"));
    assertArrayEquals(Arrays.copyOfRange(content, 990, 1000), r.body());
  }

  @Test
  void openEndedAndClosedRanges() throws Exception {
    Res open = get(big + "/blobs/" + contentSha, "Range", "bytes=500-");
    assertEquals(206, open.status());
    assertEquals("bytes 500-999/1000", open.header("content-range"));
    assertArrayEquals(Arrays.copyOfRange(content, 500, 1000), open.body());
    Res closed = get(big + "/blobs/" + contentSha, "Range", "bytes=100-199");
    assertEquals("bytes 100-199/1000", closed.header("content-range"));
    assertArrayEquals(Arrays.copyOfRange(content, 100, 200), closed.body());
  }

  @Test
  void ifRangeWithAnotherValidatorGetsTheWholeBlob() throws Exception {
    Res r = get(big + "/blobs/" + contentSha, "Range", "bytes=0-0", "If-Range", "\"other\"");
    assertEquals(200, r.status());
    assertEquals(1000, r.body().length);
    Res same = get(big + "/blobs/" + contentSha, "Range", "bytes=0-0", "If-Range", "\"" + contentSha + "\"");
    assertEquals(206, same.status());
  }

  @Test
  void unsatisfiableRange() throws Exception {
    Res r = get(big + "/blobs/" + contentSha, "Range", "bytes=1000-");
    assertProblem(r, 416, "range-not-satisfiable");
    assertEquals("bytes */1000", r.header("content-range"));
  }

  @Test
  void headHasTheHeadersAndNoBody() throws Exception {
    Res r = send(HttpRequest.newBuilder(URI.create(big + "/blobs/" + contentSha))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, r.status());
    assertEquals("1000", r.header("content-length"));
    assertEquals("bytes", r.header("accept-ranges"));
    assertEquals("\"" + contentSha + "\"", r.header("etag"));
    assertEquals(0, r.body().length);
    Res part = send(HttpRequest.newBuilder(URI.create(big + "/blobs/" + contentSha)).header("Range", "bytes=-1")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals(206, part.status());
    assertEquals("bytes 999-999/1000", part.header("content-range"));
  }

  @Test
  void unknownBlobIs404() throws Exception {
    assertProblem(get(big + "/blobs/" + "0".repeat(64)), 404, "not-found");
  }

  @Test
  void badHashIs400() throws Exception {
    assertProblem(get(big + "/blobs/" + contentSha.toUpperCase()), 400, "invalid-hash");
    assertProblem(get(big + "/blobs/..%2F..%2Fetc%2Fpasswd"), 400, "invalid-hash");
    assertProblem(get(big + "/blobs/abc"), 400, "invalid-hash");
  }

  // ---- writes

  @Test
  void upload64MiBStreamedWithCurl() throws Exception {
    Path f = randomFile("big.bin", BIG_LIMIT, 42);
    String sha = sha256(f);
    Curl c = curl(null, "-T", f.toString(), "-X", "POST", big + "/blobs");
    assertEquals(201, c.status(), c.body());
    JsonObject j = new JsonObject(c.body());
    assertEquals(sha, j.getString("sha256"));
    assertEquals(BIG_LIMIT, j.getLong("size"));
    assertTrue(bigStore.verify(sha));
    Files.delete(f);
  }

  @Test
  void putUnderTheRightHashThenRead() throws Exception {
    Path f = randomFile("put.bin", 300_000, 3);
    String sha = sha256(f);
    Curl c = curl(null, "-T", f.toString(), small + "/blobs/" + sha);
    assertEquals(201, c.status(), c.body());
    assertEquals(new JsonObject().put("sha256", sha).put("size", 300_000), new JsonObject(c.body()));
    Res r = get(small + "/blobs/" + sha, "Range", "bytes=299999-");
    assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(f), 299_999, 300_000), r.body());
  }

  @Test
  void putUnderAnotherHashIs422AndKeepsNothing() throws Exception {
    Path f = randomFile("mismatch.bin", 200_000, 4);
    String wrong = "1".repeat(64);
    List<String> before = tree(smallStore);
    Curl c = curl(null, "-T", f.toString(), small + "/blobs/" + wrong);
    assertEquals(422, c.status(), c.body());
    assertEquals("urn:pxebus:problem:blob:hash-mismatch", new JsonObject(c.body()).getString("type"));
    assertEquals(before, tree(smallStore));
  }

  @Test
  void putUnderABadHashIs400() throws Exception {
    Curl c = curl(null, "--data-binary", "x", "-X", "PUT", small + "/blobs/not-a-hash");
    assertEquals(400, c.status(), c.body());
    assertEquals("urn:pxebus:problem:blob:invalid-hash", new JsonObject(c.body()).getString("type"));
  }

  @Test
  void announcedOversizeIs413BeforeAnyByteIsRead() throws Exception {
    Path f = randomFile("announced.bin", SMALL_LIMIT + 1, 5);
    List<String> before = tree(smallStore);
    Curl c = curl(null, "-T", f.toString(), "-X", "POST", small + "/blobs");
    assertEquals(413, c.status(), c.body());
    JsonObject p = new JsonObject(c.body());
    assertEquals("urn:pxebus:problem:blob:too-large", p.getString("type"));
    assertEquals(413, p.getInteger("status"));
    assertEquals(before, tree(smallStore));
  }

  @Test
  void chunkedOversizeIs413MidStreamAndLeavesNothing() throws Exception {
    Path f = randomFile("chunked.bin", 8 * SMALL_LIMIT, 6);
    List<String> before = tree(smallStore);
    // stdin of unknown length: curl sends it chunked, so only reading finds it too large.
    Curl c = curl(f, "-T", "-", "-X", "POST", small + "/blobs");
    assertEquals(413, c.status(), c.body());
    assertEquals("urn:pxebus:problem:blob:too-large", new JsonObject(c.body()).getString("type"));
    assertEquals(before, tree(smallStore));
    assertFalse(smallStore.exists(sha256(f)));
  }

  @Test
  void theWriteGuardRunsBeforeTheBodyIsRead() throws Exception {
    Path f = randomFile("denied.bin", 100_000, 8);
    List<String> before = tree(smallStore);
    Curl c = curl(null, "-H", "X-Deny: yes", "-T", f.toString(), "-X", "POST", small + "/blobs");
    assertEquals(401, c.status());
    assertEquals(before, tree(smallStore));
    // Reads are not guarded.
    assertEquals(404, get(small + "/blobs/" + "2".repeat(64), "X-Deny", "yes").status());
  }
}
