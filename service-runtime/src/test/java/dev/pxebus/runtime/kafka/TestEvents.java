package dev.pxebus.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.EventDecodeException;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.lease.LeaseState;
import dev.pxebus.testing.TestConsumer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Events and checks shared by the Kafka tests of this package. */
final class TestEvents {
  static final String SOURCE = "/pxebus/test/kafka";

  private TestEvents() {}

  /** A locally administered MAC no other test uses. */
  static String randomMac() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("02:00:%02x:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  static List<String> randomMacs(int n) {
    List<String> macs = new ArrayList<>();
    while (macs.size() < n) {
      String m = randomMac();
      if (!macs.contains(m)) {
        macs.add(m);
      }
    }
    return macs;
  }

  /** A DHCP step whose xid is the sequence number of the event for its MAC. */
  static Envelope<DhcpStepEvent> step(String mac, long seq) {
    DhcpStepEvent e = new DhcpStepEvent(mac, BootStage.DHCP_DISCOVER, seq, null, null, "10.213.0.1", null,
        "PXEClient:Arch:00000:UNDI:002001", 0, null, null, null, null, null);
    return Envelope.of(SOURCE, e, "attempt-" + mac);
  }

  static Envelope<HostEvent> host(String mac, long revision) {
    return Envelope.of(SOURCE, new HostEvent(mac, "host-" + revision, Map.of(), null, "default", false, revision,
        Instant.parse("2026-01-01T00:00:00Z")));
  }

  static Envelope<LeaseEvent> lease(String mac) {
    return Envelope.of(SOURCE, new LeaseEvent(mac, null, "10.213.0.50", LeaseState.BOUND, "10.213.0.0/24", null,
        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T01:00:00Z"), "10.213.0.1"));
  }

  /**
   * Every record of a topic, read up to the end offsets it has now: once the publisher flushed, that is
   * everything it wrote.
   */
  static List<ConsumerRecord<String, byte[]>> readToEnd(String bootstrapServers, String topic) {
    long total;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
      total = c.endOffsets(tps, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
    }
    try (TestConsumer c = TestConsumer.fromBeginning(bootstrapServers, topic)) {
      return c.pollUntil(Duration.ofSeconds(30), l -> l.size() >= total);
    }
  }

  /** The xids of the boot-step records of the given MACs, per MAC in the order read (per partition: offset order). */
  static Map<String, List<Long>> xidsByMac(List<ConsumerRecord<String, byte[]>> records, Set<String> macs) {
    Map<String, List<Long>> byMac = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      if (!macs.contains(r.key())) {
        continue;
      }
      Envelope<BootStepEvent> e;
      try {
        e = EventCodec.get().decode(r.value(), BootStepEvent.class);
      } catch (EventDecodeException ex) {
        throw new AssertionError("undecodable record " + r.partition() + "@" + r.offset() + ": " + ex.getMessage(), ex);
      }
      assertEquals(r.key(), e.subject(), "record key is the event subject");
      byMac.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(((DhcpStepEvent) e.data()).xid());
    }
    return byMac;
  }

  static List<Long> range(long fromInclusive, long toExclusive) {
    List<Long> l = new ArrayList<>();
    for (long i = fromInclusive; i < toExclusive; i++) {
      l.add(i);
    }
    return l;
  }
}
