package dev.pxebus.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every record of one topic from the beginning, for assertions: String keys, raw {@code byte[]} values.
 * No consumer group and no commits, so it never disturbs the consumers under test. The topic may not exist
 * yet when reading starts (the code under test creates it on its first write); this consumer never creates it.
 *
 * <pre>{@code
 * try (TestConsumer events = TestConsumer.fromBeginning(kafka, topic)) {
 *   List<ConsumerRecord<String, byte[]>> rs = events.pollUntil(Duration.ofSeconds(10), l -> l.size() >= 2);
 * }
 * }</pre>
 *
 * <p>Like the {@code KafkaConsumer} inside it, an instance is for one thread.
 */
public final class TestConsumer implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(100);
  private static final int DESCRIBED_RECORDS = 10;
  private static final int DESCRIBED_VALUE_CHARS = 120;

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
  private boolean assigned;

  private TestConsumer(String bootstrapServers, String topic) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.CLIENT_ID_CONFIG, "test-consumer-" + topic),
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  public static TestConsumer fromBeginning(KafkaEndpoint kafka, String topic) {
    return fromBeginning(kafka.bootstrapServers(), topic);
  }

  public static TestConsumer fromBeginning(String bootstrapServers, String topic) {
    return new TestConsumer(bootstrapServers, topic);
  }

  /** Opens a consumer, reads until {@code condition} holds, closes it, and returns every record read. */
  public static List<ConsumerRecord<String, byte[]>> readUntil(KafkaEndpoint kafka, String topic, Duration deadline,
      Predicate<? super List<ConsumerRecord<String, byte[]>>> condition) {
    try (TestConsumer c = fromBeginning(kafka, topic)) {
      return c.pollUntil(deadline, condition);
    }
  }

  /**
   * Polls until {@code condition} holds for all records read so far (from the beginning of the topic, in the
   * order received; per partition that is offset order), and returns them. It may be called again to wait for
   * more records.
   *
   * @throws AssertionError if the condition does not hold within {@code deadline}; the message lists the last
   *     records read
   */
  public List<ConsumerRecord<String, byte[]>> pollUntil(Duration deadline,
      Predicate<? super List<ConsumerRecord<String, byte[]>>> condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      if (assigned || assign()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          records.add(r);
        }
      }
      if (condition.test(records())) {
        return records();
      }
      if (System.nanoTime() - end >= 0) {
        throw new AssertionError("Waited " + deadline.toMillis() + " ms on topic " + topic
            + (assigned ? "" : " (which does not exist)") + "; condition not met by the " + records.size()
            + " record(s) read" + describeTail());
      }
    }
  }

  /**
   * Reads every record the topic holds now: polls until this consumer's position reaches the end offset each
   * partition had when it was assigned, and returns all records read. Unlike a condition on what was read, it sees
   * a long topic's newest records, which one poll (at most {@code max.poll.records}) may not reach.
   *
   * @throws AssertionError if the end is not reached within {@code deadline}
   */
  public List<ConsumerRecord<String, byte[]>> readToEnd(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    Map<TopicPartition, Long> ends = null;
    while (true) {
      if (assigned || assign()) {
        if (ends == null) ends = consumer.endOffsets(consumer.assignment(), deadline);
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          records.add(r);
        }
        Map<TopicPartition, Long> target = ends;
        if (target.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          return records();
        }
      }
      if (System.nanoTime() - end >= 0) {
        throw new AssertionError("Waited " + deadline.toMillis() + " ms on topic " + topic
            + (assigned ? " for its end offsets " + ends : " (which does not exist)") + "; " + records.size()
            + " record(s) read" + describeTail());
      }
    }
  }

  /** The records read so far, oldest first. */
  public List<ConsumerRecord<String, byte[]>> records() {
    return List.copyOf(records);
  }

  /** The topic's values read so far, decoded as UTF-8. */
  public List<String> valuesAsStrings() {
    return records.stream().map(r -> utf8(r.value())).collect(Collectors.toList());
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }

  /** Assigns every partition of the topic, from offset 0; false while the topic does not exist. */
  private boolean assign() {
    List<PartitionInfo> partitions;
    try {
      partitions = consumer.partitionsFor(topic, POLL);
    } catch (TimeoutException e) {
      return false;
    }
    if (partitions == null || partitions.isEmpty()) {
      return false;
    }
    List<TopicPartition> tps = partitions.stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .collect(Collectors.toList());
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    assigned = true;
    return true;
  }

  private String describeTail() {
    if (records.isEmpty()) {
      return "";
    }
    int from = Math.max(0, records.size() - DESCRIBED_RECORDS);
    return records.subList(from, records.size()).stream()
        .map(r -> r.partition() + "@" + r.offset() + " " + r.key() + "=" + preview(r.value()))
        .collect(Collectors.joining("\n  ", "; last " + (records.size() - from) + ":\n  ", ""));
  }

  private static String preview(byte[] value) {
    if (value == null) {
      return "null";
    }
    String s = utf8(value);
    return s.length() > DESCRIBED_VALUE_CHARS ? s.substring(0, DESCRIBED_VALUE_CHARS) + "…" : s;
  }

  private static String utf8(byte[] value) {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
