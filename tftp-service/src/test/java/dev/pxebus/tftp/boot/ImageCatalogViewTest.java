package dev.pxebus.tftp.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.pxebus.events.Topics;
import dev.pxebus.events.catalog.Artifact;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ServiceHost;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageCatalog#of} over a real materialised {@code pxebus.catalog.images} topic on the shared broker, and a
 * catalog artifact looked up through it end to end. Ids and names are unique per run: the topic is shared.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ImageCatalogViewTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private ServiceHost host;

  @AfterEach
  void close() throws Exception {
    if (host != null) await(host.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  private static ImageEvent image(String id, String name, Artifact kernel) {
    return new ImageEvent(id, name, "1", "x86_64", kernel, List.of(), "", Map.of(), 1, Instant.now());
  }

  @Test
  void imagesByIdAndNameFromTheTopic(KafkaEndpoint kafka) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    host = ServiceHost.create(new CommonConfig("tftp-service", "tftp-view-" + run, kafka.bootstrapServers(), 1,
        1_000, "127.0.0.1", 0, false));
    ImageCatalog catalog = ImageCatalog.of(host.view(Topics.CATALOG_IMAGES));

    byte[] kernel = BootRoot.pseudoRandom(10_000, 31);
    FakeUpstream upstream = await(FakeUpstream.start(host.vertx()));
    String sha = upstream.blob(kernel);
    host.publisher().publish(image("img-" + run, "debian-" + run, new Artifact("vmlinuz", sha, kernel.length)));
    host.publisher().publish(image("gone-" + run, "gone-" + run, new Artifact("vmlinuz", sha, kernel.length)));

    Await.until(DEADLINE, () -> catalog.find("gone-" + run).size() == 1, "the images reach the view");
    assertEquals("img-" + run, catalog.find("img-" + run).get(0).id(), "by id");
    assertEquals("img-" + run, catalog.find("debian-" + run).get(0).id(), "by name");
    assertEquals(List.of(), catalog.find("nothing-" + run));

    host.publisher().tombstone(Topics.CATALOG_IMAGES, "gone-" + run);
    Await.until(DEADLINE, () -> catalog.find("gone-" + run).isEmpty(), "a tombstone removes the image");

    BootNamespace ns = await(BootNamespace.create(host.vertx(), BootNamespaceOptions.of(Files.createDirectories(
        tmp.resolve("root")), tmp.resolve("cache")).withCatalog(upstream.url(), Duration.ofSeconds(5)), catalog,
        host.registry()));
    try {
      Lookup.FileBody f = assertInstanceOf(Lookup.FileBody.class,
          await(ns.lookup("images/debian-" + run + "/vmlinuz", BootClient.ofIp("192.0.2.1"))));
      assertArrayEquals(kernel, Files.readAllBytes(f.path()));
    } finally {
      await(ns.close());
      await(upstream.close());
    }
  }
}
