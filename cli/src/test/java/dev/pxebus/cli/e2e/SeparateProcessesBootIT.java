package dev.pxebus.cli.e2e;

import static dev.pxebus.cli.e2e.BootReadback.attempts;
import static dev.pxebus.cli.e2e.BootReadback.clean;
import static dev.pxebus.cli.e2e.BootReadback.completed;
import static dev.pxebus.cli.e2e.BootReadback.describeAttempt;
import static dev.pxebus.cli.e2e.BootReadback.index;
import static dev.pxebus.cli.e2e.BootReadback.ms;
import static dev.pxebus.cli.e2e.BootReadback.nonce;
import static dev.pxebus.cli.e2e.BootReadback.stage;
import static dev.pxebus.cli.e2e.BootReadback.stages;
import static dev.pxebus.cli.e2e.BootReadback.steps;
import static dev.pxebus.cli.e2e.BootReadback.tail;
import static dev.pxebus.cli.e2e.BootReadback.timeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.cli.demo.BootPayload;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The BIOS pxelinux boot of {@link PxeBootIT} with pxebus deployed as separate processes, each service its own
 * jar and JVM as an operator runs them (Kafka too, as a process of its own), and two tftp-service replicas on two
 * addresses of the segment. dhcp-service steers each machine to a live replica; the first VM boots from one, that
 * replica is then stopped (it says goodbye on {@code pxebus.tftp.replicas}), and the second VM is steered to the
 * other and boots from it. Each boot is read back from the catalog's timeline: every transfer from the replica its
 * DHCP answer named.
 */
class SeparateProcessesBootIT {
  private static final Path JAR = Path.of("target", "pxebus.jar").toAbsolutePath();
  private static final Path WORK = Path.of("target", "e2e").toAbsolutePath();
  private static final String IMAGE = "e2e-linux";
  private static final String PROFILE = "e2e-procs";
  private static final String SECOND_IP = "10.213.9.2";
  private static final Duration BOOT_TCG = Duration.ofSeconds(300);
  private static final Duration BOOT_KVM = Duration.ofSeconds(120);

  private record Replica(String name, String address, int adminPort) {}

  @Test
  void servicesAsSeparateProcessesWithTwoTftpReplicasBootTwoMachinesOneFromEachReplica() throws Exception {
    BootReadback.requireTools(JAR, List.of("/usr/lib/PXELINUX/pxelinux.0",
        "/usr/lib/syslinux/modules/bios/ldlinux.c32", "/usr/lib/syslinux/modules/bios/menu.c32",
        "/usr/lib/syslinux/modules/bios/libutil.c32"));
    long t0 = System.nanoTime();
    Path work = clean(WORK.resolve("separate-processes"));
    List<String> report = new ArrayList<>();
    BootPayload payload = BootPayload.prepare(BootPayload.cacheDir(), work);
    String nonce = nonce();
    List<Replica> replicas = List.of(new Replica("tftp-a", NetnsLab.SERVER_IP, 9069),
        new Replica("tftp-b", SECOND_IP, 9169));
    try (NetnsLab lab = NetnsLab.create("procs", JAR)) {
      try {
        lab.addTap("tap0");
        lab.addTap("tap1");
        lab.addServerAddress(SECOND_IP + "/24");
        lab.startRouterAdvertisements(work.resolve("ra.log"));
        Vm.Probe accel = Vm.probeOnce(lab.netns(), payload, work.resolve("kvm-probe"));
        report.add("accelerator: " + accel.accel() + " (" + accel.reason() + ")");

        long tStart = System.nanoTime();
        Path dir = work.resolve("procs");
        lab.startKafkaProcess(dir);
        lab.startService("catalog-service", "catalog-service", 9070, Map.of(
            "PXEBUS_CATALOG_DATA_DIR", dir.resolve("catalog").toString(),
            "PXEBUS_HTTP_HOST", "127.0.0.1", "PXEBUS_HTTP_PORT", "8070"));
        lab.startService("menu-service", "menu-service", 9071, Map.of(
            "PXEBUS_MENU_DATA_DIR", dir.resolve("menu").toString(),
            "PXEBUS_HTTP_HOST", "127.0.0.1", "PXEBUS_HTTP_PORT", "8071", "PXEBUS_MENU_TIMEOUT", "1s"));
        for (Replica r : replicas) {
          lab.startService(r.name(), "tftp-service", r.adminPort(), Map.of(
              "PXEBUS_TFTP_ROOT", lab.bootRoot().toString(),
              "PXEBUS_TFTP_CACHE_DIR", dir.resolve("cache-" + r.name()).toString(),
              "PXEBUS_TFTP_BIND_ADDRESS", r.address(), "PXEBUS_HTTP_PORT", "8069",
              "PXEBUS_TFTP_MENU_URL", NetnsLab.MENU_URL_LOCAL, "PXEBUS_TFTP_CATALOG_URL", NetnsLab.CATALOG_URL_LOCAL));
        }
        // The iPXE ROM gets pxelinux.0 like any PXE client (the path of PxeBootIT), not boot.ipxe.
        lab.startService("dhcp-service", "dhcp-service", 9067, Map.of(
            "PXEBUS_DHCP_MODE", "server", "PXEBUS_DHCP_INTERFACE", NetnsLab.BRIDGE, "PXEBUS_DHCP_POOL", NetnsLab.POOL,
            "PXEBUS_DHCP_JOURNAL_DIR", dir.resolve("dhcp").toString(), "PXEBUS_DHCP_BOOT_IPXE_SCRIPT", ""));
        // All started at once, as a host's service manager would: none waits for another to start.
        lab.awaitServices("catalog-service", "menu-service", "tftp-a", "tftp-b", "dhcp-service");
        report.add("Kafka, catalog-service, menu-service, tftp-service x2 (" + NetnsLab.SERVER_IP + ", " + SECOND_IP
            + "), dhcp-service: 6 processes up in " + ms(tStart) + " ms");

        lab.registerPayload(payload, work, IMAGE, "console=ttyS0 loglevel=5", PROFILE, nonce);
        List<String> macs = List.of("52:54:00:e2:e3:01", "52:54:00:e2:e3:02");
        for (String mac : macs) lab.catalog("hosts", "add", mac, "--profile", PROFILE).assertOk();

        Replica first = boot(lab, accel, "tap0", macs.get(0), replicas, payload, work, report, nonce);
        lab.stopService(first.name());
        report.add(first.name() + " stopped (SIGTERM): it says goodbye on pxebus.tftp.replicas");
        Replica second = boot(lab, accel, "tap1", macs.get(1), replicas, payload, work, report, nonce);
        assertNotEquals(first, second, "the second machine is steered to the replica still running");
        report.add("whole test: " + ms(t0) + " ms");
      } catch (Throwable t) {
        report.add("FAILED: " + t);
        for (String name : List.of("dhcp-service", "tftp-a", "tftp-b", "menu-service")) {
          report.add(name + " log (tail):\n" + tail(lab.serviceLog(name), 3000));
        }
        throw t;
      } finally {
        Files.write(work.resolve("report.txt"), report);
        report.forEach(System.out::println);
      }
    }
  }

  /** Boots one VM to its marker and checks its attempt; returns the replica that served it. */
  private static Replica boot(NetnsLab lab, Vm.Probe accel, String tap, String mac, List<Replica> replicas,
      BootPayload payload, Path work, List<String> report, String nonce) throws Exception {
    String name = "vm-" + mac.substring(mac.length() - 2);
    Vm vm = Vm.pxeBios(lab.netns(), accel.accel(), tap, mac, work.resolve(name));
    String seen = vm.awaitMarker(accel.accel() == Vm.Accel.KVM ? BOOT_KVM : BOOT_TCG);
    report.add(name + " (" + mac + "): VM start to marker " + vm.uptime().toMillis() + " ms");
    assertEquals(nonce, seen, "the served command line");
    assertTrue(vm.awaitExit(Duration.ofSeconds(60)), "the guest powered off");

    String initrd = "images/" + IMAGE + "/initrd.img";
    JsonNode timeline = timeline(lab, mac, completed(initrd), work);
    List<JsonNode> attempts = attempts(timeline);
    for (JsonNode a : attempts) describeAttempt(a, report);
    assertEquals(1, attempts.size(), "one boot attempt\n" + timeline.toPrettyString());
    List<JsonNode> steps = steps(attempts.get(0));
    assertEquals("completed", attempts.get(0).path("outcome").asText());
    JsonNode ack = steps.get(index(steps, stage("DHCP_ACK")));
    String nextServer = ack.path("nextServer").asText();
    Replica served = replicas.stream().filter(r -> r.address().equals(nextServer)).findFirst()
        .orElseThrow(() -> new AssertionError("next server " + nextServer + " is no replica: " + ack));
    report.add(name + ": steered to " + served.name() + " (" + nextServer + ")");
    List<String> order = List.of("pxelinux.0", "ldlinux.c32", "pxelinux.cfg/01-" + mac.replace(':', '-'),
        "menu.c32", "libutil.c32", "images/" + IMAGE + "/vmlinuz", initrd);
    int previous = index(steps, stage("DHCP_ACK"));
    for (String file : order) {
      int done = index(steps, completed(file));
      assertTrue(done > previous, file + " out of order: " + stages(steps));
      previous = done;
    }
    assertEquals(Files.size(payload.kernel()),
        steps.get(index(steps, completed("images/" + IMAGE + "/vmlinuz"))).path("bytes").asLong());
    assertEquals(Files.size(payload.initrd()), steps.get(index(steps, completed(initrd))).path("bytes").asLong());
    for (JsonNode s : steps) {
      if (!s.path("stage").asText().startsWith("TFTP_")) continue;
      assertTrue(s.path("replicaId").asText().startsWith(served.name() + "-"),
          "every transfer from the replica DHCP named (" + served.name() + "): " + s);
    }
    assertTrue(steps.stream().noneMatch(stage("TFTP_FAILED")), "no transfer failed: " + stages(steps));
    JsonNode menu = steps.get(index(steps, stage("MENU_RENDERED")));
    assertEquals("HOST", menu.path("selectedBy").asText());
    assertEquals(PROFILE, menu.path("profile").asText());
    return served;
  }
}
