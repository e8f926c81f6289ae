package dev.pxebus.tftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.testing.Await;
import dev.pxebus.testing.Netns;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * tftp-service as a process in a server namespace, real clients in a client namespace joined by a veth pair:
 * random packet loss (nftables, this kernel has no netem) and two replicas sharing UDP 69. No Kafka is reachable
 * inside the namespaces, which also shows the boot path does not wait for it. The loss, replica and window cases run
 * twice: with a port per transfer (the default) and with {@code tftp.single-port}, every transfer on port 69.
 */
class TftpNetworkTest {
  private static final Duration T = Duration.ofSeconds(120);
  private static final String SERVER = "10.252.0.1";

  @TempDir Path dir;
  private Netns srv;
  private Netns cli;
  private Path root;

  @BeforeEach
  void network() throws Exception {
    Netns.requireSupport();
    srv = Netns.create("tsrv");
    cli = Netns.create("tcli");
    Netns.veth(srv, "ts0", SERVER + "/24", cli, "tc0", "10.252.0.2/24");
    root = Files.createDirectories(dir.resolve("boot"));
    Cmd.randomFile(root.resolve("quarter.bin"), 256 * 1024, 11);
    Cmd.randomFile(root.resolve("load.bin"), 2 * 1024 * 1024, 12);
  }

  @AfterEach
  void cleanUp() {
    if (cli != null) cli.close();
    if (srv != null) srv.close();
  }

  /** Starts tftp-service inside the server namespace, from this test's own classpath; waits for /health. */
  private Process replica(String name, int adminPort, boolean singlePort) throws Exception {
    return replica(name, adminPort, mode(singlePort, Map.of()));
  }

  private static Map<String, String> mode(boolean singlePort, Map<String, String> extra) {
    Map<String, String> all = new java.util.LinkedHashMap<>(extra);
    all.put("PXEBUS_TFTP_SINGLE_PORT", Boolean.toString(singlePort));
    return all;
  }

  private Process replica(String name, int adminPort, Map<String, String> extra) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path log = dir.resolve(name + ".log");
    Map<String, String> env = Map.of(
        "PXEBUS_KAFKA_BOOTSTRAP", "127.0.0.1:1",
        "PXEBUS_ADMIN_PORT", Integer.toString(adminPort),
        "PXEBUS_INSTANCE_ID", name,
        "PXEBUS_TFTP_ROOT", root.toString(),
        "PXEBUS_TFTP_BIND_ADDRESS", SERVER,
        "PXEBUS_TFTP_CACHE_DIR", dir.resolve(name + "-cache").toString(),
        "PXEBUS_HTTP_PORT", "8069",
        "PXEBUS_TFTP_MENU_URL", "",
        "PXEBUS_TFTP_CATALOG_URL", "");
    List<String> cmd = new ArrayList<>(List.of("env"));
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    extra.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
        "-Xmx256m", "-cp", cp, "dev.pxebus.tftp.Main"));
    Process p = srv.start(log, cmd.toArray(String[]::new));
    Await.until(Duration.ofSeconds(60), () -> {
      if (!p.isAlive()) throw new AssertionError(name + " exited:\n" + read(log));
      return srv.exec(Duration.ofSeconds(5), "curl", "-sf", "http://" + SERVER + ":" + adminPort + "/health")
          .output().contains("\"UP\"") || srv.exec(Duration.ofSeconds(5), "curl", "-s",
          "http://" + SERVER + ":" + adminPort + "/health").output().contains("DEGRADED");
    }, () -> name + " never healthy:\n" + read(log));
    return p;
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (Exception e) {
      return e.toString();
    }
  }

  /**
   * Drops {@code percent} % of the UDP packets arriving in each namespace, so both directions lose. Input hooks
   * only: a packet dropped on output makes the sender's sendto() fail with EPERM, which real loss never does.
   */
  private void loss(int percent) {
    Duration t = Duration.ofSeconds(10);
    for (Netns ns : List.of(srv, cli)) {
      ns.exec(t, "nft", "add", "table", "inet", "loss").assertOk();
      ns.exec(t, "nft", "add", "chain", "inet", "loss", "input",
          "{ type filter hook input priority 0; policy accept; }").assertOk();
      ns.exec(t, "nft", "add", "rule", "inet", "loss", "input", "meta", "l4proto", "udp", "numgen", "random", "mod",
          "100", "<", Integer.toString(percent), "counter", "drop").assertOk();
    }
  }

  private long dropped() {
    long n = 0;
    for (Netns ns : List.of(srv, cli)) {
      Matcher m = Pattern.compile("packets (\\d+)").matcher(ns.exec(Duration.ofSeconds(10), "nft", "list", "table",
          "inet", "loss").output());
      while (m.find()) n += Long.parseLong(m.group(1));
    }
    return n;
  }

  @ParameterizedTest(name = "single port: {0}")
  @ValueSource(booleans = {false, true})
  void transfersCompleteIntactUnderFivePercentLoss(boolean singlePort) throws Exception {
    replica("lossy", 9169, singlePort);
    loss(5);
    String expected = Cmd.sha256(root.resolve("quarter.bin"));
    List<String> failures = new ArrayList<>();
    record Client(String name, Path out, String... command) {}
    for (int i = 0; i < 5; i++) {
      Path hpa = dir.resolve("out.hpa" + i);
      Path atftp = dir.resolve("out.atftp" + i);
      Path curl = dir.resolve("out.curl" + i);
      for (Client c : List.of(
          new Client("tftp-hpa", hpa, "tftp", "-m", "binary", SERVER, "-c", "get", "quarter.bin", hpa.toString()),
          new Client("atftp", atftp, "atftp", "--get", "-r", "quarter.bin", "-l", atftp.toString(), "--option",
              "blksize 1468", "--option", "windowsize 8", SERVER),
          new Client("curl", curl, "curl", "-sS", "--fail", "--tftp-blksize", "1468", "-o", curl.toString(),
              "tftp://" + SERVER + "/quarter.bin"))) {
        Netns.Result r = cli.exec(T, c.command());
        if (r.exitCode() != 0) failures.add(c.name() + " #" + i + ": exit " + r.exitCode() + " " + r.output());
        else if (!expected.equals(Cmd.sha256(c.out()))) failures.add(c.name() + " #" + i + ": sha256 differs");
      }
    }
    assertEquals(List.of(), failures);
    assertTrue(dropped() > 0, "the nftables rule dropped nothing: the test did not test loss");
  }

  @ParameterizedTest(name = "single port: {0}")
  @ValueSource(booleans = {false, true})
  void twoReplicasShareThePortAndABurstLandsOnBoth(boolean singlePort) throws Exception {
    // With a single port each transfer stays with one replica too: the kernel picks a reuse-port socket by the
    // packet's addresses and ports, the same for a client's request and all its ACKs.
    replica("replica-a", 9171, singlePort);
    replica("replica-b", 9172, singlePort);
    String expected = Cmd.sha256(root.resolve("load.bin"));
    List<Process> burst = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      burst.add(cli.start(null, "curl", "-sS", "--fail", "--tftp-blksize", "1468", "--max-time", "100", "-o",
          dir.resolve("burst." + i).toString(), "tftp://" + SERVER + "/load.bin"));
    }
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < burst.size(); i++) {
      Process p = burst.get(i);
      if (!p.waitFor(T.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        failures.add("#" + i + " failed: " + new String(p.getInputStream().readAllBytes()));
      } else if (!expected.equals(Cmd.sha256(dir.resolve("burst." + i)))) {
        failures.add("#" + i + " sha256 differs");
      }
    }
    assertEquals(List.of(), failures);
    long a = completed(9171);
    long b = completed(9172);
    assertEquals(40, a + b, "every transfer is counted by exactly one replica");
    assertTrue(a > 0 && b > 0, "both replicas must take part: " + a + " and " + b);
  }

  /**
   * Windows leave as UDP GSO sends, cut by the kernel into ordinary datagrams; with blocks larger than the veth's MTU
   * (an operator's raised tftp.max-blksize: IP fragments) the kernel refuses a segmented send, and the transfer goes
   * on one datagram per block. Both arrive intact at atftp.
   */
  @ParameterizedTest(name = "single port: {0}")
  @ValueSource(booleans = {false, true})
  void windowsLeaveAsSegmentedSendsAndBlocksAboveTheMtuFallBackToOneDatagramEach(boolean singlePort)
      throws Exception {
    replica("windows", 9173, mode(singlePort, Map.of("PXEBUS_TFTP_MAX_BLKSIZE", "4096",
        "PXEBUS_TFTP_MAX_WINDOWSIZE", "16")));
    String expected = Cmd.sha256(root.resolve("load.bin"));
    Path fits = dir.resolve("out.fits");
    cli.exec(T, "atftp", "--get", "-r", "load.bin", "-l", fits.toString(), "--option", "blksize 1468", "--option",
        "windowsize 16", SERVER).assertOk();
    assertEquals(expected, Cmd.sha256(fits));
    assertTrue(counter(9173, "pxebus_tftp_segmented_sends_total", "sent") > 0, "windows of 1468-byte blocks: GSO");
    assertEquals(0, counter(9173, "pxebus_tftp_segmented_sends_total", "refused"));
    Path above = dir.resolve("out.above");
    cli.exec(T, "atftp", "--get", "-r", "load.bin", "-l", above.toString(), "--option", "blksize 4096", "--option",
        "windowsize 8", SERVER).assertOk();
    assertEquals(expected, Cmd.sha256(above));
    assertEquals(1, counter(9173, "pxebus_tftp_segmented_sends_total", "refused"),
        "refused once, then that transfer sends one datagram per block");
    assertEquals(2, completed(9173));
  }

  private long completed(int adminPort) {
    return counter(adminPort, "pxebus_tftp_transfers_total", "completed");
  }

  /** A counter with {@code outcome="…"} from a replica's /metrics, 0 when absent. */
  private long counter(int adminPort, String name, String outcome) {
    String metrics = srv.exec(Duration.ofSeconds(10), "curl", "-s", "http://" + SERVER + ":" + adminPort + "/metrics")
        .output();
    Matcher m = Pattern.compile(Pattern.quote(name) + "\\{[^}]*outcome=\"" + Pattern.quote(outcome)
        + "\"[^}]*} ([0-9.E]+)").matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  static String pathSeparator() {
    return File.pathSeparator;
  }
}
