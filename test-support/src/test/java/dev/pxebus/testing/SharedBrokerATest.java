package dev.pxebus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One of two classes (SharedBrokerATest, SharedBrokerBTest) that use the extension; whichever runs second
 * checks it got the broker the first one got.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SharedBrokerATest {

  private static KafkaEndpoint fromBeforeAll;
  private final KafkaEndpoint kafka;

  SharedBrokerATest(KafkaEndpoint kafka) {
    this.kafka = kafka;
  }

  @BeforeAll
  static void remember(KafkaEndpoint kafka) {
    fromBeforeAll = kafka;
  }

  @Test
  void getsTheOneBrokerOfTheRun(KafkaEndpoint fromMethod) {
    assertSame(fromBeforeAll, kafka);
    assertSame(kafka, fromMethod);
    SeenBrokers.recordAndCheck(getClass(), kafka);
  }

  @Test
  void producesAndConsumes() {
    String topic = TestTopics.unique("shared-a");
    Records.send(kafka, topic, "52:54:00:00:00:0A", "hello from A");

    List<ConsumerRecord<String, byte[]>> read =
        TestConsumer.readUntil(kafka, topic, Duration.ofSeconds(30), rs -> !rs.isEmpty());

    assertEquals(1, read.size());
    assertEquals("52:54:00:00:00:0A", read.get(0).key());
    assertEquals("hello from A", new String(read.get(0).value(), StandardCharsets.UTF_8));
  }

  @Test
  void refusesToBeClosedByATest() {
    assertThrows(UnsupportedOperationException.class, kafka::close);
  }
}
