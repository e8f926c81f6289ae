package dev.pxebus.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reachability against the shared broker and against a port nobody listens on; the outage test covers changes. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaReachabilityTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void aRunningBrokerIsReachable(KafkaEndpoint kafka) {
    try (KafkaReachability r = KafkaReachability.start(kafka.bootstrapServers(), "reachability-test",
        Duration.ofMillis(200), Duration.ofSeconds(2))) {
      Await.until(DEADLINE, r::reachable, () -> "reachable: " + r.status());
      assertTrue(r.clusterId().isPresent());
      assertTrue(r.lastChecked().isPresent());
      assertFalse(r.lastError().isPresent());
      assertTrue(r.status().brokers() >= 1);
    }
  }

  @Test
  void nothingListeningIsUnreachableWithAReason() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (KafkaReachability r = KafkaReachability.start("127.0.0.1:" + port, "reachability-test-down",
        Duration.ofMillis(200), Duration.ofMillis(500))) {
      assertFalse(r.reachable(), "not reachable before the first answer");
      Await.until(DEADLINE, () -> r.lastChecked().isPresent(), () -> "a finished check: " + r.status());
      assertFalse(r.reachable());
      assertTrue(r.lastError().isPresent());
      assertFalse(r.clusterId().isPresent());
    }
  }
}
