package dev.pxebus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TestConsumerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void readUntilReturnsEverythingReadOnceTheConditionHolds(KafkaEndpoint kafka) {
    String topic = TestTopics.create(kafka, "read-until");
    Records.send(kafka, topic, "52:54:00:12:34:56", "DHCPDISCOVER");
    Records.send(kafka, topic, "52:54:00:12:34:56", "DHCPREQUEST");

    List<ConsumerRecord<String, byte[]>> read = TestConsumer.readUntil(kafka, topic, DEADLINE,
        rs -> rs.stream().anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).equals("DHCPREQUEST")));

    assertEquals(2, read.size());
    assertEquals(List.of(0L, 1L), read.stream().map(ConsumerRecord::offset).toList());
  }

  @Test
  void readsFromTheBeginningAcrossPartitionsAndKeepsReading(KafkaEndpoint kafka) {
    String topic = TestTopics.create(kafka, "consumer", 2, Map.of());
    Records.send(kafka, topic, "a", "1");
    Records.send(kafka, topic, "b", "2");

    try (TestConsumer consumer = TestConsumer.fromBeginning(kafka, topic)) {
      List<ConsumerRecord<String, byte[]>> first = consumer.pollUntil(DEADLINE, rs -> rs.size() == 2);
      assertEquals(2, first.size());

      Records.send(kafka, topic, "c", "3");

      assertEquals(3, consumer.pollUntil(DEADLINE, rs -> rs.size() == 3).size());
      assertEquals(List.of("1", "2", "3"), consumer.valuesAsStrings().stream().sorted().toList());
    }
  }

  @Test
  void waitsForATopicThatDoesNotExistYet(KafkaEndpoint kafka) {
    String topic = TestTopics.unique("late");
    try (TestConsumer consumer = TestConsumer.fromBeginning(kafka, topic)) {
      AssertionError missing = assertThrows(AssertionError.class,
          () -> consumer.pollUntil(Duration.ofMillis(300), rs -> !rs.isEmpty()));
      assertTrue(missing.getMessage().contains("(which does not exist)"), missing.getMessage());

      Records.send(kafka, topic, "52:54:00:12:34:56", "DHCPACK");

      List<ConsumerRecord<String, byte[]>> read = consumer.pollUntil(DEADLINE, rs -> !rs.isEmpty());
      assertEquals("52:54:00:12:34:56", read.get(0).key());
    }
  }

  @Test
  void aTimeoutListsTheRecordsRead(KafkaEndpoint kafka) {
    String topic = TestTopics.create(kafka, "timeout");
    Records.send(kafka, topic, "52:54:00:12:34:56", "{\"type\":\"DHCPOFFER\"}");

    AssertionError e;
    try (TestConsumer consumer = TestConsumer.fromBeginning(kafka, topic)) {
      consumer.pollUntil(DEADLINE, rs -> rs.size() == 1);
      e = assertThrows(AssertionError.class, () -> consumer.pollUntil(Duration.ofMillis(300), rs -> rs.size() == 2));
    }

    assertTrue(e.getMessage().contains("condition not met by the 1 record(s) read"), e.getMessage());
    assertTrue(e.getMessage().contains("0@0 52:54:00:12:34:56={\"type\":\"DHCPOFFER\"}"), e.getMessage());
  }
}
