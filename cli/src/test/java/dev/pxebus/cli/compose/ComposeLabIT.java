package dev.pxebus.cli.compose;

import static dev.pxebus.cli.compose.ComposeLab.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code docker-compose.yml} run for real: Debian's docker-compose 1.29 against podman inside a network namespace
 * this test creates ({@link ComposeLab}), with images built from local bases ({@code bin/local-images}). The stack
 * comes up with every healthcheck healthy, dhcp-service as a full DHCP server on the namespace's bridge; three
 * tftp-service replicas share a burst of transfers; each service in turn is stopped and started while the others
 * keep serving; {@code down -v} leaves no container, volume or network. Logs and {@code report.txt} are kept in
 * {@code target/compose/lab/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeLabIT {
  private static final Path WORK = Path.of("target", "compose", "lab").toAbsolutePath();
  private static final Path JAR = Path.of("target", "pxebus.jar").toAbsolutePath();
  private static final String PROJECT = "pxbit";
  private static final Duration BUILD = Duration.ofMinutes(10);
  private static final Duration UP = Duration.ofMinutes(5);
  private static final Duration HEALTHY = Duration.ofMinutes(4);
  private static final Duration PROBE = Duration.ofSeconds(30);
  private static final int BURST = 36;
  private static final String BURST_FILE = "ldlinux.c32";
  private static final Pattern LEASE = Pattern.compile("lease of (\\S+) obtained");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ComposeLab lab;
  private static Netns client;
  private static final List<String> report = new ArrayList<>();

  @BeforeAll
  static void up() throws Exception {
    ComposeLab.requireSupport();
    long t0 = System.nanoTime();
    try {
      lab = ComposeLab.start("cmp", PROJECT, WORK, null, Map.of(
          "PXEBUS_DHCP_MODE", "server", "PXEBUS_DHCP_INTERFACE", ComposeLab.BRIDGE,
          "PXEBUS_DHCP_POOL", ComposeLab.POOL));
      long tBuild = System.nanoTime();
      lab.compose(BUILD, "build").assertOk();
      lab.note("compose build: " + ms(tBuild) + " ms");
      long tUp = System.nanoTime();
      // up waits for Kafka's healthcheck itself (depends_on: service_healthy), then starts the four services.
      lab.compose(UP, "up", "-d").assertOk();
      lab.note("compose up -d: " + ms(tUp) + " ms");
      lab.awaitHealthy(HEALTHY, ComposeLab.SERVICES.size());
      // A DHCP client beside the stack: its own namespace, a veth into the bridge.
      client = Netns.create("cmc");
      Netns.veth(lab.netns(), "vc0", null, client, "c0", null);
      lab.inside(Duration.ofSeconds(10), "ip", "link", "set", "vc0", "master", ComposeLab.BRIDGE).assertOk();
      lab.note("stack up in " + ms(t0) + " ms (engine, images, build, up, healthy)");
    } catch (Throwable t) {
      down();
      throw t;
    }
  }

  @AfterAll
  static void down() throws IOException {
    try {
      if (client != null) client.close();
      if (lab != null) {
        if (!lab.work().resolve("final.log").toFile().exists()) {
          Files.writeString(lab.work().resolve("final.log"), lab.logs(400));
        }
        lab.close();
        report.addAll(0, lab.notes());
      }
    } finally {
      client = null;
      lab = null;
      if (Files.isDirectory(WORK)) Files.write(WORK.resolve("report.txt"), report);
      report.forEach(System.out::println);
    }
  }

  @Test
  @Order(1)
  void everyServiceIsHealthyAndReachesKafka() {
    Map<String, ComposeLab.Container> containers = lab.containers();
    assertEquals(new TreeSet<>(ComposeLab.SERVICES),
        new TreeSet<>(containers.values().stream().map(ComposeLab.Container::service).toList()), containers.toString());
    for (int port : new int[] {9070, 9071, 9067, 9069}) {
      // A container's healthcheck passes on 200 (UP or DEGRADED); the Kafka check is a periodic probe that can be
      // between two answers just then ("Timed out waiting for a node assignment" once in CI): wait for UP.
      JsonNode[] last = {null};
      Await.until(Duration.ofSeconds(60), () -> {
        last[0] = health(port);
        return "UP".equals(last[0].path("status").asText())
            && last[0].path("checks").path("kafka").path("reachable").asBoolean();
      }, () -> "admin port " + port + " UP and reaching Kafka: " + (last[0] == null ? "" : last[0].toPrettyString()));
    }
    JsonNode dhcp = health(9067).path("checks").path("dhcp");
    assertEquals("server", dhcp.path("mode").asText(), dhcp.toString());
    assertTrue(dhcp.path("interfaces").toString().contains(ComposeLab.BRIDGE + " " + ComposeLab.SERVER_IP),
        "dhcp-service serves the bridge: " + dhcp);
    assertTftp("pxelinux.0");
    assertCatalog();
    assertMenu();
    report.add("leased " + assertLease() + " to the client on " + ComposeLab.BRIDGE);
  }

  @Test
  @Order(2)
  void threeTftpReplicasShareABurstOfTransfers() throws Exception {
    long t0 = System.nanoTime();
    lab.compose(UP, "up", "-d", "--scale", "tftp-service=3").assertOk();
    lab.awaitHealthy(HEALTHY, ComposeLab.SERVICES.size() + 2);
    // "healthy" says little about a new replica: on the host network the admin port is shared (SO_REUSEPORT), so
    // its healthcheck may be answered by an older one. A replica announces itself on Kafka once it serves TFTP.
    JsonNode[] replicas = {null};
    Await.until(Duration.ofSeconds(90), () -> {
      replicas[0] = health(9067).path("checks").path("tftp-replicas");
      return replicas[0].path("live").size() == 3;
    }, () -> "dhcp-service sees three live tftp-service replicas: " + replicas[0]);
    report.add("scaled tftp-service to 3 replicas, all three announced, in " + ms(t0) + " ms: "
        + replicas[0].path("live"));
    // Each curl is a new client port: SO_REUSEPORT spreads the read requests over the three sockets on UDP 69.
    long tBurst = System.nanoTime();
    Netns.Result burst = lab.inside(Duration.ofSeconds(120), "bash", "-c",
        "for i in $(seq " + BURST + "); do curl -sS -o /dev/null -w '%{size_download}\\n' tftp://"
            + ComposeLab.SERVER_IP + "/" + BURST_FILE + " & done; wait").assertOk();
    List<String> sizes = burst.output().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(BURST, sizes.size(), burst.output());
    assertEquals(1, sizes.stream().distinct().count(), "every transfer got the whole file: " + sizes);
    assertTrue(Long.parseLong(sizes.get(0)) > 1000, sizes.get(0));
    report.add(BURST + " parallel transfers of " + BURST_FILE + " in " + ms(tBurst) + " ms");

    // Who served what: the replicas' own TFTP_COMPLETED events on Kafka, by replica id.
    Path events = lab.work().resolve("burst-events.jsonl");
    Process follow = lab.netns().start(events, java(), "-jar", JAR.toString(), "events", "follow", "--json",
        "--from-beginning", "--bootstrap", "127.0.0.1:9092");
    Map<String, Integer> byReplica = new TreeMap<>();
    try {
      Await.until(Duration.ofSeconds(60), () -> {
        byReplica.clear();
        byReplica.putAll(completedByReplica(events));
        return byReplica.values().stream().mapToInt(Integer::intValue).sum() >= BURST;
      }, () -> BURST + " TFTP_COMPLETED events for " + BURST_FILE + "; by replica " + byReplica);
    } finally {
      follow.destroy();
    }
    report.add("burst by replica (TFTP_COMPLETED events): " + byReplica);
    assertEquals(3, byReplica.size(), "every replica served part of the burst: " + byReplica);
  }

  @Test
  @Order(3)
  void eachServiceStopsAndStartsWhileTheOthersKeepServing() {
    int expected = lab.containers().size();
    for (String service : ComposeLab.SERVICES) {
      long t0 = System.nanoTime();
      lab.compose(Duration.ofSeconds(120), "stop", service).assertOk();
      long stopped = ms(t0);
      // What a booting machine needs from the others: a lease, boot files, a menu, the catalog.
      if (!service.equals("dhcp-service")) assertLease();
      if (!service.equals("tftp-service")) assertTftp("pxelinux.0");
      if (!service.equals("menu-service")) assertMenu();
      if (!service.equals("catalog-service")) assertCatalog();
      long t1 = System.nanoTime();
      lab.compose(Duration.ofSeconds(120), "start", service).assertOk();
      lab.awaitHealthy(HEALTHY, expected);
      // Back in service, and every service reaches Kafka again.
      for (int port : new int[] {9070, 9071, 9067, 9069}) {
        // UP: Kafka reached and, for menu-service, the catalog read to its end (it refuses menus until then).
        Await.until(Duration.ofSeconds(90), () -> {
          JsonNode h = health(port);
          return "UP".equals(h.path("status").asText()) && h.path("checks").path("kafka").path("reachable").asBoolean();
        }, () -> "admin port " + port + " UP and reaching Kafka again after " + service + " restarted: " + health(port));
      }
      assertLease();
      assertTftp("pxelinux.0");
      assertMenu();
      assertCatalog();
      report.add(service + ": stopped in " + stopped + " ms, others kept serving; started and healthy again in "
          + ms(t1) + " ms");
    }
  }

  @Test
  @Order(4)
  void downRemovesEveryContainerVolumeAndNetwork() {
    long t0 = System.nanoTime();
    lab.compose(Duration.ofSeconds(180), "down", "-v", "--timeout", "10").assertOk();
    report.add("down -v in " + ms(t0) + " ms");
    assertEquals(Map.of(), lab.containers(), "no container of the project is left");
    List<String> volumes = new ArrayList<>();
    lab.get("/volumes").path("Volumes").forEach(v -> volumes.add(v.path("Name").asText()));
    assertTrue(volumes.stream().noneMatch(v -> v.startsWith(PROJECT + "_")), "volumes left: " + volumes);
    List<String> networks = new ArrayList<>();
    lab.get("/networks").forEach(n -> networks.add(n.path("Name").asText()));
    assertTrue(networks.stream().noneMatch(n -> n.startsWith(PROJECT + "_")), "networks left: " + networks);
    List<String> all = new ArrayList<>();
    lab.get("/containers/json?all=true").forEach(c -> all.add(c.path("Names").toString()));
    assertEquals(List.of(), all, "no container at all is left on the engine");
  }

  // ---- probes -------------------------------------------------------------------------------------------------

  private static JsonNode health(int port) {
    Netns.Result r = lab.inside(PROBE, "curl", "-sS", "--max-time", "10", "http://127.0.0.1:" + port + "/health");
    try {
      return r.exitCode() == 0 ? JSON.readTree(r.output()) : JSON.createObjectNode().put("error", r.output());
    } catch (IOException e) {
      return JSON.createObjectNode().put("error", r.output());
    }
  }

  private static void assertTftp(String file) {
    Netns.Result r = lab.inside(PROBE, "curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w", "%{size_download}",
        "tftp://" + ComposeLab.SERVER_IP + "/" + file);
    assertTrue(r.exitCode() == 0 && Long.parseLong(r.output().strip()) > 1000, "TFTP " + file + ": " + r.output());
  }

  private static void assertMenu() {
    Netns.Result r = lab.inside(PROBE, "curl", "-fsS", "--max-time", "10",
        "http://127.0.0.1:8071/boot.ipxe?mac=52:54:00:c0:00:01");
    assertTrue(r.exitCode() == 0 && r.output().startsWith("#!ipxe"), "menu-service's iPXE menu: " + r.output());
  }

  private static void assertCatalog() {
    Netns.Result r = lab.inside(PROBE, "curl", "-fsS", "--max-time", "10", "http://127.0.0.1:8070/images");
    assertTrue(r.exitCode() == 0 && r.output().contains("\"items\""), "catalog-service's images: " + r.output());
  }

  /** A DHCP exchange from the client namespace (busybox udhcpc, no address configured): the leased address. */
  private static String assertLease() {
    Netns.Result r = client.exec(Duration.ofSeconds(40), "busybox", "udhcpc", "-i", "c0", "-f", "-q", "-n",
        "-t", "5", "-T", "2", "-s", "/bin/true");
    Matcher m = LEASE.matcher(r.output());
    assertTrue(m.find(), "a lease from dhcp-service: " + r.output());
    return m.group(1);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Map<String, Integer> completedByReplica(Path events) {
    Map<String, Integer> out = new TreeMap<>();
    try {
      if (!Files.exists(events)) return out;
      for (String line : Files.readAllLines(events, StandardCharsets.UTF_8)) {
        if (!line.startsWith("{")) continue;
        JsonNode d = JSON.readTree(line).path("data");
        if (d.path("stage").asText().equals("TFTP_COMPLETED") && d.path("file").asText().equals(BURST_FILE)) {
          out.merge(d.path("replicaId").asText(), 1, Integer::sum);
        }
      }
    } catch (IOException e) {
      // a line being written: read again next time
    }
    return out;
  }
}
