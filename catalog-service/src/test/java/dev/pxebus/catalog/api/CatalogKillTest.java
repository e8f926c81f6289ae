package dev.pxebus.catalog.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.catalog.spec.EntityKind;
import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * catalog-service as a real process, killed with SIGKILL in the middle of a burst of writes: after a restart every
 * entity is whole (each field from one and the same write), every acknowledged write is there, and no record on
 * the topics was unreadable.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CatalogKillTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static int send(String method, String url, String body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Authorization", "Bearer " + CatalogServer.TOKEN).header("Content-Type", "application/json");
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1; // the process is gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Test
  void aKillDuringABurstLeavesNoHalfWrittenEntity(KafkaEndpoint kafka, @TempDir Path dir) throws Exception {
    String prefix = UUID.randomUUID().toString().substring(0, 4);
    int port = freePort();
    String url = "http://127.0.0.1:" + port;
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", cp, "dev.pxebus.catalog.Main");
    pb.environment().putAll(Map.of("PXEBUS_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
        "PXEBUS_HTTP_HOST", "127.0.0.1", "PXEBUS_HTTP_PORT", Integer.toString(port),
        "PXEBUS_ADMIN_HOST", "127.0.0.1", "PXEBUS_ADMIN_PORT", "0",
        "PXEBUS_CATALOG_DATA_DIR", dir.resolve("data").toString(), "PXEBUS_CATALOG_TOKEN", CatalogServer.TOKEN,
        "PXEBUS_INSTANCE_ID", "catalog-kill-" + prefix));
    Path log = dir.resolve("catalog.log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = pb.start();
    Map<String, Integer> acked = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    List<Thread> writers = new ArrayList<>();
    try {
      Await.until(Duration.ofSeconds(60), () -> send("GET", url + "/hosts?limit=1", null) == 200,
          () -> "catalog-service answers (log: " + tail(log) + ")");
      for (int w = 0; w < 4; w++) {
        int writer = w;
        Thread t = new Thread(() -> {
          for (int n = 1; !stop.get(); n++) {
            String mac = String.format("52:54:00:%s:%s:%02x", prefix.substring(0, 2), prefix.substring(2, 4),
                writer * 8 + n % 8);
            JsonObject host = new JsonObject().put("mac", mac).put("hostname", "w" + writer + "-n" + n)
                .put("labels", new JsonObject().put("seq", Integer.toString(n)).put("copy", Integer.toString(n)));
            int status = send("PUT", url + "/hosts/" + mac, host.encode());
            if (status == 200 || status == 201) {
              acked.merge(mac, n, Math::max);
              ok.incrementAndGet();
            } else if (status == -1) {
              return;
            }
          }
        }, "writer-" + w);
        t.setDaemon(true);
        t.start();
        writers.add(t);
      }
      Await.until(Duration.ofSeconds(60), () -> ok.get() >= 150, () -> ok.get() + " writes acknowledged");
    } finally {
      process.destroyForcibly(); // SIGKILL, mid-burst: no shutdown hook runs
      process.waitFor(30, TimeUnit.SECONDS);
      stop.set(true);
      for (Thread t : writers) t.join(15_000);
    }
    assertTrue(ok.get() >= 150);

    try (CatalogServer s = CatalogServer.start(kafka, dir.resolve("data"), Map.of())) {
      assertEquals(0.0, s.app.host().registry().counter("pxebus.catalog.records.skipped").count(),
          "every record on the catalog topics holds a whole, valid entity");
      for (var e : acked.entrySet()) {
        var entry = s.app.store().snapshot().get(EntityKind.HOST, e.getKey());
        assertTrue(entry.isPresent(), "acknowledged host " + e.getKey() + " is there");
        HostSpec h = (HostSpec) entry.get().spec();
        String seq = h.labels().get("seq");
        assertEquals(seq, h.labels().get("copy"), "one write's fields, not two: " + h);
        assertTrue(h.hostname().endsWith("-n" + seq), "one write's fields, not two: " + h);
        // The write in flight when the process died may have reached Kafka after its last acknowledged one.
        assertTrue(Integer.parseInt(seq) >= e.getValue(), "acknowledged write " + e.getValue() + " kept: " + h);
      }
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
