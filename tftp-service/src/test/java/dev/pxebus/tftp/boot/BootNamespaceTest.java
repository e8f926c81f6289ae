package dev.pxebus.tftp.boot;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.catalog.Artifact;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * {@link BootNamespace} against a real HTTP server on loopback playing menu-service and catalog-service
 * ({@link FakeUpstream}): generated files with their fallback, and catalog artifacts through the verified cache.
 */
@ExtendWith(VertxExtension.class)
class BootNamespaceTest {
  /** Generous: a first request in a busy JVM loads classes and connects; answers must not fall back by accident. */
  // Generous: the first request of a cold JVM on a loaded CI machine once took longer than the 2 s default, and
  // these tests are about what is asked and answered, not about the deadline (the fallback tests set their own).
  private static final Duration MENU_TIMEOUT = Duration.ofSeconds(20);
  /** For the cases that wait the deadline out on purpose. */
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final BootClient CLIENT = BootClient.of("192.0.2.10", "52-54-00-12-34-56", "00007",
      "8D3C2F1E-0B7A-4C55-9E21-3A4B5C6D7E8F");

  @TempDir Path tmp;
  private Vertx vertx;
  private BootRoot boot;
  private FakeUpstream upstream;
  private SimpleMeterRegistry registry;
  private final TestCatalog catalog = new TestCatalog();
  private BootNamespace ns;

  /** Images by id, found by id or name like {@link ImageCatalog#of}. */
  static final class TestCatalog implements ImageCatalog {
    final Map<String, ImageEvent> byId = new ConcurrentHashMap<>();

    @Override
    public List<ImageEvent> find(String idOrName) {
      ImageEvent i = byId.get(idOrName);
      return i != null ? List.of(i) : byId.values().stream().filter(e -> idOrName.equals(e.name())).toList();
    }

    void put(ImageEvent image) {
      byId.put(image.id(), image);
    }
  }

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    boot = BootRoot.create(tmp);
    upstream = await(FakeUpstream.start(vertx));
    ns = namespace(options(Duration.ZERO));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (ns != null) await(ns.close());
    if (upstream != null) await(upstream.close());
  }

  private BootNamespaceOptions options(Duration menuRetryAfter) {
    return options(MENU_TIMEOUT, menuRetryAfter);
  }

  private BootNamespaceOptions options(Duration menuTimeout, Duration menuRetryAfter) {
    return BootNamespaceOptions.of(boot.root, tmp.resolve("cache"))
        .withMenu(upstream.url(), menuTimeout, menuRetryAfter)
        .withCatalog(upstream.url(), Duration.ofSeconds(10));
  }

  private BootNamespace namespace(BootNamespaceOptions options) throws Exception {
    registry = new SimpleMeterRegistry();
    return await(BootNamespace.create(vertx, options, catalog, registry));
  }

  private Lookup lookup(String name) throws Exception {
    return await(ns.lookup(name, CLIENT));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  private static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private double counter(String name, String tag, String value) {
    var c = registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  private static String text(Lookup l) throws IOException {
    if (l instanceof Lookup.Generated g) return new String(g.content(), StandardCharsets.UTF_8);
    return Files.readString(assertInstanceOf(Lookup.FileBody.class, l).path());
  }

  // ---- names ---------------------------------------------------------------------------------------------------

  static Stream<Arguments> routing() {
    return Stream.of(
        Arguments.of("pxelinux MAC probe", "pxelinux.cfg/01-52-54-00-12-34-56", true, false),
        Arguments.of("pxelinux IP probe", "pxelinux.cfg/C0A80002", true, false),
        Arguments.of("pxelinux default", "pxelinux.cfg/default", true, false),
        Arguments.of("nested under pxelinux.cfg is static", "pxelinux.cfg/x/y", false, false),
        Arguments.of("boot.ipxe", "boot.ipxe", true, false),
        Arguments.of("any .ipxe", "menus/rescue.ipxe", true, false),
        Arguments.of("iPXE binary is static", "undionly.kpxe", false, false),
        Arguments.of("grub.cfg", "grub/grub.cfg", true, false),
        Arguments.of("grub.cfg MAC probe", "grub/grub.cfg-01-52-54-00-12-34-56", true, false),
        Arguments.of("grub.cfg deeper under grub/", "grub/x86_64-efi/grub.cfg", true, false),
        Arguments.of("grub module is static", "grub/x86_64-efi/normal.mod", false, false),
        Arguments.of("grub.cfg outside grub/ is static", "EFI/BOOT/grub.cfg", false, false),
        Arguments.of("bootloader", "pxelinux.0", false, false),
        Arguments.of("catalog artifact", "images/debian/vmlinuz", false, true),
        Arguments.of("images is a prefix, not a substring", "imagesx/a/b", false, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void routing(String label, String name, boolean generated, boolean image) {
    SafePath.Name n = assertInstanceOf(SafePath.Name.class, SafePath.name(name));
    assertEquals(generated, BootNamespace.isGenerated(n), label);
    assertEquals(image, BootNamespace.isImage(n), label);
  }

  @Test
  void menuUrlCarriesTheNameEncodedAndTheClientAsQuery() {
    MenuClient m = new MenuClient(null, null, URI.create("http://menu.example:8071/api/"), MENU_TIMEOUT, Duration.ZERO,
        new SimpleMeterRegistry());
    assertEquals("http://menu.example:8071/api/pxelinux.cfg/01-52-54-00-12-34-56"
            + "?mac=52%3A54%3A00%3A12%3A34%3A56&ip=192.0.2.10&arch=00007&uuid=8d3c2f1e-0b7a-4c55-9e21-3a4b5c6d7e8f",
        m.url((SafePath.Name) SafePath.name("pxelinux.cfg/01-52-54-00-12-34-56"), CLIENT));
    assertEquals("http://menu.example:8071/api/odd%20name%23%3F.ipxe?ip=10.0.0.1",
        m.url((SafePath.Name) SafePath.name("odd name#?.ipxe"), BootClient.ofIp("10.0.0.1")));
  }

  // ---- static files ----------------------------------------------------------------------------------------------

  @Test
  void staticFileComesFromTheBootRoot() throws Exception {
    Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class, lookup("pxelinux.0"));
    assertEquals(Lookup.Origin.BOOT_ROOT, f.origin());
    assertEquals(boot.root.resolve("pxelinux.0").toRealPath(), f.path());
    assertEquals(70_000, f.size());
    assertEquals("pxelinux.0", f.name());
    assertEquals(List.of(), upstream.seen(), "static names never reach menu-service");
  }

  @Test
  void leadingSlashAndBackslashesNameRootFiles() throws Exception {
    Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class, lookup("\\sub\\file.bin"));
    assertEquals("sub/file.bin", f.name());
    assertEquals("inside\n", text(f));
  }

  @Test
  void staticFileUnderGrubIsNotAskedOfMenuService() throws Exception {
    Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class, lookup("grub/x86_64-efi/normal.mod"));
    assertEquals(Lookup.Origin.BOOT_ROOT, f.origin());
    assertEquals(List.of(), upstream.seen());
  }

  @Test
  void missingStaticFileIsNotFound() throws Exception {
    assertInstanceOf(Lookup.NotFound.class, lookup("ldlinux.c32"));
  }

  @Test
  void refusedNamesAreRefusedAndNeverForwarded() throws Exception {
    assertAll(
        () -> assertEquals(SafePath.Reason.DOT_SEGMENT,
            assertInstanceOf(Lookup.Refused.class, lookup("pxelinux.cfg/../../outside/secret.txt")).reason()),
        () -> assertEquals(SafePath.Reason.PERCENT,
            assertInstanceOf(Lookup.Refused.class, lookup("pxelinux.cfg/%2e%2e")).reason()),
        () -> assertEquals(SafePath.Reason.OUTSIDE_ROOT,
            assertInstanceOf(Lookup.Refused.class, lookup("link-out")).reason()),
        () -> assertEquals(SafePath.Reason.NOT_A_REGULAR_FILE,
            assertInstanceOf(Lookup.Refused.class, lookup("sub")).reason()));
    assertEquals(List.of(), upstream.seen());
  }

  // ---- generated files -------------------------------------------------------------------------------------------

  @Test
  void generatedFileComesFromMenuServiceWithTheClientsIdentity() throws Exception {
    upstream.respond("/pxelinux.cfg/01-52-54-00-12-34-56", 200, "DEFAULT generated\n");
    Lookup.Generated g = assertInstanceOf(Lookup.Generated.class, lookup("pxelinux.cfg/01-52-54-00-12-34-56"));
    assertEquals(Lookup.Origin.MENU_SERVICE, g.origin());
    assertEquals("DEFAULT generated\n", text(g));
    FakeUpstream.Seen seen = upstream.seen("/pxelinux.cfg/01-52-54-00-12-34-56").get(0);
    assertEquals(Map.of("mac", "52:54:00:12:34:56", "ip", "192.0.2.10", "arch", "00007",
        "uuid", "8d3c2f1e-0b7a-4c55-9e21-3a4b5c6d7e8f"), seen.query());
  }

  @Test
  void bootIpxeAndGrubConfigsAreGenerated() throws Exception {
    upstream.respond("/boot.ipxe", 200, "#!ipxe\necho generated\n");
    upstream.respond("/grub/grub.cfg", 200, "set default=generated\n");
    assertEquals("#!ipxe\necho generated\n", text(assertInstanceOf(Lookup.Generated.class, lookup("/boot.ipxe"))));
    assertEquals("set default=generated\n", text(assertInstanceOf(Lookup.Generated.class, lookup("grub/grub.cfg"))));
  }

  @Test
  void menuServiceNotFoundIsAnsweredFastWithoutFallback() throws Exception {
    // The boot root has a static pxelinux.cfg/default; menu-service is authoritative while it answers.
    long start = System.nanoTime();
    Lookup l = lookup("pxelinux.cfg/default");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(Lookup.NotFound.class, l);
    assertTrue(ms < BootNamespaceOptions.DEFAULT_MENU_TIMEOUT.toMillis(), "a 404 does not wait for the deadline: " + ms + " ms");
    assertEquals(1, upstream.count("/pxelinux.cfg/default"));
    assertEquals(1, counter("pxebus.boot.menu.fetches", "outcome", "not_found"));
  }

  @Test
  void menuServiceErrorFallsBackToTheStaticFile() throws Exception {
    upstream.respond("/pxelinux.cfg/default", 503, "overloaded");
    Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class, lookup("pxelinux.cfg/default"));
    assertEquals(Lookup.Origin.MENU_FALLBACK, f.origin());
    assertEquals("DEFAULT static\n", text(f));
  }

  @Test
  void menuServiceErrorWithoutAStaticFileIsNotFound() throws Exception {
    upstream.respond("/pxelinux.cfg/C0A8", 500, "boom");
    Lookup.NotFound nf = assertInstanceOf(Lookup.NotFound.class, lookup("pxelinux.cfg/C0A8"));
    // Says both why there is no file and why menu-service did not give one.
    assertTrue(nf.detail().endsWith("(menu-service unavailable: menu-service answered 500)"), nf.detail());
  }

  @Test
  void slowMenuServiceTimesOutThenFallsBack() throws Exception {
    await(ns.close());
    ns = namespace(options(SHORT_TIMEOUT, Duration.ZERO));
    upstream.hang("/boot.ipxe");
    long start = System.nanoTime();
    Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class, lookup("boot.ipxe"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Lookup.Origin.MENU_FALLBACK, f.origin());
    assertEquals("#!ipxe\necho static boot.ipxe\n", text(f));
    assertTrue(ms >= SHORT_TIMEOUT.toMillis() - 50, "waited the deadline: " + ms + " ms");
    assertTrue(ms < SHORT_TIMEOUT.toMillis() + 5_000, "and not much longer: " + ms + " ms");
  }

  @Test
  void aMenuRequestWhoseConnectionClosesWithoutAnAnswerIsAskedOnceMore() throws Exception {
    upstream.dropThenRespond("/boot.ipxe", 1, "#!ipxe\necho generated\n");
    Lookup.Generated g = assertInstanceOf(Lookup.Generated.class, lookup("boot.ipxe"));
    assertEquals("#!ipxe\necho generated\n", new String(g.content(), StandardCharsets.UTF_8));
    assertEquals(2, upstream.seen().size(), "asked twice: " + upstream.seen());
  }

  @Test
  void aMenuRequestWithoutAnAnswerByHalfTheDeadlineIsAskedAgainAlongside() throws Exception {
    await(ns.close());
    ns = namespace(options(Duration.ofSeconds(2), Duration.ZERO));
    upstream.hangThenRespond("/boot.ipxe", 1, "#!ipxe\necho generated\n");
    long start = System.nanoTime();
    Lookup.Generated g = assertInstanceOf(Lookup.Generated.class, lookup("boot.ipxe"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals("#!ipxe\necho generated\n", new String(g.content(), StandardCharsets.UTF_8));
    assertEquals(2, upstream.seen().size(), "asked twice: " + upstream.seen());
    assertTrue(ms >= 1_000 - 50, "the second request waited for half the deadline: " + ms + " ms");
    assertTrue(ms < 2_000, "and its answer did not wait for the first one's deadline: " + ms + " ms");
    assertEquals(1, counter("pxebus.boot.menu.fetches", "outcome", "hedged"));
  }

  @Test
  void aMenuRequestIsAskedOnceMoreOnlyOnce() throws Exception {
    upstream.dropThenRespond("/boot.ipxe", 2, "#!ipxe\necho generated\n");
    Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class, lookup("boot.ipxe"));
    assertEquals(Lookup.Origin.MENU_FALLBACK, f.origin());
    assertEquals(2, upstream.seen().size(), "asked twice, not more: " + upstream.seen());
  }

  @Test
  void menuServiceDownFallsBack() throws Exception {
    await(ns.close());
    ns = namespace(BootNamespaceOptions.of(boot.root, tmp.resolve("cache"))
        .withMenu(URI.create("http://127.0.0.1:" + deadPort()), MENU_TIMEOUT, Duration.ZERO));
    Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class, lookup("pxelinux.cfg/default"));
    assertEquals(Lookup.Origin.MENU_FALLBACK, f.origin());
  }

  @Test
  void oversizedMenuIsNotServed() throws Exception {
    upstream.respond("/boot.ipxe", 200, new byte[MenuClient.MAX_CONTENT_BYTES + 1]);
    assertEquals(Lookup.Origin.MENU_FALLBACK,
        assertInstanceOf(Lookup.FileBody.class, lookup("boot.ipxe")).origin());
  }

  /** pxelinux probes ten names; with menu-service hanging only the first three wait for the deadline. */
  @Test
  void afterAFailurePxelinuxProbesDoNotWaitAgain() throws Exception {
    await(ns.close());
    ns = namespace(options(SHORT_TIMEOUT, Duration.ofMinutes(1)));
    List<String> probes = List.of("01-52-54-00-12-34-56", "C0A80002", "C0A8000", "C0A800", "C0A80", "C0A8", "C0A",
        "C0", "C", "default");
    probes.forEach(p -> upstream.hang("/pxelinux.cfg/" + p));
    long start = System.nanoTime();
    Lookup last = null;
    for (String p : probes) last = lookup("pxelinux.cfg/" + p);
    long ms = (System.nanoTime() - start) / 1_000_000;
    // Each of the three asked twice: the request, and at half the deadline the same once more alongside it.
    assertEquals(2 * MenuClient.UNWELL_IN_A_ROW, upstream.seen().size(), "asked three times, then rested: "
        + upstream.seen());
    long limit = (MenuClient.UNWELL_IN_A_ROW + 1) * SHORT_TIMEOUT.toMillis() + 2_000;
    assertTrue(ms < limit, "ten probes took " + ms + " ms");
    assertEquals(Lookup.Origin.MENU_FALLBACK, assertInstanceOf(Lookup.FileBody.class, last).origin());
    assertEquals(10 - MenuClient.UNWELL_IN_A_ROW, counter("pxebus.boot.menu.fetches", "outcome", "skipped"));
  }

  /** Under a storm one answer can be late; the next machine's menu must still be asked for, not skipped. */
  @Test
  void oneSlowAnswerAmongGoodOnesDoesNotRest() throws Exception {
    await(ns.close());
    ns = namespace(options(SHORT_TIMEOUT, Duration.ofMinutes(1)));
    upstream.respond("/pxelinux.cfg/01-52-54-00-12-34-01", 200, "DEFAULT one\n");
    upstream.hang("/pxelinux.cfg/01-52-54-00-12-34-02");
    upstream.respond("/pxelinux.cfg/01-52-54-00-12-34-03", 200, "DEFAULT three\n");
    assertInstanceOf(Lookup.Generated.class, lookup("pxelinux.cfg/01-52-54-00-12-34-01"));
    // No static file of that name: not found, after the deadline.
    assertInstanceOf(Lookup.NotFound.class, lookup("pxelinux.cfg/01-52-54-00-12-34-02"));
    assertEquals("DEFAULT three\n",
        text(assertInstanceOf(Lookup.Generated.class, lookup("pxelinux.cfg/01-52-54-00-12-34-03"))));
    assertEquals(0, counter("pxebus.boot.menu.fetches", "outcome", "skipped"));
  }

  @Test
  void menuServiceIsAskedAgainAfterItsRest() throws Exception {
    await(ns.close());
    // The production-like 2 s timeout: the rest and the asking again are what this test is about (stalled keep-alive
    // requests, which made it fail twice in CI with the generous timeout, are gone: MenuFetchRegressionTest).
    ns = namespace(options(Duration.ofSeconds(2), Duration.ofMillis(200)));
    upstream.respond("/boot.ipxe", 500, "boom");
    assertEquals(Lookup.Origin.MENU_FALLBACK, assertInstanceOf(Lookup.FileBody.class, lookup("boot.ipxe")).origin());
    upstream.respond("/boot.ipxe", 200, "#!ipxe\necho back\n");
    Await.until(DEADLINE, () -> {
      try {
        return lookup("boot.ipxe") instanceof Lookup.Generated;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, "menu-service asked again after its rest");
  }

  @Test
  void withoutMenuServiceGeneratedNamesComeFromTheRoot() throws Exception {
    await(ns.close());
    ns = namespace(BootNamespaceOptions.of(boot.root, tmp.resolve("cache")));
    assertEquals(Lookup.Origin.BOOT_ROOT, assertInstanceOf(Lookup.FileBody.class, lookup("boot.ipxe")).origin());
    assertEquals(List.of(), upstream.seen());
  }

  // ---- catalog artifacts -----------------------------------------------------------------------------------------

  private static ImageEvent image(String id, String name, Artifact kernel, Artifact... initrds) {
    return new ImageEvent(id, name, "12", "x86_64", kernel, List.of(initrds), "console=ttyS0", Map.of(), 1,
        Instant.parse("2025-01-01T00:00:00Z"));
  }

  private Path cached(String sha) {
    return tmp.resolve("cache").resolve(sha);
  }

  private List<Path> partials() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("cache").resolve(ArtifactCache.PARTIAL))) {
      return s.toList();
    }
  }

  @Test
  void kernelIsFetchedVerifiedCachedThenServedFromTheCache() throws Exception {
    byte[] kernel = BootRoot.pseudoRandom(300_000, 7);
    String sha = upstream.blob(kernel);
    catalog.put(image("img-1", "debian", new Artifact("vmlinuz", sha, kernel.length)));

    Lookup.FileBody first = assertInstanceOf(Lookup.FileBody.class, lookup("images/img-1/vmlinuz"));
    assertEquals(Lookup.Origin.CACHE_FILLED, first.origin());
    assertEquals(cached(sha), first.path());
    assertEquals(kernel.length, first.size());
    assertArrayEquals(kernel, Files.readAllBytes(first.path()));
    assertEquals(List.of(), partials());

    Lookup.FileBody again = assertInstanceOf(Lookup.FileBody.class, lookup("/images/img-1/vmlinuz"));
    assertEquals(Lookup.Origin.CACHE_HIT, again.origin());
    assertEquals(cached(sha), again.path());
    assertEquals(1, upstream.count("/blobs/" + sha), "one download");
    assertEquals(1, counter("pxebus.boot.artifact.fetches", "outcome", "ok"));
  }

  @Test
  void imageByNameAndItsInitrd() throws Exception {
    byte[] kernel = BootRoot.pseudoRandom(1000, 1);
    byte[] initrd = BootRoot.pseudoRandom(2_000_000, 2);
    String k = upstream.blob(kernel);
    String i = upstream.blob(initrd);
    catalog.put(image("img-2", "alpine", new Artifact("vmlinuz-lts", k, kernel.length),
        new Artifact("initramfs-lts", i, initrd.length)));
    Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class, lookup("images/alpine/initramfs-lts"));
    assertArrayEquals(initrd, Files.readAllBytes(f.path()));
    assertEquals("images/alpine/initramfs-lts", f.name());
  }

  @Test
  void aCatalogWhoseReadsNeedATokenGetsTheConfiguredOne() throws Exception {
    byte[] kernel = BootRoot.pseudoRandom(30_000, 7);
    String sha = upstream.protectedBlob(kernel, "read-token-1");
    catalog.put(image("img-t", "guarded", new Artifact("vmlinuz", sha, kernel.length)));

    assertInstanceOf(Lookup.Unavailable.class, lookup("images/img-t/vmlinuz"), "no token: 401, not served");
    assertEquals(1, counter("pxebus.boot.artifact.fetches", "outcome", "error"));
    await(ns.close());
    ns = namespace(options(Duration.ZERO).withCatalogToken("read-token-1"));
    Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class, lookup("images/img-t/vmlinuz"));
    assertArrayEquals(kernel, Files.readAllBytes(f.path()));
    assertFalse(options(Duration.ZERO).withCatalogToken("read-token-1").toString().contains("read-token-1"),
        "the options never print the token");
  }

  @Test
  void corruptedBlobIsDeletedCountedAndNeverServed() throws Exception {
    byte[] right = BootRoot.pseudoRandom(50_000, 3);
    byte[] wrong = right.clone();
    wrong[12_345] ^= 1;
    String sha = upstream.corruptBlob(right, wrong);
    catalog.put(image("img-3", "bad", new Artifact("vmlinuz", sha, right.length)));

    assertInstanceOf(Lookup.Unavailable.class, lookup("images/img-3/vmlinuz"));
    assertFalse(Files.exists(cached(sha)), "a bad download never enters the cache");
    assertEquals(List.of(), partials(), "and is deleted");
    assertEquals(1, counter("pxebus.boot.artifact.fetches", "outcome", "mismatch"));

    assertInstanceOf(Lookup.Unavailable.class, lookup("images/img-3/vmlinuz"));
    assertEquals(2, upstream.count("/blobs/" + sha), "a failed download is not remembered as good");
  }

  @Test
  void blobLongerThanTheCatalogSaysIsAbandoned() throws Exception {
    byte[] right = BootRoot.pseudoRandom(1_000, 4);
    String sha = upstream.corruptBlob(right, BootRoot.pseudoRandom(500_000, 5));
    catalog.put(image("img-4", "long", new Artifact("vmlinuz", sha, right.length)));
    assertInstanceOf(Lookup.Unavailable.class, lookup("images/img-4/vmlinuz"));
    assertFalse(Files.exists(cached(sha)));
    assertEquals(List.of(), partials());
    assertEquals(1, counter("pxebus.boot.artifact.fetches", "outcome", "mismatch"));
  }

  /** Five requests from two event loops for one uncached blob: one download, each answered on its own context. */
  @Test
  void concurrentLookupsShareOneDownload(VertxTestContext test) {
    byte[] initrd = BootRoot.pseudoRandom(1_000_000, 6);
    String sha = FakeUpstream.sha256(initrd);
    FakeUpstream.Gate gate = upstream.gate("/blobs/" + sha, initrd);
    catalog.put(image("img-5", "shared", new Artifact("vmlinuz", sha, 0), new Artifact("initrd.img", sha,
        initrd.length)));
    Checkpoint answered = test.checkpoint(5);
    Context[] contexts = {vertx.getOrCreateContext(), vertx.getOrCreateContext()};
    for (int i = 0; i < 5; i++) {
      Context ctx = contexts[i % 2];
      String name = i % 2 == 0 ? "images/img-5/initrd.img" : "images/shared/vmlinuz";
      ctx.runOnContext(v -> ns.lookup(name, CLIENT).onComplete(test.succeeding(l -> test.verify(() -> {
        assertSame(ctx, Vertx.currentContext(), "answered on the caller's context");
        Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class, l);
        assertEquals(name, f.name());
        assertEquals(Lookup.Origin.CACHE_FILLED, f.origin());
        assertEquals(cached(sha), f.path());
        assertEquals(1, upstream.count("/blobs/" + sha));
        answered.flag();
      }))));
    }
    vertx.executeBlocking(() -> {
      Await.until(DEADLINE, () -> ns.cache().waiting() == 5, () -> "5 lookups waiting, have " + ns.cache().waiting());
      gate.open();
      return null;
    }).onFailure(test::failNow);
  }

  @Test
  void catalogWithoutTheBlobIsNotFound() throws Exception {
    catalog.put(image("img-6", "gone", new Artifact("vmlinuz", FakeUpstream.sha256(new byte[] {1}), 1)));
    assertInstanceOf(Lookup.NotFound.class, lookup("images/img-6/vmlinuz"));
    assertEquals(List.of(), partials());
  }

  @Test
  void catalogErrorIsUnavailable() throws Exception {
    String sha = FakeUpstream.sha256(new byte[] {2});
    upstream.respond("/blobs/" + sha, 500, "boom");
    catalog.put(image("img-7", "err", new Artifact("vmlinuz", sha, 1)));
    assertInstanceOf(Lookup.Unavailable.class, lookup("images/img-7/vmlinuz"));
    assertEquals(List.of(), partials());
  }

  @Test
  void catalogDownIsUnavailable() throws Exception {
    await(ns.close());
    ns = namespace(BootNamespaceOptions.of(boot.root, tmp.resolve("cache"))
        .withCatalog(URI.create("http://127.0.0.1:" + deadPort()), Duration.ofSeconds(1)));
    catalog.put(image("img-8", "down", new Artifact("vmlinuz", FakeUpstream.sha256(new byte[] {3}), 1)));
    assertInstanceOf(Lookup.Unavailable.class, lookup("images/img-8/vmlinuz"));
  }

  @Test
  void stalledDownloadIsAbandonedAndLeavesNothing() throws Exception {
    await(ns.close());
    ns = namespace(options(Duration.ZERO).withCatalog(upstream.url(), Duration.ofMillis(500)));
    byte[] blob = BootRoot.pseudoRandom(100_000, 8);
    String sha = FakeUpstream.sha256(blob);
    upstream.stall("/blobs/" + sha, blob, 10_000);
    catalog.put(image("img-9", "stall", new Artifact("vmlinuz", sha, blob.length)));
    assertInstanceOf(Lookup.Unavailable.class, lookup("images/img-9/vmlinuz"));
    assertFalse(Files.exists(cached(sha)));
    assertEquals(List.of(), partials());
  }

  @Test
  void unknownImagesAndFilesAreNotFound() throws Exception {
    Artifact k = new Artifact("vmlinuz", FakeUpstream.sha256(new byte[] {4}), 1);
    catalog.put(image("img-a", "twin", k));
    catalog.put(image("img-b", "twin", k));
    assertAll(
        () -> assertInstanceOf(Lookup.NotFound.class, lookup("images/nope/vmlinuz")),
        () -> assertInstanceOf(Lookup.NotFound.class, lookup("images/img-a/initrd.img")),
        () -> assertTrue(assertInstanceOf(Lookup.NotFound.class, lookup("images/twin/vmlinuz")).detail()
            .contains("ambiguous")),
        () -> assertInstanceOf(Lookup.NotFound.class, lookup("images/img-a")),
        () -> assertInstanceOf(Lookup.NotFound.class, lookup("images/img-a/vmlinuz/x")));
    assertEquals(List.of(), upstream.seen());
  }

  @Test
  void malformedHashFromTheCatalogIsNeverUsedAsAPath() throws Exception {
    catalog.put(image("img-c", "evil", new Artifact("vmlinuz", "../../outside/secret.txt", 1)));
    assertInstanceOf(Lookup.Unavailable.class, lookup("images/img-c/vmlinuz"));
    assertEquals(List.of(), upstream.seen());
  }

  @Test
  void cachedArtifactIsServedWithoutCatalogService() throws Exception {
    await(ns.close());
    ns = namespace(BootNamespaceOptions.of(boot.root, tmp.resolve("cache")));
    byte[] kernel = "kernel".getBytes(StandardCharsets.UTF_8);
    String sha = FakeUpstream.sha256(kernel);
    Files.write(cached(sha), kernel);
    catalog.put(image("img-d", "local", new Artifact("vmlinuz", sha, kernel.length),
        new Artifact("initrd.img", FakeUpstream.sha256(new byte[] {5}), 1)));
    assertEquals(Lookup.Origin.CACHE_HIT,
        assertInstanceOf(Lookup.FileBody.class, lookup("images/img-d/vmlinuz")).origin());
    assertInstanceOf(Lookup.NotFound.class, lookup("images/img-d/initrd.img"));
  }

  @Test
  void unfinishedDownloadsOfAnEarlierRunAreDeleted() throws Exception {
    await(ns.close());
    Path leftover = Files.writeString(tmp.resolve("cache").resolve(ArtifactCache.PARTIAL).resolve("x.part"), "half");
    ns = namespace(options(Duration.ZERO));
    assertFalse(Files.exists(leftover));
  }

  @Test
  void cacheDirectoryThatCannotBeMadeFailsCreate() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    Future<BootNamespace> f = BootNamespace.create(vertx, BootNamespaceOptions.of(boot.root, file), catalog, registry);
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(f));
    assertTrue(String.valueOf(e.getMessage()).contains("not-a-dir"), String.valueOf(e.getMessage()));
  }
}
