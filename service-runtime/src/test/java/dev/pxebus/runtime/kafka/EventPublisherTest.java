package dev.pxebus.runtime.kafka;

import static dev.pxebus.runtime.kafka.TestEvents.host;
import static dev.pxebus.runtime.kafka.TestEvents.lease;
import static dev.pxebus.runtime.kafka.TestEvents.randomMac;
import static dev.pxebus.runtime.kafka.TestEvents.randomMacs;
import static dev.pxebus.runtime.kafka.TestEvents.range;
import static dev.pxebus.runtime.kafka.TestEvents.readToEnd;
import static dev.pxebus.runtime.kafka.TestEvents.step;
import static dev.pxebus.runtime.kafka.TestEvents.xidsByMac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.Topics;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class EventPublisherTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private EventPublisher publisher;

  private EventPublisher start(KafkaEndpoint kafka, PublisherOptions.Builder options) {
    publisher = EventPublisher.start(options.build(), registry);
    return publisher;
  }

  private static PublisherOptions.Builder options(KafkaEndpoint kafka) {
    return PublisherOptions.builder(kafka.bootstrapServers()).clientId("publisher-test").source(TestEvents.SOURCE);
  }

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void publishedEventsArriveDecodedAndInOrderPerMac(KafkaEndpoint kafka) {
    EventPublisher p = start(kafka, options(kafka));
    List<String> macs = randomMacs(4);
    int perMac = 50;
    // Interleaved, as machines booting side by side produce them.
    for (int i = 0; i < perMac; i++) {
      for (String mac : macs) {
        p.publish(step(mac, i));
      }
    }

    assertTrue(p.flush(DEADLINE), () -> "not flushed: " + p.stats());
    Map<String, List<Long>> xids = xidsByMac(readToEnd(kafka.bootstrapServers(), Topics.BOOT_EVENTS.name()),
        new HashSet<>(macs));
    for (String mac : macs) {
      assertEquals(range(0, perMac), xids.get(mac), "events of " + mac + ", in publish order, each once");
    }
    EventPublisher.Stats s = p.stats();
    assertEquals(new EventPublisher.Stats(0, 0, 200, 0, 0, null), s);
    assertEquals(200.0, registry.get("pxebus.events.published").tag("topic", Topics.BOOT_EVENTS.name()).counter().count());
    assertEquals(0.0, registry.get("pxebus.events.buffered").gauge().value());
    assertEquals(0.0, registry.get("pxebus.events.in_flight").gauge().value());
  }

  @Test
  void createsEveryRegistryTopicWithItsPartitionsAndCleanupPolicy(KafkaEndpoint kafka) throws Exception {
    EventPublisher p = start(kafka, options(kafka));
    p.topicsReady().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    Set<String> names = Topics.all().stream().map(t -> t.name()).collect(Collectors.toSet());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      List<ConfigResource> resources = names.stream()
          .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).collect(Collectors.toList());
      var configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
      for (var t : Topics.all()) {
        assertEquals(t.partitions(), described.get(t.name()).partitions().size(), "partitions of " + t.name());
        assertEquals(t.cleanup().policy(),
            configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name())).get("cleanup.policy").value(),
            "cleanup.policy of " + t.name());
      }
    }
  }

  @Test
  void confirmedEventAndTombstoneCompleteWhenKafkaAcknowledged(KafkaEndpoint kafka) throws Exception {
    EventPublisher p = start(kafka, options(kafka));
    String mac = randomMac();

    p.publishConfirmed(lease(mac)).toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    p.tombstoneConfirmed(Topics.DHCP_LEASES, mac.replace(':', '-')).toCompletableFuture()
        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    List<ConsumerRecord<String, byte[]>> ours = readToEnd(kafka.bootstrapServers(), Topics.DHCP_LEASES.name())
        .stream().filter(r -> r.key().equals(mac)).collect(Collectors.toList());
    assertEquals(2, ours.size(), "the lease and its tombstone, under the canonical MAC");
    assertEquals(mac, EventCodec.get().decode(ours.get(0).value()).subject());
    assertNull(ours.get(1).value(), "a tombstone has a null value");
  }

  @Test
  void eventKafkaRefusesIsCountedAndTheNextOneStillGoesOut(KafkaEndpoint kafka) throws Exception {
    EventPublisher p = start(kafka, options(kafka));
    String mac = randomMac();
    // Over the producer's max.request.size (1 MiB): refused before it reaches the broker, for good.
    Envelope<HostEvent> huge = Envelope.of(TestEvents.SOURCE, new HostEvent(mac, "x".repeat(2 * 1024 * 1024),
        Map.of(), null, "default", false, 1, null));

    CompletableFuture<Void> refused = p.publishConfirmed(huge).toCompletableFuture();
    CompletableFuture<Void> next = p.publishConfirmed(host(mac, 2)).toCompletableFuture();

    ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
    assertInstanceOf(EventNotDeliveredException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("RecordTooLargeException"), e.getCause().getMessage());
    next.get(30, TimeUnit.SECONDS);
    EventPublisher.Stats s = p.stats();
    assertEquals(1, s.failed());
    assertEquals(1, s.sent());
    assertTrue(s.lastError().contains("RecordTooLargeException"), s.lastError());
    assertEquals(1.0, registry.get("pxebus.events.failed").tag("topic", Topics.CATALOG_HOSTS.name()).counter().count());
  }

  @Test
  void tombstonesAreOnlyForCompactedTopicsAndCanonicalKeys(KafkaEndpoint kafka) {
    EventPublisher p = start(kafka, options(kafka));
    assertThrows(IllegalArgumentException.class, () -> p.tombstone(Topics.BOOT_EVENTS, randomMac()));
    assertThrows(IllegalArgumentException.class, () -> p.tombstone(Topics.CATALOG_HOSTS, "not-a-mac"));
  }

  @Test
  void optionsAreCheckedWhenBuilt() {
    assertThrows(IllegalArgumentException.class, () -> PublisherOptions.builder("127.0.0.1:1").build(),
        "source is required");
    assertThrows(IllegalArgumentException.class,
        () -> PublisherOptions.builder(" ").source(TestEvents.SOURCE).build());
    assertThrows(IllegalArgumentException.class,
        () -> PublisherOptions.builder("127.0.0.1:1").source(TestEvents.SOURCE).bufferCapacity(0).build());
    PublisherOptions o = PublisherOptions.builder("127.0.0.1:1").source(TestEvents.SOURCE)
        .producerProperty("linger.ms", "20").build();
    assertEquals(o.toJson(), new PublisherOptions(o.toJson()).toJson(), "JSON round trip");
    assertEquals(PublisherOptions.DEFAULT_BUFFER_CAPACITY, o.bufferCapacity());
    assertThrows(IllegalArgumentException.class, () -> EventPublisher.start(
        o.toBuilder().producerProperty("linger.ms", "soon").build(), new SimpleMeterRegistry()));
  }
}
