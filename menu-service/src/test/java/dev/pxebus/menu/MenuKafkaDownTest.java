package dev.pxebus.menu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.Topics;
import dev.pxebus.events.catalog.Artifact;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.events.catalog.ProfileEvent;
import dev.pxebus.events.install.InstallState;
import dev.pxebus.kafka.KraftBroker;
import dev.pxebus.runtime.Settings;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.TestConsumer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With its broker stopped, menu-service keeps serving the menus of the last catalog it read, and an installation
 * reported meanwhile takes effect at once and is stored when the broker is back.
 */
class MenuKafkaDownTest {
  private static final String MAC = "52:54:00:4b:00:01";
  private static final String MAC2 = "52:54:00:4b:00:02";

  @Test
  void menusAreServedFromTheLastCatalogWhileKafkaIsDown(@TempDir Path dir) throws Exception {
    try (KraftBroker broker = KraftBroker.builder(dir.resolve("kafka")).build().start()) {
      MenuApp app = MenuAppTest.start(broker.bootstrapServers(), Map.of());
      try {
        bootOnceHost(app, "down", MAC);
        String url = app.menuUrl() + "/pxelinux.cfg/01-52-54-00-4b-00-01";
        String before = get(url);
        assertTrue(before.contains("KERNEL images/down-img/vmlinuz"), before);

        broker.stop();
        Await.until(Duration.ofSeconds(30), () -> !app.host().kafka().reachable(), "menu-service sees Kafka gone");
        assertFalse(app.host().kafka().reachable());
        assertEquals(before, get(url), "the same menu, from the last catalog read");

        // Boot once while Kafka is down: the report is kept (202), the menu changes at once, and the report reaches
        // the installs topic when Kafka is back.
        HttpResponse<String> installed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(app.menuUrl() + "/installed?mac=" + MAC)).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(202, installed.statusCode(), installed.body());
        assertTrue(installed.body().contains("not yet stored in Kafka"), installed.body());
        String local = get(url);
        assertTrue(local.contains("LOCALBOOT 0") && !local.contains("vmlinuz"), local);
        broker.start();
        List<ConsumerRecord<String, byte[]>> states;
        try (TestConsumer c = TestConsumer.fromBeginning(broker.bootstrapServers(), Topics.BOOT_INSTALLS.name())) {
          states = c.pollUntil(Duration.ofSeconds(60), all -> all.stream().anyMatch(r -> MAC.equals(r.key())));
        }
        InstallState state = (InstallState) EventCodec.get().decode(states.stream().filter(r -> MAC.equals(r.key()))
            .reduce((a, b) -> b).orElseThrow().value()).data();
        assertEquals("down-install", state.profile());
      } finally {
        app.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aRestartWhileKafkaIsDownServesTheLastCatalogAndInstallsFromItsSnapshot(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("menu");
    try (KraftBroker broker = KraftBroker.builder(dir.resolve("kafka")).build().start()) {
      MenuApp app = MenuAppTest.start(broker.bootstrapServers(), Map.of("menu.data-dir", data.toString()));
      String url;
      String installedMenu;
      try {
        bootOnceHost(app, "snap", MAC2);
        url = app.menuUrl() + "/pxelinux.cfg/01-52-54-00-4b-00-02";
        assertTrue(get(url).contains("KERNEL images/snap-img/vmlinuz"), "the installer, before the report");
        HttpResponse<String> installed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(app.menuUrl() + "/installed?mac=" + MAC2)).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, installed.statusCode(), installed.body());
        installedMenu = get(url);
        assertTrue(installedMenu.contains("LOCALBOOT 0") && !installedMenu.contains("vmlinuz"), installedMenu);
        Await.until(Duration.ofSeconds(30), () -> {
          try {
            return Files.exists(data.resolve("catalog.snapshot"))
                && Files.readString(data.resolve("catalog.snapshot")).contains("pxebus.boot.installs\t" + MAC2);
          } catch (java.io.IOException e) {
            return false;
          }
        }, "the snapshot holds the host and its installation report");
      } finally {
        app.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }

      broker.stop();
      MenuApp again = MenuApp.start(MenuConfig.from(Settings.of(MenuConfig.keys(), Map.of(
          "kafka.bootstrap", broker.bootstrapServers(), "admin.host", "127.0.0.1", "admin.port", "0",
          "http.host", "127.0.0.1", "http.port", "0", "instance.id", "menu-snapshot-test",
          "menu.data-dir", data.toString())))).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      try {
        assertFalse(again.catalog().isCaughtUp(), "Kafka is down: the topics cannot be read");
        assertTrue(again.catalog().fromSnapshot());
        String url2 = again.menuUrl() + "/pxelinux.cfg/01-52-54-00-4b-00-02";
        assertEquals(installedMenu, get(url2), "the last menu, installed machine included, from the snapshot");

        broker.start();
        Await.until(Duration.ofSeconds(60), again.catalog()::isCaughtUp, "the topics are read when Kafka is back");
        assertFalse(again.catalog().fromSnapshot());
        assertEquals(installedMenu, get(url2), "the same menu from the topics");
      } finally {
        again.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aSnapshotThatCannotBeReadIsIgnoredAndMenusWaitForTheTopics(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("catalog.snapshot"), dev.pxebus.menu.catalog.MenuCatalog.SNAPSHOT_HEADER + "\nnot\ta record\n");
    MenuApp app = MenuApp.start(MenuConfig.from(Settings.of(MenuConfig.keys(), Map.of(
        "kafka.bootstrap", "127.0.0.1:1", "admin.host", "127.0.0.1", "admin.port", "0",
        "http.host", "127.0.0.1", "http.port", "0", "instance.id", "menu-snapshot-bad",
        "menu.data-dir", dir.toString())))).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      assertFalse(app.catalog().isServing());
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(app.menuUrl() + "/pxelinux.cfg/01-52-54-00-4b-00-03")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, r.statusCode(), r.body());
    } finally {
      app.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** Publishes an image {@code <id>-img}, its profile {@code <id>-install} and a boot-once host with it. */
  private static void bootOnceHost(MenuApp app, String id, String mac) throws Exception {
    String sha = "cd".repeat(32);
    for (var e : List.of(
        new ImageEvent(id + "-img", id, null, "x86_64", new Artifact("vmlinuz", sha, 1), List.of(), null, Map.of(), 1,
            Instant.EPOCH),
        new ProfileEvent(id + "-install", id + "-img", null, null, 2, Instant.EPOCH),
        new HostEvent(mac, null, Map.of(), null, id + "-install", true, 3, Instant.EPOCH))) {
      app.host().publisher().publishConfirmed(Envelope.of("/pxebus/catalog-service/test", e)).toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
    Await.until(Duration.ofSeconds(30), () -> app.catalog().state().hosts().containsKey(mac), "the host arrives");
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }
}
