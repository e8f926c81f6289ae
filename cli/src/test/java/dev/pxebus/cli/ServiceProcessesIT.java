package dev.pxebus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.kafka.KraftBroker;
import dev.pxebus.testing.Await;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every service as the real process an operator runs: its own shaded jar, configured through PXEBUS_*
 * environment variables, healthy against a real broker, stopped by SIGTERM with a clean shutdown; and
 * {@code pxebus lab} as a process. Records start-up time (launch → /health UP) and resident memory of each in
 * {@code target/startup-report.txt}. Runs after {@code package} (failsafe), since it needs the jars.
 */
class ServiceProcessesIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final List<String> REPORT = new CopyOnWriteArrayList<>();
  private static KraftBroker broker;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void broker(@TempDir Path dir) {
    broker = KraftBroker.builder(dir.resolve("kafka")).brokerPort(0).deleteOnClose(true).build().start();
    REPORT.add(String.format("%-16s %10s %10s  %s", "process", "start ms", "RSS MiB", "java " + Runtime.version()));
  }

  @AfterAll
  static void report() throws IOException {
    if (broker != null) broker.close();
    Path out = Path.of("target", "startup-report.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, REPORT);
    REPORT.forEach(System.out::println);
  }

  @Test
  void dhcpService(@TempDir Path dir) throws Exception {
    // In the root namespace a test must not run a DHCP server on any interface: dhcp.interface=none.
    runService("dhcp-service", Map.of("PXEBUS_DHCP_INTERFACE", "none", "PXEBUS_DHCP_JOURNAL_DIR",
        dir.resolve("leases").toString()), "answers NO DHCP packets");
  }

  @Test
  void tftpService(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("boot"));
    runService("tftp-service", Map.of("PXEBUS_TFTP_ROOT", dir.resolve("boot").toString(), "PXEBUS_TFTP_CACHE_DIR",
        dir.resolve("cache").toString(), "PXEBUS_TFTP_BIND_ADDRESS", "127.0.0.1", "PXEBUS_TFTP_PORT", "0",
        "PXEBUS_HTTP_PORT", "0"), "tftp-service: TFTP 127.0.0.1:");
  }

  @Test
  void catalogService(@TempDir Path dir) throws Exception {
    runService("catalog-service", Map.of("PXEBUS_CATALOG_DATA_DIR", dir.toString(), "PXEBUS_HTTP_HOST", "127.0.0.1",
        "PXEBUS_HTTP_PORT", "0"), "catalog-service API on http://127.0.0.1:");
    assertTrue(Files.isRegularFile(dir.resolve("token")), "the generated write token is kept in the data directory");
  }

  @Test
  void menuService(@TempDir Path dir) throws Exception {
    runService("menu-service", Map.of("PXEBUS_HTTP_HOST", "127.0.0.1", "PXEBUS_HTTP_PORT", "0",
        "PXEBUS_MENU_DATA_DIR", dir.resolve("menu").toString()),
        "menu-service: menus on http://127.0.0.1:");
  }

  @Test
  void aBadConfigurationStopsTheProcessWithAClearMessage() throws Exception {
    Process p = launch(List.of("-jar", jar("dhcp-service").toString()),
        Map.of("PXEBUS_DHCP_MODE", "server", "PXEBUS_KAFKA_BOOTSTRAP", broker.bootstrapServers()));
    Output out = Output.of(p);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dhcp-service did not exit on a bad configuration");
    assertEquals(2, p.exitValue());
    Await.until(Duration.ofSeconds(5), () -> out.text().contains("configuration error"), out::text);
    assertTrue(out.text().contains("dhcp.interface") && out.text().contains("dhcp.pool"), out.text());
  }

  @Test
  void labAsAProcess(@TempDir Path dir) throws Exception {
    long t0 = System.nanoTime();
    Process p = launch(List.of("-jar", ROOT.resolve("cli/target/pxebus.jar").toString(), "lab", "--dir",
        dir.toString(), "--free-ports", "--bind", "127.0.0.1", "--kafka-port", "0"), Map.of());
    Output out = Output.of(p);
    try {
      Await.until(DEADLINE, () -> out.text().contains("pxebus lab is running"), () -> "lab never ready:\n" + out.text());
      List<String> admins = new ArrayList<>();
      Matcher m = Pattern.compile("admin (http://127\\.0\\.0\\.1:\\d+)").matcher(out.text());
      while (m.find()) admins.add(m.group(1));
      assertEquals(4, admins.size(), out.text());
      for (String admin : admins) {
        Await.until(DEADLINE, () -> "UP".equals(health(admin).getString("status")), () -> admin + " " + health(admin));
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      REPORT.add(String.format("%-16s %10d %10d  %s", "pxebus lab", ms, rssMiB(p), "Kafka broker + 4 services"));
      stopAndCheck(p, out, "pxebus lab: stopping");
      assertTrue(out.text().contains("stopped in"), "the broker did not stop cleanly:\n" + out.text());
    } finally {
      p.destroyForcibly();
    }
  }

  /** @param marker a line the service must log: where it serves, or loudly what it does not serve yet */
  private void runService(String name, Map<String, String> env, String marker) throws Exception {
    int admin = freePort();
    Map<String, String> e = new HashMap<>(env);
    e.put("PXEBUS_KAFKA_BOOTSTRAP", broker.bootstrapServers());
    e.put("PXEBUS_ADMIN_PORT", Integer.toString(admin));
    e.put("PXEBUS_INSTANCE_ID", "it");
    long t0 = System.nanoTime();
    Process p = launch(List.of("-jar", jar(name).toString()), e);
    Output out = Output.of(p);
    try {
      String url = "http://127.0.0.1:" + admin;
      Await.until(DEADLINE, () -> "UP".equals(health(url).getString("status")),
          () -> name + " never UP: " + health(url) + "\n" + out.text());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      REPORT.add(String.format("%-16s %10d %10d", name, ms, rssMiB(p)));
      // The line may reach this test's reader a moment after /health says UP (another thread, another pipe).
      Await.until(Duration.ofSeconds(10), () -> out.text().contains(marker),
          () -> name + " did not log '" + marker + "':\n" + out.text());
      stopAndCheck(p, out, name + " stopped");
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * SIGTERM, then a clean exit: 143 = terminated by SIGTERM after the shutdown hooks ran. Through the
   * ProcessHandle: Process.destroy() would also close the pipe and lose the last lines of output.
   */
  private static void stopAndCheck(Process p, Output out, String marker) throws Exception {
    p.toHandle().destroy();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "no exit within 30 s of SIGTERM:\n" + out.text());
    assertEquals(143, p.exitValue(), out.text());
    Await.until(Duration.ofSeconds(5), () -> out.text().contains(marker), () -> "no '" + marker + "':\n" + out.text());
    assertTrue(!out.text().contains("did not stop cleanly"), out.text());
  }

  private static Path jar(String module) {
    Path jar = ROOT.resolve(module).resolve("target").resolve(module + ".jar");
    assertTrue(Files.isRegularFile(jar), jar + " missing: run through `mvn verify`");
    return jar;
  }

  private static Process launch(List<String> args, Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("PXEBUS_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  private static long rssMiB(Process p) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
    }
    return -1;
  }

  private JsonObject health(String base) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body());
    } catch (Exception e) {
      return new JsonObject().put("status", "UNREACHABLE").put("error", e.toString());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Collects a process's output on a daemon thread. */
  private static final class Output {
    private final StringBuffer text = new StringBuffer();

    static Output of(Process p) {
      Output o = new Output();
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) o.text.append(line).append('\n');
        } catch (IOException ignored) {
          // the process ended
        }
      }, "output-" + p.pid());
      t.setDaemon(true);
      t.start();
      return o;
    }

    String text() {
      return text.toString();
    }
  }
}
