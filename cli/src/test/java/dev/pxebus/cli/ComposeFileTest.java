package dev.pxebus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml, validated by Debian's docker-compose 1.29 without a Docker engine ({@code config -q}).
 * There is no engine on the CI machines, so the file is never run here; under CI=true a missing docker-compose is
 * a failure, not a skip.
 */
class ComposeFileTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path FILE = ROOT.resolve("docker-compose.yml");

  private record Result(int code, String out) {}

  private static Result compose(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("docker-compose", "-f", FILE.toString()));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(ROOT.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PXEBUS_") || k.equals("DOCKER_HOST"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker-compose hung");
    return new Result(p.exitValue(), out);
  }

  private static void requireCompose() {
    boolean present = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, "docker-compose")));
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("docker-compose is not installed; bin/setup --test installs it");
    }
    assumeTrue(present, "docker-compose not installed (bin/setup --test installs it)");
  }

  @Test
  void validatesAndDefinesKafkaAndTheFourServices() throws Exception {
    requireCompose();
    Result valid = compose("config", "-q");
    assertEquals(0, valid.code(), valid.out());
    Result services = compose("config", "--services");
    assertEquals(List.of("catalog-service", "dhcp-service", "kafka", "menu-service", "tftp-service"),
        services.out().lines().map(String::trim).filter(l -> !l.isEmpty()).sorted().toList(), services.out());
    Result volumes = compose("config", "--volumes");
    assertEquals(List.of("boot-root", "catalog-data", "dhcp-leases", "kafka-data", "menu-data"),
        volumes.out().lines().map(String::trim).filter(l -> !l.isEmpty()).sorted().toList(), volumes.out());
  }

  @Test
  void resolvedFileKeepsTheBootPathOnTheHostNetworkAndEveryServiceChecked() throws Exception {
    requireCompose();
    Result resolved = compose("config");
    assertEquals(0, resolved.code(), resolved.out());
    String yaml = resolved.out();
    for (String hostNet : List.of("dhcp-service", "tftp-service")) {
      String block = serviceBlock(yaml, hostNet);
      assertTrue(block.contains("network_mode: host"), hostNet + " must use the host network:\n" + block);
    }
    assertTrue(serviceBlock(yaml, "dhcp-service").contains("PXEBUS_DHCP_MODE: proxy"),
        "dhcp-service must default to proxyDHCP (never hands out addresses)");
    assertTrue(serviceBlock(yaml, "kafka").contains("healthcheck:"), "kafka needs a healthcheck");
    for (String svc : List.of("catalog-service", "menu-service", "dhcp-service", "tftp-service")) {
      Path dockerfile = ROOT.resolve(svc).resolve("Dockerfile");
      String df = Files.readString(dockerfile);
      assertTrue(df.contains("HEALTHCHECK"), dockerfile + " needs a HEALTHCHECK");
      assertTrue(df.contains("ARG RUNTIME_IMAGE") && df.contains("ARG BUILD_IMAGE"), dockerfile + " base images as args");
      assertTrue(serviceBlock(yaml, svc).contains("condition: service_healthy"), svc + " must wait for a healthy Kafka");
    }
    assertTrue(Files.readString(ROOT.resolve("tftp-service/Dockerfile")).contains("pxelinux syslinux-common ipxe"),
        "the tftp-service image carries Debian's boot loaders");
    // --scale tftp-service=N needs no fixed container name or published port on the replicas.
    String tftp = serviceBlock(yaml, "tftp-service");
    assertTrue(!tftp.contains("container_name") && !tftp.contains("ports:"), tftp);
  }

  @Test
  void anUnknownOptionIsRejected() throws Exception {
    requireCompose();
    Path broken = Files.createTempFile("compose-", ".yml");
    try {
      Files.writeString(broken, Files.readString(FILE).replace("    network_mode: host\n    cap_add: [NET_BIND_SERVICE]",
          "    network_modez: host\n    cap_add: [NET_BIND_SERVICE]"));
      ProcessBuilder pb = new ProcessBuilder("docker-compose", "-f", broken.toString(), "config", "-q")
          .redirectErrorStream(true).directory(ROOT.toFile());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(1, p.exitValue(), "the validation must be able to fail: " + out);
      assertTrue(out.contains("network_modez"), out);
    } finally {
      Files.deleteIfExists(broken);
    }
  }

  /** The lines of one service in the resolved file (two-space indented under services:). */
  private static String serviceBlock(String yaml, String service) {
    List<String> lines = yaml.lines().toList();
    StringBuilder b = new StringBuilder();
    boolean in = false;
    for (String l : lines) {
      if (l.equals("  " + service + ":")) {
        in = true;
        continue;
      }
      if (in && l.length() > 2 && l.charAt(2) != ' ') break;
      if (in && !l.startsWith("  ")) break;
      if (in) b.append(l).append('\n');
    }
    assertTrue(b.length() > 0, "no service " + service + " in:\n" + yaml);
    return b.toString();
  }
}
