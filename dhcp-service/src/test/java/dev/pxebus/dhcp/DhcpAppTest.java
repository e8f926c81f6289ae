package dev.pxebus.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.replica.TftpReplicaEvent;
import dev.pxebus.runtime.Settings;
import dev.pxebus.runtime.kafka.EventPublisher;
import dev.pxebus.runtime.kafka.PublisherOptions;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * dhcp-service against the shared real broker: it follows the replicas announced on {@code pxebus.tftp.replicas}.
 * Replica ids are unique per test, so announcements left on the topic by other tests do not matter.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DhcpAppTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private DhcpApp app;
  private EventPublisher publisher;

  @AfterEach
  void close() throws Exception {
    if (publisher != null) publisher.close(Duration.ofSeconds(10));
    if (app != null) app.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static DhcpApp start(KafkaEndpoint kafka) throws Exception {
    DhcpConfig config = DhcpConfig.from(Settings.of(DhcpConfig.keys(), Map.of(
        "kafka.bootstrap", kafka.bootstrapServers(),
        "admin.host", "127.0.0.1",
        "admin.port", "0",
        "instance.id", unique("dhcp-test"))));
    return DhcpApp.start(config).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static EventPublisher publisher(KafkaEndpoint kafka) {
    return EventPublisher.start(PublisherOptions.builder(kafka.bootstrapServers())
        .clientId(unique("dhcp-app-test")).source("/pxebus/test/dhcp-app").build(), new SimpleMeterRegistry());
  }

  private static TftpReplicaEvent announcement(String id, boolean leaving, Instant at) {
    return new TftpReplicaEvent(id, "tftp-host", "10.0.0.5", 69, null, 0, 0, leaving, at);
  }

  private List<String> live() {
    return app.liveReplicas().stream().map(TftpReplicaEvent::replicaId).toList();
  }

  @Test
  void followsAReplicaFromItsAnnouncementsUntilItLeaves(KafkaEndpoint kafka) throws Exception {
    app = start(kafka);
    publisher = publisher(kafka);
    String replica = unique("tftp");
    String stale = unique("tftp-stale");

    // Same single-partition topic, in this order: once `replica` is seen, `stale` has been applied as well.
    publisher.publish(announcement(stale, false, Instant.now().minus(Duration.ofMinutes(1))));
    publisher.publish(announcement(replica, false, Instant.now()));
    Await.until(DEADLINE, () -> live().contains(replica), () -> "replica " + replica + " live; live: " + live());
    assertFalse(live().contains(stale), "a replica last heard a minute ago is gone: " + live());

    Http.Response health = Http.get(app.host().adminUrl() + "/health");
    JsonArray shown = health.check("tftp-replicas").getJsonArray("live");
    assertTrue(shown.contains(replica), health.body());
    assertFalse(shown.contains(stale), health.body());
    assertEquals("UP", health.check("tftp-replicas").getString("status"), health.body());
    assertTrue(Http.get(app.host().adminUrl() + "/metrics").body().lines()
        .anyMatch(l -> l.startsWith("pxebus_dhcp_tftp_replicas_live{") && !l.endsWith(" 0.0")), "live gauge");

    publisher.publish(announcement(replica, true, Instant.now()));
    Await.until(DEADLINE, () -> !live().contains(replica),
        () -> "replica " + replica + " gone after its leaving announcement; live: " + live());
  }

  @Test
  void noLiveReplicaIsNotAFaultOfDhcpService(KafkaEndpoint kafka) throws Exception {
    app = start(kafka);
    Http.Response health = Http.get(app.host().adminUrl() + "/health");
    assertEquals(200, health.status(), health.body());
    assertEquals("UP", health.check("tftp-replicas").getString("status"), health.body());
    assertFalse(health.check("tftp-replicas").getBoolean("essential"), health.body());
  }
}
