package dev.pxebus.menu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.Topics;
import dev.pxebus.events.catalog.Artifact;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.runtime.Settings;
import dev.pxebus.runtime.kafka.EventPublisher;
import dev.pxebus.runtime.kafka.PublisherOptions;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * menu-service against the shared real broker: its views of the catalog topics follow updates and deletions, and
 * are rebuilt from the topics when it restarts. Ids and MACs are unique per test; other tests' entries on the same
 * topics are simply ignored.
 */
@ExtendWith(KafkaBrokerExtension.class)
class MenuAppTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Instant UPDATED = Instant.parse("2026-02-01T10:00:00Z");

  private MenuApp app;
  private EventPublisher publisher;

  @AfterEach
  void close() throws Exception {
    if (publisher != null) publisher.close(Duration.ofSeconds(10));
    if (app != null) stop(app);
  }

  private static void stop(MenuApp a) throws Exception {
    a.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static MenuApp start(KafkaEndpoint kafka) throws Exception {
    MenuConfig config = MenuConfig.from(Settings.of(MenuConfig.keys(), Map.of(
        "kafka.bootstrap", kafka.bootstrapServers(),
        "admin.host", "127.0.0.1",
        "admin.port", "0",
        "instance.id", "menu-test-" + UUID.randomUUID().toString().substring(0, 8))));
    return MenuApp.start(config).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String randomMac() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("02:3e:%02x:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  private static ImageEvent image(String id) {
    return new ImageEvent(id, "debian", "13.1", "x86_64", new Artifact("vmlinuz", "ab".repeat(32), 9_000_000L),
        List.of(new Artifact("initrd.img", "cd".repeat(32), 40_000_000L)), "console=ttyS0", Map.of("os", "debian"), 1,
        UPDATED);
  }

  private static HostEvent host(String mac, String hostname, long revision) {
    return new HostEvent(mac, hostname, Map.of("rack", "r1"), null, "default", false, revision, UPDATED);
  }

  @Test
  void viewsFollowTheCatalogAndAreRebuiltOnRestart(KafkaEndpoint kafka) throws Exception {
    app = start(kafka);
    publisher = EventPublisher.start(PublisherOptions.builder(kafka.bootstrapServers())
        .clientId("menu-app-test").source("/pxebus/test/menu-app").build(), new SimpleMeterRegistry());
    String imageId = "image-" + UUID.randomUUID();
    String deleted = randomMac();
    String kept = randomMac();
    ImageEvent image = image(imageId);

    publisher.publish(image);
    publisher.publish(host(deleted, "old-name", 1));
    publisher.publish(host(deleted, "new-name", 2));
    publisher.publish(host(kept, "kept", 1));
    Await.until(DEADLINE,
        () -> app.images().get(imageId).isPresent() && app.hosts().get(kept).isPresent()
            && app.hosts().get(deleted).map(h -> h.revision() == 2).orElse(false),
        () -> "image " + imageId + " and both hosts at their latest revision; have image "
            + app.images().get(imageId) + ", hosts " + app.hosts().get(deleted) + " " + app.hosts().get(kept));
    assertEquals(image, app.images().get(imageId).orElseThrow(), "the image as published");
    assertEquals("new-name", app.hosts().get(deleted).orElseThrow().hostname(), "latest value per key");

    publisher.tombstone(Topics.CATALOG_HOSTS, deleted);
    Await.until(DEADLINE, () -> app.hosts().get(deleted).isEmpty(), "host " + deleted + " removed by its tombstone");
    assertTrue(app.hosts().get(kept).isPresent(), "a tombstone removes only its key");
    assertTrue(publisher.flush(DEADLINE), "everything published is on the topics before the restart");

    MenuApp first = app;
    app = null;
    stop(first);
    app = start(kafka);
    MenuApp second = app;
    // /health says caughtUp once all four views have read what their topics held when the app started.
    JsonObject catalog = Await.value(DEADLINE, () -> {
      JsonObject c = Http.get(second.host().adminUrl() + "/health").check("catalog");
      return c.getBoolean("caughtUp") ? Optional.of(c) : Optional.empty();
    }, "the restarted app's views to catch up with the topics");
    assertTrue(second.images().isCaughtUp() && second.hosts().isCaughtUp());
    assertTrue(catalog.getInteger(Topics.CATALOG_IMAGES.name()) >= 1, catalog.encode());
    assertTrue(catalog.getInteger(Topics.CATALOG_HOSTS.name()) >= 1, catalog.encode());
    assertEquals(image, second.images().get(imageId).orElseThrow(), "image rebuilt from the topic");
    assertEquals("kept", second.hosts().get(kept).orElseThrow().hostname(), "host rebuilt from the topic");
    assertEquals(Optional.empty(), second.hosts().get(deleted), "the tombstone is replayed too");
  }
}
