package dev.pxebus.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.EventDecodeException;
import dev.pxebus.events.Topics;
import dev.pxebus.events.replica.TftpReplicaEvent;
import dev.pxebus.runtime.Settings;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import dev.pxebus.testing.TestConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * tftp-service against the shared real broker: it announces itself on {@code pxebus.tftp.replicas} every interval
 * and says goodbye when it stops. Each app gets a unique instance id, so its replica id is its own.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TftpAppTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private TftpApp app;

  @AfterEach
  void close() throws Exception {
    if (app != null) stop(app);
  }

  private static void stop(TftpApp a) throws Exception {
    a.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static TftpApp start(KafkaEndpoint kafka, String instanceId, Path root) throws Exception {
    TftpConfig config = TftpConfig.from(Settings.of(TftpConfig.keys(), Map.ofEntries(
        Map.entry("kafka.bootstrap", kafka.bootstrapServers()),
        Map.entry("admin.host", "127.0.0.1"),
        Map.entry("admin.port", "0"),
        Map.entry("instance.id", instanceId),
        Map.entry("tftp.root", root.toString()),
        Map.entry("tftp.port", "0"),
        Map.entry("tftp.bind-address", "127.0.0.1"),
        Map.entry("http.port", "0"),
        Map.entry("tftp.cache-dir", root.resolveSibling(root.getFileName() + "-cache").toString()),
        Map.entry("tftp.advertise-address", "192.0.2.7"),
        Map.entry("replica.announce-interval", "200ms"))));
    return TftpApp.start(config).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String uniqueInstance() {
    return "tftp-test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** This replica's announcements among the records read, in offset order (the topic has one partition). */
  private static List<TftpReplicaEvent> announcementsOf(String replicaId, List<ConsumerRecord<String, byte[]>> records) {
    return records.stream()
        .filter(r -> replicaId.equals(r.key()))
        .map(TftpAppTest::decode)
        .toList();
  }

  private static TftpReplicaEvent decode(ConsumerRecord<String, byte[]> r) {
    Envelope<TftpReplicaEvent> e;
    try {
      e = EventCodec.get().decode(r.value(), TftpReplicaEvent.class);
    } catch (EventDecodeException ex) {
      throw new AssertionError("undecodable announcement at offset " + r.offset() + ": " + ex.getMessage(), ex);
    }
    assertEquals(r.key(), e.subject(), "record key is the event subject");
    return e.data();
  }

  @Test
  void announcesItselfRepeatedlyThenLeaves(KafkaEndpoint kafka) throws Exception {
    String instance = uniqueInstance();
    app = start(kafka, instance, dir);
    String id = app.replicaId();
    assertTrue(id.startsWith(instance + "-"), id);

    List<TftpReplicaEvent> seen = announcementsOf(id, TestConsumer.readUntil(kafka, Topics.TFTP_REPLICAS.name(),
        DEADLINE, l -> announcementsOf(id, l).size() >= 3));
    for (TftpReplicaEvent a : seen) {
      assertFalse(a.leaving(), "still running: " + a);
      assertEquals(instance, a.host());
      assertEquals("192.0.2.7", a.tftpAddress());
      assertEquals(app.tftpPort(), a.tftpPort());
      assertTrue(a.tftpPort() > 0);
      assertEquals("http://192.0.2.7:" + app.httpPort(), a.httpUrl());
      assertEquals(0, a.activeTransfers());
    }
    for (int i = 1; i < seen.size(); i++) {
      assertFalse(seen.get(i).at().isBefore(seen.get(i - 1).at()), "announcement times move forward: " + seen);
    }
    assertEquals(200, Http.get(app.host().adminUrl() + "/health").status());

    TftpApp stopping = app;
    app = null;
    stop(stopping);

    List<TftpReplicaEvent> all = announcementsOf(id, TestConsumer.readUntil(kafka, Topics.TFTP_REPLICAS.name(),
        DEADLINE, l -> announcementsOf(id, l).stream().anyMatch(TftpReplicaEvent::leaving)));
    TftpReplicaEvent last = all.get(all.size() - 1);
    assertTrue(last.leaving(), "the last announcement of a stopped replica says it is leaving: " + all);
    assertEquals(1, all.stream().filter(TftpReplicaEvent::leaving).count(), "one goodbye: " + all);
    assertEquals("192.0.2.7", last.tftpAddress());
  }

  @Test
  void healthIsDownWhileTheBootRootIsMissing(KafkaEndpoint kafka) throws Exception {
    Path root = dir.resolve("boot");
    app = start(kafka, uniqueInstance(), root);
    String health = app.host().adminUrl() + "/health";

    Http.Response r = Http.get(health);
    assertEquals(503, r.status(), r.body());
    assertEquals("DOWN", r.json().getString("status"), r.body());
    assertEquals("DOWN", r.check("boot-root").getString("status"), r.body());
    assertTrue(r.check("boot-root").getBoolean("essential"), r.body());
    assertEquals(root.toString(), r.check("boot-root").getString("path"), r.body());

    Files.createDirectory(root);
    Http.Response after = Http.get(health);
    assertEquals("UP", after.check("boot-root").getString("status"), after.body());
    assertEquals(200, after.status(), "up, or degraded at worst while Kafka is probed: " + after.body());
  }

  @Test
  void bootRootThatIsAFileIsDown(KafkaEndpoint kafka) throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    app = start(kafka, uniqueInstance(), file);
    Http.Response r = Http.get(app.host().adminUrl() + "/health");
    assertEquals(503, r.status(), r.body());
    assertEquals("DOWN", r.check("boot-root").getString("status"), r.body());
  }
}
