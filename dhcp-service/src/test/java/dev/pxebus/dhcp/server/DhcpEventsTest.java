package dev.pxebus.dhcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.testing.Await;
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
    Files.writeString(script, "#!/bin/sh\necho \"EVENT $1 ip=$ip boot_file=$boot_file\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

    String first = "52:54:00:aa:30:01";
    udhcpc(first, script, dhcp);
    Await.until(T, () -> stages(brokerLog, first).containsAll(
        List.of("DHCP_DISCOVER", "DHCP_OFFER", "DHCP_REQUEST", "DHCP_ACK")) && leased(brokerLog, first),
        () -> "events of " + first + " never arrived:\n" + DhcpProcess.read(brokerLog));
    assertEquals(1, attempts(brokerLog, first).size(), "one boot attempt id joins the four steps: "
        + attempts(brokerLog, first));

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
    cli.exec(T, "ip", "link", "set", "ec0", "address", mac).assertOk();
    cli.exec(T, "ip", "link", "set", "ec0", "up").assertOk();
    Netns.Result r = cli.exec(T, "busybox", "udhcpc", "-i", "ec0", "-f", "-q", "-n", "-t", "4", "-T", "2", "-s",
        script.toString(), "-V", "PXEClient:Arch:00000:UNDI:002001");
    assertTrue(r.output().contains("EVENT bound ip=10.253.30."), mac + ": " + r.output() + "\n" + dhcp.log());
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
