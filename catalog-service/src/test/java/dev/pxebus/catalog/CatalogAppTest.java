package dev.pxebus.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.runtime.Settings;
import dev.pxebus.runtime.kafka.EventPublisher;
import dev.pxebus.runtime.kafka.PublisherOptions;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * catalog-service against the shared real broker. Its consumer group ({@code catalog-service}) is fixed and the
 * boot-events topic is shared by every test in the JVM, so counts are compared with what the app had counted once
 * its group had read everything already on the topic.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CatalogAppTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String TOPIC = Topics.BOOT_EVENTS.name();

  private CatalogApp app;
  private EventPublisher publisher;

  @AfterEach
  void close() throws Exception {
    if (publisher != null) publisher.close(Duration.ofSeconds(10));
    if (app != null) app.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static CatalogApp start(KafkaEndpoint kafka) throws Exception {
    CatalogConfig config = CatalogConfig.from(Settings.of(CatalogConfig.keys(), Map.of(
        "kafka.bootstrap", kafka.bootstrapServers(),
        "admin.host", "127.0.0.1",
        "admin.port", "0",
        "instance.id", "catalog-test-" + UUID.randomUUID().toString().substring(0, 8))));
    return CatalogApp.start(config).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String randomMac() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("02:ca:%02x:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  private static DhcpStepEvent step(String mac, BootStage stage, long xid) {
    return new DhcpStepEvent(mac, stage, xid, null, null, "10.0.0.1", null, "PXEClient:Arch:00007:UNDI:003016", 7,
        null, null, null, null, null);
  }

  private JsonObject bootEventsCheck() {
    return app.host().admin().healthDocument().getJsonObject("checks").getJsonObject("boot-events");
  }

  /**
   * Records of the boot-events topic that the catalog group has not committed yet: 0 once the app has handled
   * everything that was on the topic (offsets are committed after the handler ran).
   */
  private static long groupLag(Admin admin) {
    try {
      TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      topic.partitions().forEach(p -> latest.put(new TopicPartition(TOPIC, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(CatalogApp.BOOT_EVENTS_GROUP)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      long lag = 0;
      for (var e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
      }
      return lag;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) return 0; // nothing written yet: nothing to read
      throw new AssertionError("cannot compute the lag of " + CatalogApp.BOOT_EVENTS_GROUP + ": " + e.getCause(), e);
    } catch (Exception e) {
      throw new AssertionError("cannot compute the lag of " + CatalogApp.BOOT_EVENTS_GROUP + ": " + e, e);
    }
  }

  @Test
  void countsBootEventsPerStageAndSkipsGarbage(KafkaEndpoint kafka) throws Exception {
    app = start(kafka);
    // The app's publisher creates the registry's topics (6 partitions for boot events); the raw producer below must
    // not be first and have the broker auto-create the topic with its defaults.
    app.host().publisher().topicsReady().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Await.until(DEADLINE, () -> groupLag(admin) == 0, "catalog group to have read what is already on " + TOPIC);
    }
    long discoversBefore = app.seen(BootStage.DHCP_DISCOVER);
    long offersBefore = app.seen(BootStage.PROXY_OFFER);
    long acksBefore = app.seen(BootStage.DHCP_ACK);
    long skippedBefore = bootEventsCheck().getLong("skipped");

    String mac = randomMac();
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(TOPIC, mac, "{\"not\": \"a cloudevent\"".getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
    }
    publisher = EventPublisher.start(PublisherOptions.builder(kafka.bootstrapServers())
        .clientId("catalog-app-test").source("/pxebus/test/catalog-app").build(), new SimpleMeterRegistry());
    String attempt = "attempt-" + UUID.randomUUID();
    for (int xid = 1; xid <= 3; xid++) publisher.publish(step(mac, BootStage.DHCP_DISCOVER, xid), attempt);
    publisher.publish(step(mac, BootStage.PROXY_OFFER, 3), attempt);

    Await.until(DEADLINE,
        () -> app.seen(BootStage.DHCP_DISCOVER) >= discoversBefore + 3 && app.seen(BootStage.PROXY_OFFER) >= offersBefore + 1
            && bootEventsCheck().getLong("skipped") >= skippedBefore + 1,
        () -> "3 more DHCP_DISCOVER (have " + (app.seen(BootStage.DHCP_DISCOVER) - discoversBefore) + "), 1 more "
            + "PROXY_OFFER (have " + (app.seen(BootStage.PROXY_OFFER) - offersBefore) + "), 1 more skipped: "
            + bootEventsCheck());
    assertEquals(acksBefore, app.seen(BootStage.DHCP_ACK), "a stage nobody published stays where it was");

    Http.Response health = Http.get(app.host().adminUrl() + "/health");
    assertEquals(200, health.status(), "a skipped record does not make the service unhealthy: " + health.body());
    JsonObject check = health.check("boot-events");
    assertTrue(check.getLong("skipped") >= 1, health.body());
    assertTrue(check.getLong("consumed") >= 4, health.body());

    String metrics = Http.get(app.host().adminUrl() + "/metrics").body();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("pxebus_catalog_boot_events_total{")
        && l.contains("stage=\"DHCP_DISCOVER\"") && !l.endsWith(" 0.0")), metrics);
  }
}
