package dev.pxebus.tftp.boot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every name of the hostile corpus ({@link HostileNames}) is refused or resolves to a file inside the root that is
 * not the secret — as a TFTP name, as an HTTP path, and through {@link BootNamespace#lookup}.
 */
@ExtendWith(VertxExtension.class)
class HostileNamesTest {
  @TempDir static Path tmp;
  static BootRoot boot;
  static Path realRoot;

  @BeforeAll
  static void root() throws IOException {
    boot = BootRoot.create(tmp);
    realRoot = boot.root.toRealPath();
  }

  static List<HostileNames.Case> corpus() {
    return HostileNames.all();
  }

  @Test
  void corpusIsSubstantial() {
    List<HostileNames.Case> all = corpus();
    assertTrue(HostileNames.fromResource().size() >= 120, "resource cases: " + HostileNames.fromResource().size());
    assertTrue(all.size() >= 230, "all cases: " + all.size());
  }

  @ParameterizedTest(name = "TFTP {0}")
  @MethodSource("corpus")
  void asTftpName(HostileNames.Case c) throws IOException {
    assertSafe(c, SafePath.resolve(boot.root, c.name()));
  }

  @ParameterizedTest(name = "HTTP {0}")
  @MethodSource("corpus")
  void asHttpPath(HostileNames.Case c) throws IOException {
    String raw = c.name().startsWith("/") ? c.name() : "/" + c.name();
    SafePath.Checked checked = SafePath.httpName(raw);
    if (checked instanceof SafePath.Name n) assertSafe(c, SafePath.resolve(boot.root, n));
  }

  /** Secret-seeking names of the corpus that must not even resolve inside: all refused or missing. */
  @Test
  void namesAimingAtTheSecretNeverFindAFile() {
    Map<SafePath.Reason, Integer> reasons = new EnumMap<>(SafePath.Reason.class);
    for (HostileNames.Case c : corpus()) {
      if (!c.name().contains("secret")) continue;
      SafePath.Result r = SafePath.resolve(boot.root, c.name());
      assertFalse(r instanceof SafePath.Found, c.label() + " found " + r);
      if (r instanceof SafePath.Refused ref) reasons.merge(ref.reason(), 1, Integer::sum);
    }
    // The corpus exercises the rules, not just the file system: most reasons occur.
    for (SafePath.Reason expected : List.of(SafePath.Reason.DOT_SEGMENT, SafePath.Reason.PERCENT,
        SafePath.Reason.NON_ASCII, SafePath.Reason.NUL_BYTE, SafePath.Reason.CONTROL_CHARACTER,
        SafePath.Reason.EMPTY_SEGMENT, SafePath.Reason.DRIVE_LETTER, SafePath.Reason.TOO_LONG,
        SafePath.Reason.OUTSIDE_ROOT)) {
      assertTrue(reasons.containsKey(expected), "no case refused as " + expected + ": " + reasons);
    }
  }

  /**
   * Through the namespace: generated names go to a menu-service that is down, so they fall back to the boot root
   * through the same checks; images/ names find an empty catalog.
   */
  @Test
  void throughTheNamespace(Vertx vertx) throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    BootNamespaceOptions options = BootNamespaceOptions.of(boot.root, tmp.resolve("cache"))
        .withMenu(URI.create("http://127.0.0.1:" + deadPort), Duration.ofSeconds(2), Duration.ofSeconds(30));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BootNamespace ns = BootNamespace.create(vertx, options, ImageCatalog.none(), registry)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (HostileNames.Case c : corpus()) {
      Lookup l = ns.lookup(c.name(), BootClient.ofIp("192.0.2.10"))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (l instanceof Lookup.FileBody f) {
        assertTrue(f.path().startsWith(realRoot), c.label() + " served " + f.path());
        assertFalse(BootRoot.leaks(Files.readAllBytes(f.path())), c.label() + " served the secret");
      } else {
        assertFalse(l instanceof Lookup.Generated, c.label() + ": nothing generates here: " + l);
      }
    }
    double asked = registry.find("pxebus.boot.menu.fetches").counters().stream().mapToDouble(c -> c.count()).sum();
    assertTrue(asked >= 4, "generated names of the corpus went the menu-service way: " + asked);
    ns.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void assertSafe(HostileNames.Case c, SafePath.Result r) throws IOException {
    if (r instanceof SafePath.Found f) {
      assertTrue(f.path().startsWith(realRoot), c.label() + " resolved outside the root: " + f.path());
      assertTrue(Files.isRegularFile(f.path()), c.label());
      assertFalse(BootRoot.leaks(Files.readAllBytes(f.path())), c.label() + " resolved to the secret");
    }
  }
}
