package dev.pxebus.tftp.boot;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

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
 * per request. 1000 lookups take about 2 s.
 */
@ExtendWith(VertxExtension.class)
class MenuFetchRegressionTest {
  @Test
  void everyOneOfAThousandSuccessiveMenuFetchesIsAnswered(Vertx vertx, @TempDir Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("root"));
    FakeUpstream up = FakeUpstream.start(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    up.respond("/boot.ipxe", 200, "#!ipxe\necho generated\n");
    up.respond("/grub/grub.cfg", 200, "set default=generated\n");
    BootNamespaceOptions o = BootNamespaceOptions.of(tmp.resolve("root"), tmp.resolve("cache"))
        .withMenu(up.url(), Duration.ofSeconds(20), Duration.ZERO);
    // 20 s: a stalled request must show as a failure of this test, not be hidden by a quick fallback.
    BootNamespace ns = BootNamespace.create(vertx, o, (ImageCatalog) idOrName -> java.util.List.of(), new SimpleMeterRegistry())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 1000; i++) {
      String name = i % 2 == 0 ? "/boot.ipxe" : "grub/grub.cfg";
      Lookup l = ns.lookup(name, BootClient.ofIp("192.0.2.10")).toCompletionStage().toCompletableFuture()
          .get(25, TimeUnit.SECONDS);
      assertInstanceOf(Lookup.Generated.class, l, "lookup " + i + " fell back (menu-service seemed not to answer): " + l);
    }
  }
}
