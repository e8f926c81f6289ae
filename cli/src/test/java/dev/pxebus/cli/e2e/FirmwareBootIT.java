package dev.pxebus.cli.e2e;

import static dev.pxebus.cli.e2e.BootReadback.attempts;
import static dev.pxebus.cli.e2e.BootReadback.clean;
import static dev.pxebus.cli.e2e.BootReadback.completed;
import static dev.pxebus.cli.e2e.BootReadback.describeAttempt;
import static dev.pxebus.cli.e2e.BootReadback.events;
import static dev.pxebus.cli.e2e.BootReadback.find;
import static dev.pxebus.cli.e2e.BootReadback.index;
import static dev.pxebus.cli.e2e.BootReadback.ms;
import static dev.pxebus.cli.e2e.BootReadback.nonce;
import static dev.pxebus.cli.e2e.BootReadback.ofMac;
import static dev.pxebus.cli.e2e.BootReadback.served;
import static dev.pxebus.cli.e2e.BootReadback.stage;
import static dev.pxebus.cli.e2e.BootReadback.stages;
import static dev.pxebus.cli.e2e.BootReadback.steps;
import static dev.pxebus.cli.e2e.BootReadback.tail;
import static dev.pxebus.cli.e2e.BootReadback.timeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.cli.demo.BootPayload;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pxebus.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The boot paths beside BIOS pxelinux ({@link PxeBootIT}), each a diskless qemu VM reaching its marker through
 * pxebus with real firmware, each read back from the timeline and from Kafka:
 *
 * <ul>
 *   <li>BIOS iPXE, full DHCP: qemu's iPXE ROM gets {@code boot.ipxe} straight away (it already runs iPXE), the
 *       script rendered by menu-service, kernel and initrd over HTTP from tftp-service;
 *   <li>UEFI, full DHCP: OVMF's own EDK2 PXE client loads {@code ipxe.efi} over TFTP (with EDK2's size probe, an
 *       ERROR 8 after the OACK), that iPXE asks DHCP again, now as iPXE, and gets the script: the real plain-PXE →
 *       iPXE chain, without a loop, one boot attempt;
 *   <li>proxyDHCP beside a router's DHCP (dnsmasq handing out addresses only, no boot options): a BIOS machine
 *       booting pxelinux over TFTP, and a UEFI machine whose EDK2 client asks the boot server on port 4011, then
 *       chains iPXE as above.
 * </ul>
 *
 * <p>Needs what {@link PxeBootIT} needs, and Debian's ovmf and ipxe packages; output in {@code target/e2e/<test>/}.
 */
class FirmwareBootIT {
  private static final Path JAR = Path.of("target", "pxebus.jar").toAbsolutePath();
  private static final Path WORK = Path.of("target", "e2e").toAbsolutePath();
  private static final String IMAGE = "e2e-linux";
  private static final String PROFILE = "e2e-http";
  private static final String IMAGE_CMDLINE = "console=ttyS0 loglevel=5";
  private static final String KERNEL = "/images/" + IMAGE + "/vmlinuz";
  private static final String INITRD = "/images/" + IMAGE + "/initrd.img";
  private static final String ROUTER_RANGE = "10.213.9.50,10.213.9.99";
  private static final Duration BOOT_TCG = Duration.ofSeconds(300);
  private static final Duration BOOT_KVM = Duration.ofSeconds(120);
  private static final List<String> FILES = List.of("/usr/lib/PXELINUX/pxelinux.0",
      "/usr/lib/syslinux/modules/bios/ldlinux.c32", "/usr/lib/syslinux/modules/bios/menu.c32",
      "/usr/lib/syslinux/modules/bios/libutil.c32", "/usr/lib/ipxe/ipxe.efi", Vm.OVMF_CODE.toString(),
      Vm.OVMF_VARS.toString());

  /** One VM of a test: its firmware, MAC and tap, and the address it should get (null: the router's choice). */
  private record Machine(String name, Firmware firmware, String mac, String tap, String reservedIp) {}

  private enum Firmware { BIOS_IPXE_ROM, UEFI_EDK2 }

  @Test
  void fullDhcpServerBootsBiosIpxeAndUefiThroughIpxeOverHttp() throws Exception {
    Machine bios = new Machine("bios-ipxe", Firmware.BIOS_IPXE_ROM, "52:54:00:e2:e1:01", "tap0", "10.213.9.121");
    Machine uefi = new Machine("uefi-edk2", Firmware.UEFI_EDK2, "52:54:00:e2:e1:02", "tap1", "10.213.9.122");
    run("full-dhcp-http", false, List.of(bios, uefi), Map.of("PXEBUS_MENU_TIMEOUT", "1s"),
        "--dhcp-mode", "server", "--interface", NetnsLab.BRIDGE, "--pool", NetnsLab.POOL, "--bind", NetnsLab.SERVER_IP);
  }

  @Test
  void proxyDhcpBesideTheRoutersDhcpBootsBiosPxelinuxAndUefi() throws Exception {
    Machine bios = new Machine("proxy-bios", Firmware.BIOS_IPXE_ROM, "52:54:00:e2:e2:01", "tap0", null);
    Machine uefi = new Machine("proxy-uefi", Firmware.UEFI_EDK2, "52:54:00:e2:e2:02", "tap1", null);
    // The BIOS machine gets pxelinux.0 from the proxy (per host), so this path is PXE → pxelinux → TFTP.
    run("proxy-dhcp", true, List.of(bios, uefi),
        Map.of("PXEBUS_MENU_TIMEOUT", "1s", "PXEBUS_DHCP_BOOT_PER_HOST", bios.mac() + "=pxelinux.0"),
        "--dhcp-mode", "proxy", "--interface", NetnsLab.BRIDGE, "--bind", NetnsLab.SERVER_IP);
  }

  private void run(String name, boolean withRouter, List<Machine> machines, Map<String, String> env,
      String... labArgs) throws Exception {
    BootReadback.requireTools(JAR, FILES);
    long t0 = System.nanoTime();
    Path work = clean(WORK.resolve(name));
    List<String> report = new ArrayList<>();
    BootPayload payload = BootPayload.prepare(BootPayload.cacheDir(), work);
    String nonce = nonce();
    try (NetnsLab lab = NetnsLab.create(name.substring(0, Math.min(6, name.length())), JAR)) {
      try {
        for (Machine m : machines) lab.addTap(m.tap());
        lab.startRouterAdvertisements(work.resolve("ra.log"));
        if (withRouter) {
          lab.startRouterDhcp(work.resolve("router-dhcp.log"), ROUTER_RANGE);
          report.add("router: dnsmasq handing out " + ROUTER_RANGE + " (addresses only)");
        }
        Vm.Probe accel = Vm.probeOnce(lab.netns(), payload, work.resolve("kvm-probe"));
        report.add("accelerator: " + accel.accel() + " (" + accel.reason() + ")");
        long tLab = System.nanoTime();
        lab.startLab(work.resolve("lab"), env, labArgs);
        report.add("pxebus lab " + String.join(" ", labArgs) + " up in " + ms(tLab) + " ms");

        lab.registerPayload(payload, work, IMAGE, IMAGE_CMDLINE, PROFILE, nonce);
        for (Machine m : machines) {
          List<String> host = new ArrayList<>(List.of("hosts", "add", m.mac(), "--hostname", m.name(), "--profile",
              PROFILE));
          if (m.reservedIp() != null) host.addAll(List.of("--reserved-ip", m.reservedIp()));
          lab.catalog(host.toArray(String[]::new)).assertOk();
        }
        Path eventsLog = work.resolve("events.jsonl");
        lab.startPxebus(eventsLog, "events", "follow", "--json", "--from-beginning", "--bootstrap", lab.kafka());

        for (Machine m : machines) {
          long tVm = System.nanoTime();
          // `pxebus events follow --mac` from now on, as an operator watching this one machine boot would.
          Path live = work.resolve("follow-" + m.name() + ".jsonl");
          lab.startPxebus(live, "events", "follow", "--mac", m.mac(), "--json", "--bootstrap", lab.kafka());
          Await.until(Duration.ofSeconds(60), () -> BootReadback.read(live).contains("pxebus: following"),
              "events follow to start");
          Vm vm = m.firmware() == Firmware.UEFI_EDK2
              ? Vm.pxeUefi(lab.netns(), accel.accel(), m.tap(), m.mac(), work.resolve(m.name()))
              : Vm.pxeBios(lab.netns(), accel.accel(), m.tap(), m.mac(), work.resolve(m.name()));
          String seen = vm.awaitMarker(accel.accel() == Vm.Accel.KVM ? BOOT_KVM : BOOT_TCG);
          report.add(m.name() + ": VM start to marker " + vm.uptime().toMillis() + " ms");
          assertEquals(nonce, seen, m.name() + ": the guest printed another nonce: not the served command line");
          assertTrue(vm.awaitExit(Duration.ofSeconds(60)), m.name() + ": the guest powered off, so qemu exits");
          checkBoot(lab, m, payload, eventsLog, live, work, report, withRouter);
          report.add(m.name() + ": boot and read-back in " + ms(tVm) + " ms");
        }
        report.add("whole test: " + ms(t0) + " ms");
      } catch (Throwable t) {
        report.add("FAILED: " + t);
        report.add("lab log (tail):\n" + tail(lab.labLogText(), 6000));
        throw t;
      } finally {
        Files.write(work.resolve("report.txt"), report);
        report.forEach(System.out::println);
      }
    }
  }

  /** The machine's one boot attempt, step by step, and the same events on Kafka. */
  private static void checkBoot(NetnsLab lab, Machine m, BootPayload payload, Path eventsLog, Path live, Path work,
      List<String> report, boolean proxy) throws IOException {
    boolean pxelinux = proxy && m.firmware() == Firmware.BIOS_IPXE_ROM;
    Predicate<JsonNode> last = pxelinux ? completed("images/" + IMAGE + "/initrd.img") : served(INITRD);
    JsonNode timeline = timeline(lab, m.mac(), last, work);
    List<JsonNode> attempts = attempts(timeline);
    report.add(m.name() + ": timeline of " + m.mac() + ", " + attempts.size() + " attempt(s)");
    for (JsonNode a : attempts) describeAttempt(a, report);
    assertEquals(1, attempts.size(), m.name() + ": one power-on, one boot attempt (a chain of DHCP exchanges "
        + "joins it)\n" + timeline.toPrettyString());
    JsonNode attempt = attempts.get(0);
    assertEquals("completed", attempt.path("outcome").asText());
    assertEquals(0, attempt.path("droppedSteps").asInt());
    List<JsonNode> steps = steps(attempt);
    String id = attempt.path("bootAttemptId").asText();
    assertFalse(id.isEmpty() || id.equals("unknown"), "named by dhcp-service: " + id);

    // DHCP: the firmware's exchange, and for UEFI iPXE's own (option 77 iPXE) joining the same attempt.
    String arch = m.firmware() == Firmware.UEFI_EDK2 ? "PXEClient:Arch:00007" : "PXEClient:Arch:00000";
    JsonNode discover = steps.get(index(steps, stage("DHCP_DISCOVER")));
    assertTrue(discover.path("vendorClass").asText().startsWith(arch), m.name() + ": " + discover);
    String offered = proxy ? "PROXY_ACK" : "DHCP_ACK";
    if (proxy && m.firmware() == Firmware.BIOS_IPXE_ROM) {
      // iPXE's ROM takes the boot file from the proxy's offer when it needs no boot server menu.
      offered = find(steps, stage("PROXY_ACK")).isPresent() ? "PROXY_ACK" : "PROXY_OFFER";
    }
    List<JsonNode> bootAnswers = steps.stream().filter(stage(offered)).filter(s -> s.has("bootFile")).toList();
    assertFalse(bootAnswers.isEmpty(), m.name() + ": a " + offered + " with a boot file: " + stages(steps));
    String firstBoot = bootAnswers.get(0).path("bootFile").asText();
    if (!proxy) {
      assertEquals(m.reservedIp(), bootAnswers.get(0).path("yourIp").asText(), "the host's reservation");
    }
    switch (m.firmware()) {
      case BIOS_IPXE_ROM -> assertTrue(pxelinux ? firstBoot.equals("pxelinux.0")
          : firstBoot.startsWith("http://" + NetnsLab.SERVER_IP + ":") && firstBoot.endsWith("/boot.ipxe"),
          m.name() + ": the first boot file: " + firstBoot);
      case UEFI_EDK2 -> {
        assertEquals("ipxe.efi", firstBoot, m.name() + ": EDK2 gets the EFI iPXE");
        JsonNode efi = steps.stream().filter(completed("ipxe.efi")).reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no ipxe.efi transfer: " + stages(steps)));
        assertEquals(Files.size(Path.of("/usr/lib/ipxe/ipxe.efi")), efi.path("bytes").asLong(), efi.toString());
        JsonNode second = bootAnswers.get(bootAnswers.size() - 1);
        assertTrue(bootAnswers.size() >= 2 && second.path("bootFile").asText().endsWith("/boot.ipxe"),
            m.name() + ": iPXE, asking again, gets its script, not iPXE once more: " + stages(steps));
      }
    }
    assertTrue(steps.stream().noneMatch(stage("TFTP_FAILED").or(stage("HTTP_FAILED"))),
        m.name() + ": nothing failed: " + stages(steps));

    // The menu, rendered for this host's profile, and the kernel and initrd in full.
    JsonNode menu = steps.get(index(steps, stage("MENU_RENDERED")));
    assertEquals(pxelinux ? "PXELINUX" : "IPXE", menu.path("format").asText(), menu.toString());
    assertEquals("HOST", menu.path("selectedBy").asText(), menu.toString());
    assertEquals(PROFILE, menu.path("profile").asText(), menu.toString());
    int kernel;
    int initrd;
    if (pxelinux) {
      kernel = index(steps, completed("images/" + IMAGE + "/vmlinuz"));
      initrd = index(steps, completed("images/" + IMAGE + "/initrd.img"));
    } else {
      int script = index(steps, served("/boot.ipxe"));
      assertTrue(index(steps, stage("MENU_RENDERED")) <= script + 1, "the script is the rendered menu");
      kernel = index(steps, served(KERNEL));
      initrd = index(steps, served(INITRD));
    }
    assertEquals(Files.size(payload.kernel()), steps.get(kernel).path("bytes").asLong(), steps.get(kernel).toString());
    assertEquals(Files.size(payload.initrd()), steps.get(initrd).path("bytes").asLong(), steps.get(initrd).toString());
    assertTrue(kernel < initrd, "kernel, then initrd: " + stages(steps));

    // Kafka: this MAC's events are exactly the attempt's steps.
    List<JsonNode> events = ofMac(events(eventsLog, m.mac(), last), m.mac());
    Set<String> eventIds = new LinkedHashSet<>();
    for (JsonNode e : events) {
      eventIds.add(e.path("id").asText());
      String stage = e.path("data").path("stage").asText();
      if (stage.startsWith("DHCP_") || stage.startsWith("PROXY_") || stage.equals("MENU_RENDERED")) {
        assertEquals(id, e.path("bootattempt").asText(), "named or joined the attempt: " + e);
      }
    }
    Set<String> stepIds = new LinkedHashSet<>();
    steps.forEach(s -> stepIds.add(s.path("id").asText()));
    assertEquals(eventIds, stepIds, m.name() + ": the attempt's steps and the MAC's events on Kafka are the same");
    report.add(m.name() + ": " + events.size() + " events on Kafka, all on the timeline");
    // The same, live: what `pxebus events follow --mac` printed while the machine booted.
    Set<String> followed = new LinkedHashSet<>();
    for (JsonNode e : events(live, m.mac(), last)) followed.add(e.path("id").asText());
    assertEquals(stepIds, followed, m.name() + ": `pxebus events follow --mac " + m.mac() + "` showed the same steps");
    report.add(m.name() + ": `pxebus events follow --mac` showed the same " + followed.size() + " events live");
  }
}
