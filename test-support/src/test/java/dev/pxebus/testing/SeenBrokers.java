package dev.pxebus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Which endpoint each test class got, so the classes can check that they all share one broker. */
final class SeenBrokers {

  private static final Map<Class<?>, KafkaEndpoint> SEEN = new ConcurrentHashMap<>();

  private SeenBrokers() {}

  /** Records what {@code testClass} got and asserts every class so far got the same broker. */
  static void recordAndCheck(Class<?> testClass, KafkaEndpoint kafka) {
    SEEN.put(testClass, kafka);
    SEEN.forEach((other, seen) -> {
      assertEquals(kafka.bootstrapServers(), seen.bootstrapServers(), testClass + " vs " + other);
      assertSame(kafka, seen, testClass + " vs " + other);
    });
  }
}
