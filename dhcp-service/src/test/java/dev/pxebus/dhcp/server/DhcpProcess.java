package dev.pxebus.dhcp.server;

import dev.pxebus.testing.Await;
import dev.pxebus.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * dhcp-service as a real process inside a test's server namespace, from the test's own classpath; waits for
 * {@code /health}. Kafka is unreachable on purpose unless given: serving must not depend on it.
 */
final class DhcpProcess {
  final Netns ns;
  final Path log;
  final String adminHost;
  final int adminPort;
  final Process process;

  private DhcpProcess(Netns ns, Path log, String adminHost, int adminPort, Process process) {
    this.ns = ns;
    this.log = log;
    this.adminHost = adminHost;
    this.adminPort = adminPort;
    this.process = process;
  }

  static DhcpProcess start(Netns ns, Path log, String adminHost, int adminPort, Map<String, String> settings)
      throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PXEBUS_KAFKA_BOOTSTRAP", "127.0.0.1:1");
    env.put("PXEBUS_ADMIN_HOST", adminHost);
    env.put("PXEBUS_ADMIN_PORT", Integer.toString(adminPort));
    env.put("PXEBUS_INSTANCE_ID", "dhcp-test");
    settings.forEach((k, v) -> env.put("PXEBUS_" + k.toUpperCase().replace('.', '_').replace('-', '_'), v));
    List<String> cmd = new ArrayList<>(List.of("env"));
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp, "dev.pxebus.dhcp.Main"));
    Process p = ns.start(log, cmd.toArray(String[]::new));
    DhcpProcess d = new DhcpProcess(ns, log, adminHost, adminPort, p);
    Await.until(Duration.ofSeconds(90), () -> {
      if (!p.isAlive()) throw new AssertionError("dhcp-service exited " + p.exitValue() + ":\n" + read(log));
      String h = d.health();
      return h.contains("\"UP\"") || h.contains("DEGRADED");
    }, () -> "dhcp-service never healthy:\n" + read(log));
    return d;
  }

  String health() {
    return ns.exec(Duration.ofSeconds(5), "curl", "-s", "http://" + adminHost + ":" + adminPort + "/health").output();
  }

  String metrics() {
    return ns.exec(Duration.ofSeconds(10), "curl", "-s", "http://" + adminHost + ":" + adminPort + "/metrics").output();
  }

  String log() {
    return read(log);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor();
  }

  static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (Exception e) {
      return e.toString();
    }
  }
}
