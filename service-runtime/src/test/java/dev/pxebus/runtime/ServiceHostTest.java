package dev.pxebus.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.replica.TftpReplicaEvent;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A host against the shared real broker, and against an address where nothing listens: it must start at once and
 * report Kafka as a non-essential (DEGRADED, not 503) problem.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ServiceHostTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  /** Start must not wait for Kafka: generous for a slow CI machine, far below any Kafka timeout. */
  private static final Duration QUICK_START = Duration.ofSeconds(5);
  /** Close waits at most 5 s for buffered events, up to ~3 s for the reachability probe, then Vert.x. */
  private static final Duration CLOSE_LIMIT = Duration.ofSeconds(20);

  private ServiceHost host;

  @AfterEach
  void closeHost() throws Exception {
    if (host != null) await(host.close(), CLOSE_LIMIT);
  }

  private static CommonConfig config(String bootstrap) {
    return new CommonConfig("host-test", "host-test-" + UUID.randomUUID().toString().substring(0, 8), bootstrap, 1,
        1_000, "127.0.0.1", 0, false);
  }

  private static <T> T await(Future<T> f, Duration limit) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** An address on loopback where nothing listens. */
  private static String deadBootstrap() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void healthIsUpOnceKafkaIsReachable(KafkaEndpoint kafka) throws Exception {
    CommonConfig config = config(kafka.bootstrapServers());
    host = ServiceHost.create(config);
    int port = await(host.startAdmin(), QUICK_START);
    assertEquals(port, host.adminPort());
    assertEquals("http://127.0.0.1:" + port, host.adminUrl());

    Http.Response r = Await.value(DEADLINE, () -> {
      Http.Response h = Http.get(host.adminUrl() + "/health");
      return h.check("kafka").getBoolean("reachable") ? Optional.of(h) : Optional.empty();
    }, "kafka reachable on /health");
    assertEquals(200, r.status(), r.body());
    assertEquals("UP", r.json().getString("status"), r.body());
    JsonObject kafkaCheck = r.check("kafka");
    assertEquals("UP", kafkaCheck.getString("status"), r.body());
    assertFalse(kafkaCheck.getBoolean("essential"), "Kafka is never essential: " + r.body());
    assertEquals(kafka.bootstrapServers(), kafkaCheck.getString("bootstrap"));
    assertEquals(config.instanceId(), r.json().getString("instance"));
  }

  @Test
  void metricsCarryServiceAndInstanceTags(KafkaEndpoint kafka) throws Exception {
    CommonConfig config = config(kafka.bootstrapServers());
    host = ServiceHost.create(config);
    await(host.startAdmin(), QUICK_START);
    String metrics = Http.get(host.adminUrl() + "/metrics").body();
    String tags = "instance=\"" + config.instanceId() + "\"";
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains(tags)
        && l.contains("service=\"host-test\"")), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("pxebus_events_buffered{")), "publisher gauges: " + metrics);
  }

  @Test
  void startsAtOnceWithoutKafkaAndIsDegradedNotDown() throws Exception {
    String dead = deadBootstrap();
    long t0 = System.nanoTime();
    host = ServiceHost.create(config(dead));
    await(host.startAdmin(), QUICK_START);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertTrue(took.compareTo(QUICK_START) < 0, "started in " + took);

    // Publishing never blocks, even with no broker: the event waits in the buffer.
    long p0 = System.nanoTime();
    host.publisher().publish(new TftpReplicaEvent("host-test-replica", "h", "127.0.0.1", 69, null, 0, 0, false,
        Instant.now()));
    assertTrue(System.nanoTime() - p0 < TimeUnit.SECONDS.toNanos(1), "publish returned at once");

    // Wait until the probe has actually tried (an error is reported), so DEGRADED is its verdict, not the default.
    Http.Response r = Await.value(DEADLINE, () -> {
      Http.Response h = Http.get(host.adminUrl() + "/health");
      return h.check("kafka").containsKey("error") ? Optional.of(h) : Optional.empty();
    }, "the Kafka probe to report an error for " + dead);
    assertEquals(200, r.status(), "a Kafka outage must not make the orchestrator restart us: " + r.body());
    assertEquals("DEGRADED", r.json().getString("status"), r.body());
    JsonObject kafkaCheck = r.check("kafka");
    assertEquals(false, kafkaCheck.getBoolean("reachable"), r.body());
    assertEquals("DOWN", kafkaCheck.getString("status"), r.body());
    assertEquals(dead, kafkaCheck.getString("bootstrap"));
    assertEquals(1, kafkaCheck.getInteger("eventsBuffered") + kafkaCheck.getInteger("eventsInFlight"), r.body());
    assertEquals(0, kafkaCheck.getInteger("eventsSent"), r.body());
  }

  @Test
  void closeRunsRegisteredClosersNewestFirstEvenWhenOneFails() throws Exception {
    host = ServiceHost.create(config(deadBootstrap()));
    String url = "http://127.0.0.1:" + await(host.startAdmin(), QUICK_START) + "/health";
    List<String> order = new CopyOnWriteArrayList<>();
    host.onClose("first", () -> {
      order.add("first");
      return Future.succeededFuture();
    });
    host.onClose("failing", () -> {
      order.add("failing");
      return Future.failedFuture(new IllegalStateException("cannot stop"));
    });
    host.onClose("throwing", () -> {
      order.add("throwing");
      throw new IllegalStateException("boom");
    });
    host.onClose("last", () -> {
      order.add("last");
      return Future.succeededFuture();
    });
    ServiceHost closing = host;
    host = null;
    await(closing.close(), CLOSE_LIMIT);
    assertEquals(List.of("last", "throwing", "failing", "first"), order);
    assertThrows(AssertionError.class, () -> Http.get(url), "the admin server stopped with the host");
  }
}
