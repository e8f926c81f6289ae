package dev.pxebus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.testcontainers.DockerClientFactory;

/**
 * Runs two probe classes in a nested JUnit run, as a module's test run would, to see what the extension does
 * across classes and at the end of the run. (Surefire does not pick up the nested probe classes by itself.)
 */
class KafkaBrokerExtensionLifecycleTest {

  static final AtomicReference<KafkaEndpoint> probeA = new AtomicReference<>();
  static final AtomicReference<KafkaEndpoint> probeB = new AtomicReference<>();

  @BeforeEach
  void reset() {
    probeA.set(null);
    probeB.set(null);
  }

  @Test
  void oneBrokerForAllClassesOfARunClosedWhenTheRunEnds() {
    EngineExecutionResults results = run(Map.of());

    results.testEvents().assertStatistics(s -> s.started(2).succeeded(2).failed(0));
    KafkaEndpoint a = probeA.get();
    assertNotNull(a);
    assertSame(a, probeB.get(), "both classes got the same endpoint");
    assertConnectionRefused(a.bootstrapServers());
  }

  @Test
  void anUnknownModeFailsTheClassesWithAClearMessage() {
    EngineExecutionResults results = run(Map.of(KafkaBrokerExtension.MODE_PROPERTY, "zookeeper"));

    List<Throwable> failures = classFailures(results);
    assertEquals(2, failures.size(), failures::toString);
    for (Throwable t : failures) {
      assertTrue(t.getMessage().contains("pxebus.kafka must be auto, container or embedded, not 'zookeeper'"),
          t.toString());
    }
  }

  @Test
  void containerModeWithoutDockerFailsInsteadOfFallingBack() {
    assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "a Docker engine is available here");

    EngineExecutionResults results = run(Map.of(KafkaBrokerExtension.MODE_PROPERTY, "container"));

    List<Throwable> failures = classFailures(results);
    assertEquals(2, failures.size(), failures::toString);
    assertTrue(failures.get(0).getMessage().contains("pxebus.kafka=container, but no Docker engine answered"),
        failures.get(0).toString());
    assertSame(failures.get(0), failures.get(1), "the failed start is not retried for the second class");
  }

  private static EngineExecutionResults run(Map<String, String> config) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameters(config)
        .selectors(selectClass(ProbeA.class), selectClass(ProbeB.class))
        .execute();
  }

  private static List<Throwable> classFailures(EngineExecutionResults results) {
    return results.containerEvents().failed().stream()
        .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow())
        .toList();
  }

  private static void assertConnectionRefused(String bootstrapServers) {
    String hostPort = bootstrapServers.split(",")[0];
    int colon = hostPort.lastIndexOf(':');
    InetSocketAddress address =
        new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    assertThrows(IOException.class, () -> {
      try (Socket s = new Socket()) {
        s.connect(address, 1000);
      }
    }, "broker at " + bootstrapServers + " still accepts connections after the run");
  }

  @ExtendWith(KafkaBrokerExtension.class)
  static class ProbeA {
    @Test
    void probe(KafkaEndpoint kafka) {
      probeA.set(kafka);
      Records.send(kafka, TestTopics.unique("probe-a"), "k", "v");
    }
  }

  @ExtendWith(KafkaBrokerExtension.class)
  static class ProbeB {
    @Test
    void probe(KafkaEndpoint kafka) {
      probeB.set(kafka);
      Records.send(kafka, TestTopics.unique("probe-b"), "k", "v");
    }
  }
}
