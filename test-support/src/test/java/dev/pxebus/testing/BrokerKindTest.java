package dev.pxebus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker the extension gives is the kind {@value KafkaBrokerExtension#MODE_PROPERTY} asks for: the run with
 * {@code container} (test-support's container-broker execution) really ran on a Testcontainers container, and the
 * default run on the in-JVM broker when no Docker engine is configured.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BrokerKindTest {
  @Test
  void theBrokerIsOfTheKindAskedFor(KafkaEndpoint kafka) {
    String mode = System.getProperty(KafkaBrokerExtension.MODE_PROPERTY, "auto");
    // auto picks a container when an engine answers: known only without DOCKER_HOST (bin/test's default run).
    assumeTrue(!mode.equals("auto") || System.getenv("DOCKER_HOST") == null, "auto with DOCKER_HOST set");
    KafkaEndpoint.Kind expected = mode.equals("container") ? KafkaEndpoint.Kind.CONTAINER : KafkaEndpoint.Kind.EMBEDDED;
    assertEquals(expected, kafka.kind(), "pxebus.kafka=" + mode + ", bootstrap " + kafka.bootstrapServers());
  }
}
