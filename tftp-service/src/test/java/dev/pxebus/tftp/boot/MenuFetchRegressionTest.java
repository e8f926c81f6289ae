package dev.pxebus.tftp.boot;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.pxebus.testing.ThreadDump;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated files fetched from menu-service one after the other: every one answers. With keep-alive connections
 * one request in a few dozen got no answer until its timeout (Vert.x 5.0.10); BootNamespace now opens a connection
 * per request. 300 lookups (ten times what the keep-alive stall needed to show) take well under a second.
 *
 * <p>Known, not understood: with a connection per request too, about once in a few thousand requests the answer
 * never arrives although the upstream saw the request and answered it, and no thread is busy (a thread dump at the
 * failure, CI 2026-12-02: every event loop idle in epoll_wait, lookup 154 waited out the whole 20 s). Seen three
 * times in CI, never on a quiet machine. MenuClient now sends the request once more alongside the first when no
 * answer has come by half the deadline (a hedged request), so such a lookup is answered after 10 s here (1 s with
 * the default timeout) instead of falling back; a lookup that took longer than a second is reported in the output.
 */
@ExtendWith(VertxExtension.class)
class MenuFetchRegressionTest {
  @Test
  void everyOneOfThreeHundredSuccessiveMenuFetchesIsAnswered(Vertx vertx, @TempDir Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("root"));
    FakeUpstream up = FakeUpstream.start(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    up.respond("/boot.ipxe", 200, "#!ipxe\necho generated\n");
    up.respond("/grub/grub.cfg", 200, "set default=generated\n");
    BootNamespaceOptions o = BootNamespaceOptions.of(tmp.resolve("root"), tmp.resolve("cache"))
        .withMenu(up.url(), Duration.ofSeconds(20), Duration.ZERO);
    // 20 s: a stalled request must show as a failure of this test, not be hidden by a quick fallback.
    BootNamespace ns = BootNamespace.create(vertx, o, (ImageCatalog) idOrName -> java.util.List.of(), new SimpleMeterRegistry())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 300; i++) {
      String name = i % 2 == 0 ? "/boot.ipxe" : "grub/grub.cfg";
      int seenBefore = up.seen().size();
      long t0 = System.nanoTime();
      Lookup l = ns.lookup(name, BootClient.ofIp("192.0.2.10")).toCompletionStage().toCompletableFuture()
          .get(25, TimeUnit.SECONDS);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (!(l instanceof Lookup.Generated)) ThreadDump.print("lookup " + i + " fell back after " + ms + " ms");
      if (ms > 1_000) {
        System.out.println("lookup " + i + " took " + ms + " ms (the upstream saw " + (up.seen().size() - seenBefore)
            + " requests for it): answered by the hedged request?");
      }
      int n = i;
      assertInstanceOf(Lookup.Generated.class, l, () -> "lookup " + n + " fell back after " + ms + " ms (menu-service "
          + "seemed not to answer; the upstream " + (up.seen().size() > seenBefore ? "saw" : "never saw")
          + " the request): " + l);
    }
  }
}
