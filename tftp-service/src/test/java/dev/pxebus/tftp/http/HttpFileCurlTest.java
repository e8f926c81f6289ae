package dev.pxebus.tftp.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pxebus.tftp.boot.BootNamespace;
import dev.pxebus.tftp.boot.BootNamespaceOptions;
import dev.pxebus.tftp.boot.BootRoot;
import dev.pxebus.tftp.boot.FakeUpstream;
import dev.pxebus.tftp.boot.ImageCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link HttpFileVerticle} as the real {@code curl} binary sees it: traversal attempts, ranges, HEAD, resuming. */
@ExtendWith(VertxExtension.class)
class HttpFileCurlTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private BootRoot boot;
  private FakeUpstream upstream;
  private BootNamespace ns;
  private String base;

  @BeforeAll
  static void curlIsInstalled() {
    assumeTrue(run(List.of("curl", "--version")).exit() == 0, "curl is not installed");
  }

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    boot = BootRoot.create(tmp);
    Files.write(boot.root.resolve("big.bin"), BootRoot.pseudoRandom(8 << 20, 21));
    upstream = await(FakeUpstream.start(vertx));
    ns = await(BootNamespace.create(vertx, BootNamespaceOptions.of(boot.root, tmp.resolve("cache"))
        .withMenu(upstream.url(), BootNamespaceOptions.DEFAULT_MENU_TIMEOUT, Duration.ZERO), ImageCatalog.none(),
        new SimpleMeterRegistry()));
    HttpFileVerticle verticle = new HttpFileVerticle(ns, HttpFileOptions.of("127.0.0.1", 0, false), a -> {});
    await(vertx.deployVerticle(verticle));
    base = "http://127.0.0.1:" + verticle.actualPort();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (ns != null) await(ns.close());
    if (upstream != null) await(upstream.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  record Run(int exit, String out) {}

  /** Runs a command off the event loop (this is the JUnit thread) and returns its exit code and stdout. */
  private static Run run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Run(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** curl writing the body to {@code out}, the headers to {@code headers}; returns the status. */
  private int curl(Path out, Path headers, String... args) {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-o", out.toString(), "-D",
        headers.toString(), "-w", "%{http_code}"));
    cmd.addAll(Arrays.asList(args));
    Run r = run(cmd);
    assertEquals(0, r.exit(), "curl " + String.join(" ", args) + ": " + r.out());
    return Integer.parseInt(r.out().trim());
  }

  private String header(Path headers, String name) throws IOException {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    return Files.readAllLines(headers, StandardCharsets.ISO_8859_1).stream()
        .filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
        .map(l -> l.substring(prefix.length()).trim())
        .reduce((a, b) -> b).orElse(null);
  }

  static Stream<Arguments> traversal() {
    return Stream.of(
        Arguments.of("dot-dot as is", "/../../outside/secret.txt"),
        Arguments.of("dot-dot to /etc/passwd", "/../../../../../../etc/passwd"),
        Arguments.of("encoded dot-dot", "/%2e%2e/%2e%2e/outside/secret.txt"),
        Arguments.of("encoded dot-dot to /etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd"),
        Arguments.of("encoded slashes", "/..%2f..%2foutside%2fsecret.txt"),
        Arguments.of("encoded backslashes", "/..%5c..%5coutside%5csecret.txt"),
        Arguments.of("double-encoded", "/%252e%252e/%252e%252e/outside/secret.txt"),
        Arguments.of("overlong UTF-8", "/%c0%ae%c0%ae/outside/secret.txt"),
        Arguments.of("NUL", "/pxelinux.0%00/../../outside/secret.txt"),
        Arguments.of("link leading out", "/link-out"),
        Arguments.of("through a directory link", "/dir-out/secret.txt"),
        Arguments.of("dot segments", "/./sub/./../../outside/secret.txt"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void traversal(String label, String path) throws IOException {
    Path out = tmp.resolve("out");
    int status = curl(out, tmp.resolve("headers"), "--path-as-is", base + path);
    assertEquals(400, status, label);
    assertFalse(BootRoot.leaks(Files.readAllBytes(out)), label);
  }

  @Test
  void wholeFileThroughSendFile() throws IOException {
    Path out = tmp.resolve("big.out");
    assertEquals(200, curl(out, tmp.resolve("headers"), base + "/big.bin"));
    assertEquals(Files.mismatch(boot.root.resolve("big.bin"), out), -1L, "identical bytes");
    assertEquals(Long.toString(8 << 20), header(tmp.resolve("headers"), "content-length"));
  }

  @Test
  void rangesAsCurlAsksForThem() throws IOException {
    byte[] file = boot.bytes("pxelinux.0");
    Path out = tmp.resolve("part");
    Path headers = tmp.resolve("headers");
    assertEquals(206, curl(out, headers, "-r", "0-99", base + "/pxelinux.0"));
    assertArrayEquals(Arrays.copyOfRange(file, 0, 100), Files.readAllBytes(out));
    assertEquals("bytes 0-99/70000", header(headers, "content-range"));

    assertEquals(206, curl(out, headers, "-r", "69000-", base + "/pxelinux.0"));
    assertArrayEquals(Arrays.copyOfRange(file, 69_000, 70_000), Files.readAllBytes(out));

    assertEquals(206, curl(out, headers, "-r", "-10", base + "/pxelinux.0"));
    assertArrayEquals(Arrays.copyOfRange(file, 69_990, 70_000), Files.readAllBytes(out));

    assertEquals(416, curl(out, headers, "-r", "70000-", base + "/pxelinux.0"));
    assertEquals("bytes */70000", header(headers, "content-range"));

    assertEquals(200, curl(out, headers, "-r", "0-9,20-29", base + "/pxelinux.0"));
    assertArrayEquals(file, Files.readAllBytes(out));
  }

  @Test
  void resumingAnInterruptedDownload() throws IOException {
    byte[] file = Files.readAllBytes(boot.root.resolve("big.bin"));
    Path out = Files.write(tmp.resolve("resume"), Arrays.copyOf(file, 3_000_000));
    assertEquals(206, curl(out, tmp.resolve("headers"), "-C", "-", base + "/big.bin"));
    assertEquals(-1L, Files.mismatch(boot.root.resolve("big.bin"), out));
  }

  @Test
  void head() throws IOException {
    Path headers = tmp.resolve("headers");
    assertEquals(200, curl(tmp.resolve("out"), headers, "-I", base + "/pxelinux.0"));
    assertEquals("70000", header(headers, "content-length"));
    assertEquals("bytes", header(headers, "accept-ranges"));
    assertEquals("application/octet-stream", header(headers, "content-type"));
  }

  @Test
  void notFoundAndGeneratedFiles() throws IOException {
    Path out = tmp.resolve("out");
    assertEquals(404, curl(out, tmp.resolve("headers"), base + "/ldlinux.c32"));
    upstream.respond("/boot.ipxe", 200, "#!ipxe\nchain images/debian/vmlinuz\n");
    assertEquals(200, curl(out, tmp.resolve("headers"), base + "/boot.ipxe?mac=52:54:00:12:34:56&arch=x86_64"));
    assertEquals("#!ipxe\nchain images/debian/vmlinuz\n", Files.readString(out));
    assertTrue(upstream.seen("/boot.ipxe").get(0).query().containsKey("mac"));
  }
}
