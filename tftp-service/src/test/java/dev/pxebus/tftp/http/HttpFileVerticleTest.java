package dev.pxebus.tftp.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pxebus.events.catalog.Artifact;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.testing.Await;
import dev.pxebus.tftp.boot.BootNamespace;
import dev.pxebus.tftp.boot.BootNamespaceOptions;
import dev.pxebus.tftp.boot.BootRoot;
import dev.pxebus.tftp.boot.FakeUpstream;
import dev.pxebus.tftp.boot.HostileNames;
import dev.pxebus.tftp.boot.ImageCatalog;
import dev.pxebus.tftp.boot.Lookup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HttpFileVerticle} over loopback with Vert.x's HTTP client and raw sockets, in front of a real namespace whose
 * menu-service and catalog-service are a {@link FakeUpstream}.
 */
@ExtendWith(VertxExtension.class)
class HttpFileVerticleTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final int SIZE = 70_000;

  @TempDir Path tmp;
  private Vertx vertx;
  private BootRoot boot;
  private byte[] pxelinux;
  private FakeUpstream upstream;
  private BootNamespace ns;
  private HttpClient client;
  private int port;
  private final List<HttpFileAccess> accesses = new CopyOnWriteArrayList<>();
  private final Map<String, ImageEvent> images = new ConcurrentHashMap<>();

  record Response(int status, MultiMap headers, byte[] body) {
    String header(String name) {
      return headers.get(name);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    boot = BootRoot.create(tmp);
    pxelinux = boot.bytes("pxelinux.0");
    upstream = await(FakeUpstream.start(vertx));
    ImageCatalog catalog = idOrName -> images.containsKey(idOrName) ? List.of(images.get(idOrName)) : List.of();
    ns = await(BootNamespace.create(vertx, BootNamespaceOptions.of(boot.root, tmp.resolve("cache"))
        .withMenu(upstream.url(), BootNamespaceOptions.DEFAULT_MENU_TIMEOUT, Duration.ZERO)
        .withCatalog(upstream.url(), Duration.ofSeconds(2)), catalog, new SimpleMeterRegistry()));
    HttpFileVerticle verticle = new HttpFileVerticle(ns, HttpFileOptions.of("127.0.0.1", 0, false), accesses::add);
    await(vertx.deployVerticle(verticle));
    port = verticle.actualPort();
    // A connection per request: once in CI a request on a reused keep-alive connection got no answer for 20 s, the
    // Vert.x 5.0.10 stall MenuFetchRegressionTest reproduces between a Vert.x client and server (which side stalls
    // is not established yet; noted on issue 3 — real iPXE over keep-alive is for issue 7).
    client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) await(client.close());
    if (ns != null) await(ns.close());
    if (upstream != null) await(upstream.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  private Response request(HttpMethod method, String uri, String... headers) throws Exception {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    for (int i = 0; i < headers.length; i += 2) o.putHeader(headers[i], headers[i + 1]);
    return await(client.request(o).compose(req -> req.send()).compose(resp -> resp.body()
        .map(b -> new Response(resp.statusCode(), resp.headers(), b.getBytes()))));
  }

  private Response get(String uri, String... headers) throws Exception {
    return request(HttpMethod.GET, uri, headers);
  }

  private HttpFileAccess access(int n) {
    Await.until(DEADLINE, () -> accesses.size() >= n, () -> n + " access records, have " + accesses);
    return accesses.get(n - 1);
  }

  // ---- whole files -----------------------------------------------------------------------------------------------

  @Test
  void getServesTheWholeFile() throws Exception {
    Response r = get("/pxelinux.0");
    assertEquals(200, r.status());
    assertEquals(Integer.toString(SIZE), r.header("content-length"));
    assertEquals("bytes", r.header("accept-ranges"));
    assertEquals("application/octet-stream", r.header("content-type"));
    assertArrayEquals(pxelinux, r.body());
  }

  @Test
  void headAnswersTheHeadersOfGetWithoutABody() throws Exception {
    Response r = request(HttpMethod.HEAD, "/pxelinux.0");
    assertEquals(200, r.status());
    assertEquals(Integer.toString(SIZE), r.header("content-length"));
    assertEquals("bytes", r.header("accept-ranges"));
    assertEquals(0, r.body().length);
    assertEquals(0, access(1).bytes());
  }

  @Test
  void emptyFile() throws Exception {
    Response r = get("/empty.bin");
    assertEquals(200, r.status());
    assertEquals("0", r.header("content-length"));
  }

  static Stream<Arguments> contentTypes() {
    return Stream.of(
        Arguments.of("bootloader", "pxelinux.0", false, "application/octet-stream"),
        Arguments.of("grub module", "grub/x86_64-efi/normal.mod", false, "application/octet-stream"),
        Arguments.of("static iPXE script", "boot.ipxe", false, "text/plain; charset=utf-8"),
        Arguments.of("static pxelinux menu", "pxelinux.cfg/default", false, "text/plain; charset=utf-8"),
        Arguments.of("static grub.cfg probe", "grub/grub.cfg-01-52-54-00-12-34-56", false, "text/plain; charset=utf-8"),
        Arguments.of("generated", "anything", true, "text/plain; charset=utf-8"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void contentTypes(String label, String name, boolean generated, String expected) {
    assertEquals(expected, HttpFileVerticle.contentType(name, generated), label);
  }

  @Test
  void staticFallbackOfAGeneratedNameIsText() throws Exception {
    upstream.respond("/boot.ipxe", 503, "down");
    Response r = get("/boot.ipxe");
    assertEquals(200, r.status());
    assertEquals("text/plain; charset=utf-8", r.header("content-type"));
    assertEquals("#!ipxe\necho static boot.ipxe\n", r.text());
    assertEquals(Lookup.Origin.MENU_FALLBACK, access(1).origin());
  }

  // ---- ranges ----------------------------------------------------------------------------------------------------

  static Stream<Arguments> ranges() {
    return Stream.of(
        Arguments.of("first-last", "bytes=0-99", 0, 99),
        Arguments.of("middle", "bytes=1000-1999", 1000, 1999),
        Arguments.of("open-ended", "bytes=69900-", 69_900, 69_999),
        Arguments.of("suffix", "bytes=-100", 69_900, 69_999),
        Arguments.of("last past the end is clamped", "bytes=69990-80000", 69_990, 69_999),
        Arguments.of("suffix longer than the file", "bytes=-100000", 0, 69_999),
        Arguments.of("single byte", "bytes=5-5", 5, 5),
        Arguments.of("upper-case unit", "BYTES=0-9", 0, 9));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void ranges(String label, String range, int first, int last) throws Exception {
    Response r = get("/pxelinux.0", "Range", range);
    assertEquals(206, r.status(), label);
    assertEquals("bytes " + first + "-" + last + "/" + SIZE, r.header("content-range"), label);
    assertEquals(Integer.toString(last - first + 1), r.header("content-length"), label);
    assertArrayEquals(Arrays.copyOfRange(pxelinux, first, last + 1), r.body(), label);
    HttpFileAccess a = access(1);
    assertEquals(206, a.status());
    assertEquals(last - first + 1, a.bytes());
    assertEquals(range, a.range());
  }

  static Stream<Arguments> wholeFileDespiteRange() {
    return Stream.of(
        Arguments.of("several ranges", new String[] {"Range", "bytes=0-9,20-29"}),
        Arguments.of("unknown unit", new String[] {"Range", "items=0-9"}),
        Arguments.of("last before first", new String[] {"Range", "bytes=9-0"}),
        Arguments.of("garbage", new String[] {"Range", "bytes=abc"}),
        Arguments.of("If-Range without validators", new String[] {"Range", "bytes=0-9", "If-Range", "\"x\""}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void wholeFileDespiteRange(String label, String[] headers) throws Exception {
    Response r = get("/pxelinux.0", headers);
    assertEquals(200, r.status(), label);
    assertEquals(Integer.toString(SIZE), r.header("content-length"), label);
    assertArrayEquals(pxelinux, r.body(), label);
    assertNull(access(1).range(), label);
  }

  @Test
  void unsatisfiableRangeIs416WithTheSize() throws Exception {
    Response r = get("/pxelinux.0", "Range", "bytes=70000-");
    assertEquals(416, r.status());
    assertEquals("bytes */" + SIZE, r.header("content-range"));
    Response empty = get("/empty.bin", "Range", "bytes=0-");
    assertEquals(416, empty.status());
    assertEquals("bytes */0", empty.header("content-range"));
    assertEquals(416, get("/pxelinux.0", "Range", "bytes=-0").status());
  }

  @Test
  void headOfARange() throws Exception {
    Response r = request(HttpMethod.HEAD, "/pxelinux.0", "Range", "bytes=0-99");
    assertEquals(206, r.status());
    assertEquals("100", r.header("content-length"));
    assertEquals("bytes 0-99/" + SIZE, r.header("content-range"));
    assertEquals(0, r.body().length);
  }

  // ---- errors ----------------------------------------------------------------------------------------------------

  @Test
  void missingFileIs404() throws Exception {
    Response r = get("/ldlinux.c32");
    assertEquals(404, r.status());
    assertEquals("text/plain; charset=utf-8", r.header("content-type"));
    assertEquals("not found\n", r.text());
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("dot-dot", "/../../outside/secret.txt"),
        Arguments.of("encoded dot-dot", "/%2e%2e/outside/secret.txt"),
        Arguments.of("encoded slash", "/..%2foutside%2fsecret.txt"),
        Arguments.of("double-encoded", "/%252e%252e/outside/secret.txt"),
        Arguments.of("encoded NUL", "/pxelinux.0%00.txt"),
        Arguments.of("absolute after the root", "//etc/passwd"),
        Arguments.of("link leading out", "/link-out"),
        Arguments.of("directory link leading out", "/dir-out/secret.txt"),
        Arguments.of("directory", "/sub"),
        Arguments.of("drive letter", "/C:/boot.ini"),
        Arguments.of("catalog path with traversal", "/images/%2e%2e/%2e%2e/outside/secret.txt"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void refused(String label, String uri) throws Exception {
    Response r = get(uri);
    assertEquals(400, r.status(), label + ": " + r.text());
    assertTrue(r.text().startsWith("refused: "), r.text());
    assertFalse(BootRoot.leaks(r.body()), label);
  }

  @Test
  void fifoIsRefused() throws Exception {
    assumeTrue(boot.hasFifo, "mkfifo not available");
    assertEquals(400, get("/fifo").status());
  }

  @Test
  void otherMethodsAre405() throws Exception {
    Response r = request(HttpMethod.POST, "/pxelinux.0");
    assertEquals(405, r.status());
    assertEquals("GET, HEAD", r.header("allow"));
    assertEquals(405, request(HttpMethod.PUT, "/x").status());
    assertEquals(405, request(HttpMethod.DELETE, "/pxelinux.0").status());
  }

  // ---- generated files and artifacts -----------------------------------------------------------------------------

  @Test
  void generatedMenuWithTheClientsHints() throws Exception {
    upstream.respond("/boot.ipxe", 200, "#!ipxe\necho for you\n");
    Response r = get("/boot.ipxe?mac=52:54:00:AB:CD:EF&arch=x86_64&uuid=8d3c2f1e-0b7a-4c55-9e21-3a4b5c6d7e8f");
    assertEquals(200, r.status());
    assertEquals("#!ipxe\necho for you\n", r.text());
    assertEquals("text/plain; charset=utf-8", r.header("content-type"));
    assertEquals("no-store", r.header("cache-control"));
    assertEquals(Map.of("mac", "52:54:00:ab:cd:ef", "ip", "127.0.0.1", "arch", "x86_64",
        "uuid", "8d3c2f1e-0b7a-4c55-9e21-3a4b5c6d7e8f"), upstream.seen("/boot.ipxe").get(0).query());
    HttpFileAccess a = access(1);
    assertEquals("52:54:00:ab:cd:ef", a.mac());
    assertEquals(Lookup.Origin.MENU_SERVICE, a.origin());

    Response part = get("/boot.ipxe", "Range", "bytes=0-5");
    assertEquals(206, part.status());
    assertEquals("#!ipxe", part.text());
  }

  @Test
  void hintsThatDoNotParseAreDropped() throws Exception {
    upstream.respond("/boot.ipxe", 200, "#!ipxe\n");
    assertEquals(200, get("/boot.ipxe?mac=not-a-mac&arch=x%20y&uuid=%zz").status());
    assertEquals(Map.of("ip", "127.0.0.1"), upstream.seen("/boot.ipxe").get(0).query());
    assertNull(access(1).mac());
  }

  @Test
  void menuServiceNotFoundIs404() throws Exception {
    assertEquals(404, get("/pxelinux.cfg/default").status());
  }

  @Test
  void artifactIsFetchedVerifiedAndServedInRanges() throws Exception {
    byte[] initrd = BootRoot.pseudoRandom(3_000_000, 11);
    String sha = upstream.blob(initrd);
    images.put("img-1", new ImageEvent("img-1", "debian", "12", "x86_64", new Artifact("vmlinuz", sha, 0),
        List.of(new Artifact("initrd.img", sha, initrd.length)), "", Map.of(), 1, Instant.EPOCH));
    Response whole = get("/images/img-1/initrd.img");
    assertEquals(200, whole.status());
    assertArrayEquals(initrd, whole.body());
    assertEquals(Lookup.Origin.CACHE_FILLED, access(1).origin());

    Response part = get("/images/img-1/initrd.img", "Range", "bytes=2000000-2000099");
    assertEquals(206, part.status());
    assertArrayEquals(Arrays.copyOfRange(initrd, 2_000_000, 2_000_100), part.body());
    assertEquals(Lookup.Origin.CACHE_HIT, access(2).origin());
    assertEquals(1, upstream.count("/blobs/" + sha));
  }

  @Test
  void artifactFailingItsHashIs503() throws Exception {
    byte[] right = BootRoot.pseudoRandom(10_000, 12);
    String sha = upstream.corruptBlob(right, BootRoot.pseudoRandom(10_000, 13));
    images.put("img-2", new ImageEvent("img-2", "bad", "1", "x86_64", new Artifact("vmlinuz", sha, right.length),
        List.of(), "", Map.of(), 1, Instant.EPOCH));
    Response r = get("/images/img-2/vmlinuz");
    assertEquals(503, r.status());
    assertEquals("unavailable\n", r.text());
  }

  // ---- the listener ----------------------------------------------------------------------------------------------

  @Test
  void eachAnsweredRequestReachesTheListener() throws Exception {
    get("/pxelinux.0?mac=52-54-00-12-34-56", "Range", "bytes=0-99");
    get("/nope");
    get("/%2e%2e/x");
    HttpFileAccess served = access(1);
    assertEquals("127.0.0.1", served.clientIp());
    assertEquals("52:54:00:12:34:56", served.mac());
    assertEquals("GET", served.method());
    assertEquals("/pxelinux.0", served.path());
    assertEquals(206, served.status());
    assertEquals(100, served.bytes());
    assertEquals("bytes=0-99", served.range());
    assertEquals(Lookup.Origin.BOOT_ROOT, served.origin());
    assertTrue(served.completed() && served.served());
    assertTrue(served.durationMs() >= 0);

    HttpFileAccess missing = access(2);
    assertEquals(404, missing.status());
    assertNull(missing.origin());
    assertFalse(missing.served());
    HttpFileAccess refused = access(3);
    assertEquals(400, refused.status());
    assertEquals("/%2e%2e/x", refused.path(), "the path as sent, not decoded");
  }

  @Test
  void aFailingListenerDoesNotStopServing(Vertx vertx) throws Exception {
    HttpFileVerticle throwing = new HttpFileVerticle(ns, HttpFileOptions.of("127.0.0.1", 0, false), a -> {
      throw new IllegalStateException("listener bug");
    });
    await(vertx.deployVerticle(throwing));
    port = throwing.actualPort();
    assertEquals(200, get("/pxelinux.0").status());
    assertEquals(200, get("/pxelinux.0").status());
  }

  // ---- the hostile corpus over raw HTTP --------------------------------------------------------------------------

  /**
   * Every name of the hostile corpus as a raw request line (no client-side normalisation): never the secret, never a
   * server error. Characters a request line cannot carry (controls, space, non-ASCII) are percent-encoded; everything
   * else, {@code %} included, is sent as it is.
   */
  @Test
  void hostileCorpusOverRawHttp() throws Exception {
    Set<Integer> allowed = Set.of(200, 400, 404, 414, -1);
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (HostileNames.Case c : HostileNames.all()) {
      String target = requestTarget(c.name());
      RawResponse r = raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertTrue(allowed.contains(r.status()), c.label() + " -> " + r.status() + " " + r.text());
      assertFalse(BootRoot.leaks(r.bytes()), c.label() + " leaked the secret");
      statuses.merge(r.status(), 1, Integer::sum);
    }
    // Most of the corpus is refused by the name rules; the rest is simply not there.
    assertTrue(statuses.getOrDefault(400, 0) >= 150, "refused: " + statuses);
    assertTrue(statuses.getOrDefault(404, 0) >= 10, "not found: " + statuses);
  }

  record RawResponse(int status, byte[] bytes) {
    String text() {
      String s = new String(bytes, StandardCharsets.ISO_8859_1);
      return s.length() > 200 ? s.substring(0, 200) : s;
    }
  }

  private RawResponse raw(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) DEADLINE.toMillis());
      OutputStream out = s.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (IOException e) {
        return new RawResponse(-1, new byte[0]); // the server closed on an overlong line: nothing served
      }
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      try {
        in.transferTo(all);
      } catch (IOException e) {
        // reset after the answer: keep what arrived
      }
      byte[] b = all.toByteArray();
      String head = new String(b, StandardCharsets.ISO_8859_1);
      if (!head.startsWith("HTTP/1.1 ")) return new RawResponse(-1, b);
      return new RawResponse(Integer.parseInt(head.substring(9, 12)), b);
    }
  }

  static String requestTarget(String name) {
    StringBuilder b = new StringBuilder(name.startsWith("/") ? "" : "/");
    for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
      int v = x & 0xff;
      if (v <= 0x20 || v >= 0x7f) b.append(String.format("%%%02X", v));
      else b.append((char) v);
    }
    return b.toString();
  }
}
