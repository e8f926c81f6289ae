package dev.pxebus.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KraftBrokerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void servesProduceAndConsumeWithAutoCreatedTopic() {
    try (KraftBroker kafka = KraftBroker.builder(tmp.resolve("kafka")).build().start()) {
      assertTrue(kafka.isRunning());
      assertEquals("127.0.0.1:" + kafka.brokerPort(), kafka.bootstrapServers());

      RecordMetadata md = produce(kafka, "lab.auto", "52:54:00:12:34:56", "DHCPACK");

      assertEquals(0, md.offset());
      assertEquals(List.of("52:54:00:12:34:56=DHCPACK"), consume(kafka, "lab.auto", 1));
      assertTrue(kafka.clusterId().isPresent());
    }
  }

  @Test
  void stopAndStartOnTheSameDirectoryKeepsRecordsAndAddress() throws Exception {
    try (KraftBroker kafka = KraftBroker.builder(tmp.resolve("kafka")).build().start()) {
      String bootstrap = kafka.bootstrapServers();
      String clusterId = kafka.clusterId().orElseThrow();
      createTopic(kafka, "lab.restart", 2);
      produce(kafka, "lab.restart", "a", "before-restart");

      kafka.stop();

      assertFalse(kafka.isRunning());
      // Stopped means the listeners are closed: the ports can be bound right away (no TIME_WAIT trouble).
      assertBindable(kafka.brokerPort());
      assertBindable(kafka.controllerPort());
      assertConnectionRefused(kafka.brokerPort());

      kafka.start();

      assertTrue(kafka.isRunning());
      assertEquals(bootstrap, kafka.bootstrapServers());
      assertEquals(clusterId, kafka.clusterId().orElseThrow());
      produce(kafka, "lab.restart", "a", "after-restart");
      assertEquals(List.of("a=before-restart", "a=after-restart"), consume(kafka, "lab.restart", 2));
      try (Admin admin = admin(kafka)) {
        assertEquals(2, admin.describeTopics(Set.of("lab.restart")).allTopicNames().get()
            .get("lab.restart").partitions().size());
      }
    }
  }

  @Test
  void restartUnderAConnectedClientRebindsAndTheClientCarriesOn() {
    try (KraftBroker kafka = KraftBroker.builder(tmp.resolve("kafka")).build().start();
         KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
             ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
             ConsumerConfig.GROUP_ID_CONFIG, "lab-group",
             ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
      produce(kafka, "lab.live", "k", "first");
      consumer.subscribe(List.of("lab.live"));
      assertEquals(List.of("k=first"), pollUntil(consumer, 1));
      consumer.commitSync();

      // The broker closes the client connections first, so they sit in TIME_WAIT on the broker port; Kafka
      // binds with SO_REUSEADDR, so the restart on that port must not wait for them.
      kafka.stop();
      kafka.start();

      produce(kafka, "lab.live", "k", "second");
      assertEquals(List.of("k=second"), pollUntil(consumer, 1), "committed offset kept, client reconnected");
    }
  }

    @Test
  void newInstanceOnAnExistingDirectoryReusesTheStorage() {
    Path dir = tmp.resolve("kafka");
    String clusterId;
    int firstPort;
    try (KraftBroker first = KraftBroker.builder(dir).build().start()) {
      clusterId = first.clusterId().orElseThrow();
      firstPort = first.brokerPort();
      produce(first, "lab.reopen", "k", "kept");
    }
    assertTrue(Files.isRegularFile(dir.resolve("data").resolve("meta.properties")), "storage kept after close");

    // As `pxebus lab` started again: other (free) ports, same directory, no reformat.
    try (KraftBroker second = KraftBroker.builder(dir).build().start()) {
      assertEquals(clusterId, second.clusterId().orElseThrow());
      assertNotEquals(firstPort, second.brokerPort());
      assertEquals(List.of("k=kept"), consume(second, "lab.reopen", 1));
    }
  }

  @Test
  void twoBrokersOnDifferentDirectoriesRunSideBySide() {
    try (KraftBroker one = KraftBroker.builder(tmp.resolve("one")).numPartitions(3).build().start();
         KraftBroker two = KraftBroker.builder(tmp.resolve("two")).build().start()) {
      assertNotEquals(one.bootstrapServers(), two.bootstrapServers());
      assertNotEquals(one.clusterId(), two.clusterId());

      produce(one, "lab.side", "k", "on-one");
      produce(two, "lab.side", "k", "on-two");

      assertEquals(List.of("k=on-one"), consume(one, "lab.side", 1));
      assertEquals(List.of("k=on-two"), consume(two, "lab.side", 1));
      assertEquals(3, partitions(one, "lab.side").size(), "num.partitions applies to auto-created topics");
      assertEquals(1, partitions(two, "lab.side").size());
    }
  }

  @Test
  void closeIsIdempotentAndDeletesATemporaryDirectory() throws IOException {
    Path dir = Files.createTempDirectory(tmp, "kraft-");
    KraftBroker kafka = KraftBroker.builder(dir).deleteOnClose(true).build().start();
    assertTrue(Files.exists(dir.resolve("data").resolve("meta.properties")));

    kafka.close();
    kafka.close();

    assertFalse(kafka.isRunning());
    assertFalse(Files.exists(dir), "data directory deleted");
    IllegalStateException e = assertThrows(IllegalStateException.class, kafka::start);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void lifecycleMisuseIsReported() {
    try (KraftBroker kafka = KraftBroker.builder(tmp.resolve("kafka")).build()) {
      kafka.stop(); // not started: nothing to do
      assertFalse(kafka.isRunning());
      kafka.start();
      IllegalStateException e = assertThrows(IllegalStateException.class, kafka::start);
      assertTrue(e.getMessage().contains("already running"), e.getMessage());
    }
  }

  @Test
  void startWaitsForATakenPortAndThenReportsIt() throws IOException {
    try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      KraftBroker kafka = KraftBroker.builder(tmp.resolve("kafka"))
          .brokerPort(squatter.getLocalPort())
          .bindTimeout(Duration.ofMillis(300))
          .build();
      try (kafka) {
        IllegalStateException e = assertThrows(IllegalStateException.class, kafka::start);
        assertTrue(e.getMessage().contains("port " + squatter.getLocalPort() + " on 127.0.0.1 is still in use"),
            e.getMessage());
        assertFalse(kafka.isRunning());

        squatter.close();
        kafka.start();

        assertEquals("127.0.0.1:" + squatter.getLocalPort(), kafka.bootstrapServers());
        produce(kafka, "lab.port", "k", "v");
        assertEquals(List.of("k=v"), consume(kafka, "lab.port", 1));
      }
    }
  }

  @Test
  void aSecondBrokerOnADirectoryInUseIsRefused() {
    Path dir = tmp.resolve("kafka");
    try (KraftBroker first = KraftBroker.builder(dir).build().start();
         KraftBroker second = KraftBroker.builder(dir).build()) {
      // Kafka alone would start the second one's controller on the first one's metadata log before failing.
      IllegalStateException e = assertThrows(IllegalStateException.class, second::start);

      assertTrue(e.getMessage().endsWith("is in use by another broker"), e.getMessage());
      assertFalse(second.isRunning());
      assertTrue(first.isRunning());
      produce(first, "lab.first", "k", "still serving");
      assertEquals(List.of("k=still serving"), consume(first, "lab.first", 1));
    }
  }

    @Test
  void rejectsBadOptions() {
    KraftBroker.Builder b = KraftBroker.builder(tmp);
    assertThrows(IllegalArgumentException.class, () -> b.brokerPort(70000));
    assertThrows(IllegalArgumentException.class, () -> b.numPartitions(0));
    assertThrows(IllegalArgumentException.class, () -> b.bindTimeout(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.brokerPort(19092).controllerPort(19092).build());
  }

  @Test
  void extraPropertiesOverrideDefaults() {
    KraftBroker kafka = KraftBroker.builder(tmp).property("num.io.threads", "2").build();
    assertEquals("2", kafka.serverProperties().getProperty("num.io.threads"));
    assertEquals("1", kafka.serverProperties().getProperty("offsets.topic.replication.factor"));
    assertEquals("0", kafka.serverProperties().getProperty("group.initial.rebalance.delay.ms"));
  }

  // --- plain kafka-clients helpers ---------------------------------------------------------------------------

  private static RecordMetadata produce(KraftBroker kafka, String topic, String key, String value) {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("produce to " + topic + " on " + kafka + " failed", e);
    }
  }

  /** Reads {@code topic} from the beginning, without a group, until {@code count} records or the deadline. */
  private static List<String> consume(KraftBroker kafka, String topic, int count) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"), new StringDeserializer(), new StringDeserializer())) {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, DEADLINE)) {
        tps.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      List<String> got = new ArrayList<>();
      while (got.size() < count) {
        if (System.nanoTime() - deadline >= 0) {
          throw new AssertionError("read " + got + " from " + topic + ", expected " + count + " records");
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          got.add(r.key() + "=" + r.value());
        }
      }
      return got;
    }
  }

  private static List<String> pollUntil(KafkaConsumer<String, String> consumer, int count) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    List<String> got = new ArrayList<>();
    while (got.size() < count) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("polled " + got + ", expected " + count + " records");
      }
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        got.add(r.key() + "=" + r.value());
      }
    }
    return got;
  }

    private static List<PartitionInfo> partitions(KraftBroker kafka, String topic) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringDeserializer(), new StringDeserializer())) {
      return consumer.partitionsFor(topic, DEADLINE);
    }
  }

  private static Admin admin(KraftBroker kafka) {
    return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
  }

  private static void createTopic(KraftBroker kafka, String topic, int partitions) throws Exception {
    try (Admin admin = admin(kafka)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
          .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static void assertBindable(int port) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }
  }

  private static void assertConnectionRefused(int port) {
    assertThrows(IOException.class, () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      }
    });
  }
}
