package dev.pxebus.cli.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.catalog.CatalogApp;
import dev.pxebus.dhcp.DhcpApp;
import dev.pxebus.dhcp.DhcpConfig;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.replica.TftpReplicaEvent;
import dev.pxebus.runtime.ConfigException;
import dev.pxebus.runtime.RunningService;
import dev.pxebus.testing.Await;
import dev.pxebus.tftp.TftpApp;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system started the way {@code pxebus lab} starts it: a real in-process KRaft broker and the four
 * services, each on its own Vert.x. Every /health must turn UP, and events must flow from one service to
 * another through Kafka.
 */
class LabTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static Lab.Options options(Path dir, DhcpConfig.Mode mode, Optional<String> iface, Optional<String> pool) {
    // Tests run in the root namespace, where no DHCP server may listen on an interface: proxy mode with
    // dhcp.interface=none starts dhcp-service without its DHCP sockets (they are tested in network namespaces).
    Optional<String> served = mode == DhcpConfig.Mode.PROXY && iface.isEmpty() ? Optional.of("none") : iface;
    return new Lab.Options(dir, Optional.empty(), 0, true, "127.0.0.1", Optional.empty(), mode, served, pool,
        Map.of());
  }

  @Test
  void everyServiceIsHealthyAndEventsFlowBetweenServices(@TempDir Path dir) throws Exception {
    try (Lab lab = Lab.start(options(dir, DhcpConfig.Mode.PROXY, Optional.empty(), Optional.empty()))) {
      assertEquals(4, lab.services().size());
      for (RunningService s : lab.services()) {
        Await.until(DEADLINE, () -> "UP".equals(health(s).getString("status")),
            () -> s.name() + " /health never UP: " + health(s).encode());
        assertTrue(metrics(s).contains("pxebus_events_buffered"), s.name() + " /metrics lacks the publisher gauges");
        if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").matches("amd64|aarch64")) {
          assertTrue(s.host().vertx().isNativeTransportEnabled(),
              s.name() + " runs without epoll: " + s.host().vertx().unavailableNativeTransportCause());
        }
      }

      // tftp-service announces itself on pxebus.tftp.replicas; dhcp-service consumes the topic.
      TftpApp tftp = (TftpApp) lab.service("tftp-service").orElseThrow();
      DhcpApp dhcp = (DhcpApp) lab.service("dhcp-service").orElseThrow();
      Await.until(DEADLINE,
          () -> dhcp.liveReplicas().stream().map(TftpReplicaEvent::replicaId).anyMatch(tftp.replicaId()::equals),
          () -> "dhcp-service never saw replica " + tftp.replicaId() + ": " + health(dhcp).encode());
      assertTrue(health(dhcp).getJsonObject("checks").getJsonObject("tftp-replicas").getJsonArray("live")
          .contains(tftp.replicaId()));

      // dhcp-service publishes a boot step; catalog-service puts it on the machine's timeline.
      CatalogApp catalog = (CatalogApp) lab.service("catalog-service").orElseThrow();
      String attempt = "attempt-" + System.nanoTime();
      dhcp.host().publisher().publish(new DhcpStepEvent("52:54:00:aa:bb:01", BootStage.DHCP_DISCOVER, 0x1234L,
          null, null, null, null, "PXEClient:Arch:00000:UNDI:002001", 0, null, null, null, null, null), attempt);
      Await.until(DEADLINE, () -> catalog.timelines().status("52:54:00:aa:bb:01")
          .map(st -> attempt.equals(st.getString("lastBootAttempt"))).orElse(false),
          "catalog-service never put the DHCP_DISCOVER published by dhcp-service on the machine's timeline");
      assertTrue(catalog.endpoints().get(0).startsWith("REST API http://"), catalog.endpoints().toString());

      // The boot root holds the boot loaders found on this machine (copied, not linked).
      assertTrue(Files.isDirectory(dir.resolve("boot")));
      for (Bootloaders.Found f : Bootloaders.find(Optional.empty())) {
        if (f.present()) {
          Path copy = dir.resolve("boot").resolve(f.loader().file());
          assertTrue(Files.isRegularFile(copy) && !Files.isSymbolicLink(copy), copy + " not copied");
        }
      }
      assertTrue(lab.summary().stream().anyMatch(l -> l.startsWith("kafka: 127.0.0.1:")), lab.summary().toString());

      // The lab serves its boot root over TFTP and HTTP: fetch a boot loader both ways with curl.
      Path loader = dir.resolve("boot").resolve("pxelinux.0");
      if (Files.isRegularFile(loader)) {
        for (String url : List.of("tftp://127.0.0.1:" + tftp.tftpPort() + "/pxelinux.0",
            "http://127.0.0.1:" + tftp.httpPort() + "/pxelinux.0")) {
          Path out = dir.resolve("fetched");
          Process curl = new ProcessBuilder("curl", "-sS", "--fail", "--tftp-blksize", "1468", "-o", out.toString(), url)
              .redirectErrorStream(true).start();
          assertTrue(curl.waitFor(60, TimeUnit.SECONDS), url);
          assertEquals(0, curl.exitValue(), url + ": " + new String(curl.getInputStream().readAllBytes()));
          assertArrayEquals(Files.readAllBytes(loader), Files.readAllBytes(out), url);
        }
      }
    }
  }

  @Test
  void kafkaDataSurvivesALabRestart(@TempDir Path dir) throws Exception {
    String first;
    try (Lab lab = Lab.start(options(dir, DhcpConfig.Mode.PROXY, Optional.empty(), Optional.empty()))) {
      first = ((TftpApp) lab.service("tftp-service").orElseThrow()).replicaId();
      DhcpApp dhcp = (DhcpApp) lab.service("dhcp-service").orElseThrow();
      Await.until(DEADLINE, () -> dhcp.liveReplicas().stream().anyMatch(r -> r.replicaId().equals(first)),
          "first lab's replica never seen");
    }
    // The second lab reads the replicas topic from the beginning: the first replica's goodbye is there.
    try (Lab lab = Lab.start(options(dir, DhcpConfig.Mode.PROXY, Optional.empty(), Optional.empty()))) {
      DhcpApp dhcp = (DhcpApp) lab.service("dhcp-service").orElseThrow();
      Await.until(DEADLINE, () -> {
        JsonObject replicas = health(dhcp).getJsonObject("checks").getJsonObject("tftp-replicas");
        return replicas.getBoolean("caughtUp") && replicas.getInteger("known") >= 2;
      }, () -> "restarted lab did not find the first lab's replica in Kafka: " + health(dhcp).encode());
      assertFalse(dhcp.liveReplicas().stream().anyMatch(r -> r.replicaId().equals(first)),
          "a replica that said goodbye must not be live");
    }
  }

  @Test
  void serverModeWithoutInterfaceAndPoolIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Lab.start(options(dir, DhcpConfig.Mode.SERVER, Optional.empty(), Optional.empty())));
    assertTrue(e.getMessage().contains("dhcp.interface") && e.getMessage().contains("dhcp.pool"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("kafka")), "no broker may start for a refused configuration");
  }

  private JsonObject health(RunningService s) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.host().adminUrl() + "/health"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body()).put("httpStatus", r.statusCode());
    } catch (Exception e) {
      return new JsonObject().put("status", "UNREACHABLE").put("error", e.toString());
    }
  }

  private String metrics(RunningService s) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(s.host().adminUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
