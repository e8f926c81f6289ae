package dev.pxebus.dhcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.Topics;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.replica.TftpReplicaEvent;
import dev.pxebus.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import dev.pxebus.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lease changes and boot steps reach Kafka, and the boot path never waits for it: with the broker killed a client
 * still gets its lease, and the events of that exchange arrive once the broker is back. The broker runs as its own
 * process inside the server namespace (a real KRaft broker), next to dhcp-service.
 */
class DhcpEventsTest {
  private static final Duration T = Duration.ofSeconds(120);
  private static final String SERVER = "10.253.30.1";
  private static final int KAFKA_PORT = 19392;

  @TempDir Path dir;
  private Netns srv;
  private Netns cli;

  @AfterEach
  void cleanUp() {
    if (cli != null) cli.close();
    if (srv != null) srv.close();
  }

  private Process broker(Path log) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = srv.start(log, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-XX:+UseSerialGC", "-cp", cp, BrokerProcess.class.getName(), dir.resolve("kafka").toString(),
        Integer.toString(KAFKA_PORT));
    Await.until(T, () -> {
      if (!p.isAlive()) throw new AssertionError("broker exited:\n" + DhcpProcess.read(log));
      return DhcpProcess.read(log).contains("READY ");
    }, () -> "broker not ready:\n" + DhcpProcess.read(log));
    return p;
  }

  @Test
  void stepsAndLeasesArePublishedAndABrokerOutageStopsNoBoot() throws Exception {
    Netns.requireSupport();
    srv = Netns.create("esrv");
    cli = Netns.create("ecli");
    Netns.veth(srv, "es0", SERVER + "/24", cli, "ec0", null);
    Path brokerLog = dir.resolve("broker-1.log");
    Process kafka = broker(brokerLog);
    DhcpProcess dhcp = DhcpProcess.start(srv, dir.resolve("dhcp.log"), SERVER, 9171, Map.of(
        "kafka.bootstrap", "127.0.0.1:" + KAFKA_PORT,
        "dhcp.mode", "server",
        "dhcp.interface", "es0",
        "dhcp.pool", "10.253.30.100-10.253.30.150",
        "dhcp.journal-dir", dir.resolve("journal").toString()));
    Path script = dir.resolve("udhcpc.sh");
    Files.writeString(script, "#!/bin/sh\necho \"EVENT $1 ip=$ip siaddr=$siaddr boot_file=$boot_file\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

    String first = "52:54:00:aa:30:01";
    udhcpc(first, script, dhcp);
    Await.until(T, () -> stages(brokerLog, first).containsAll(
        List.of("DHCP_DISCOVER", "DHCP_OFFER", "DHCP_REQUEST", "DHCP_ACK")) && leased(brokerLog, first),
        () -> "events of " + first + " never arrived:\n" + DhcpProcess.read(brokerLog));
    assertEquals(1, attempts(brokerLog, first).size(), "one boot attempt id joins the four steps: "
        + attempts(brokerLog, first));

    // A tftp-service replica announces itself: PXE clients are now sent to it (next-server, HTTP base).
    TftpReplicaEvent replica = new TftpReplicaEvent("replica-77", "host-77", "10.253.30.77", 69,
        "http://10.253.30.77:8069", 0, 0, false, Instant.now());
    String json = new String(EventCodec.get().encode(Envelope.of("tftp-service", replica)), StandardCharsets.UTF_8)
        .replace('\n', ' ');
    publish(kafka, Topics.TFTP_REPLICAS.name(), "replica-77", json);
    Await.until(T, () -> DhcpProcess.read(brokerLog).contains("PUBLISHED " + Topics.TFTP_REPLICAS.name()),
        () -> "announcement not published:\n" + DhcpProcess.read(brokerLog));
    Await.until(T, () -> dhcp.health().contains("replica-77"), () -> "dhcp-service never saw the replica: "
        + dhcp.health());
    Netns.Result steered = udhcpcResult("52:54:00:aa:30:03", script);
    assertTrue(steered.output().contains("siaddr=10.253.30.77 boot_file=pxelinux.0"), steered.output());

    // A host in the catalog with a reserved address gets it.
    HostEvent host = new HostEvent("52:54:00:aa:30:60", "fixed-60", Map.of(), "10.253.30.60", null, false, 1,
        Instant.now());
    String hostJson = new String(EventCodec.get().encode(Envelope.of("catalog-service", host)), StandardCharsets.UTF_8)
        .replace('\n', ' ');
    publish(kafka, Topics.CATALOG_HOSTS.name(), "52:54:00:aa:30:60", hostJson);
    Await.until(T, () -> dhcp.health().replace(" ", "").contains("\"reservations\":1"), () -> "reservation not seen: " + dhcp.health());
    Netns.Result fixed = udhcpcResult("52:54:00:aa:30:60", script);
    assertTrue(fixed.output().contains("EVENT bound ip=10.253.30.60 "), fixed.output());

    // The broker dies; the next client is served all the same, and its events wait in the buffer.
    kafka.destroyForcibly().waitFor();
    String second = "52:54:00:aa:30:02";
    udhcpc(second, script, dhcp);
    Path brokerLog2 = dir.resolve("broker-2.log");
    broker(brokerLog2);
    Await.until(T, () -> stages(brokerLog2, second).contains("DHCP_ACK") && leased(brokerLog2, second),
        () -> "events buffered during the outage never arrived:\n" + DhcpProcess.read(brokerLog2) + "\ndhcp:\n"
            + dhcp.log());
    assertTrue(dhcp.process.isAlive());
  }

  private void udhcpc(String mac, Path script, DhcpProcess dhcp) {
    Netns.Result r = udhcpcResult(mac, script);
    assertTrue(r.output().contains("EVENT bound ip=10.253.30."), mac + ": " + r.output() + "\n" + dhcp.log());
  }

  /** Asks the broker process to produce a record (its standard input stays open for the next one). */
  private static void publish(Process broker, String topic, String key, String value) throws java.io.IOException {
    var w = broker.getOutputStream();
    w.write(("PUBLISH " + topic + " " + key + " " + value + "\n").getBytes(StandardCharsets.UTF_8));
    w.flush();
  }

  private Netns.Result udhcpcResult(String mac, Path script) {
    cli.exec(T, "ip", "link", "set", "ec0", "address", mac).assertOk();
    cli.exec(T, "ip", "link", "set", "ec0", "up").assertOk();
    return cli.exec(T, "busybox", "udhcpc", "-i", "ec0", "-f", "-q", "-n", "-t", "4", "-T", "2", "-s",
        script.toString(), "-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000");
  }

  private static List<String> records(Path log, String topic, String mac) {
    return DhcpProcess.read(log).lines().filter(l -> l.startsWith("RECORD " + topic + " " + mac + " ")).toList();
  }

  private static Set<String> stages(Path log, String mac) {
    Pattern p = Pattern.compile("\"stage\":\"(\\w+)\"");
    return records(log, "pxebus.boot.events", mac).stream().map(p::matcher).filter(Matcher::find)
        .map(m -> m.group(1)).collect(Collectors.toSet());
  }

  private static Set<String> attempts(Path log, String mac) {
    Pattern p = Pattern.compile("\"bootattempt\":\"([^\"]+)\"");
    return records(log, "pxebus.boot.events", mac).stream().map(p::matcher).filter(Matcher::find)
        .map(m -> m.group(1)).collect(Collectors.toSet());
  }

  private static boolean leased(Path log, String mac) {
    return records(log, "pxebus.dhcp.leases", mac).stream().anyMatch(l -> l.contains("\"BOUND\""));
  }
}
