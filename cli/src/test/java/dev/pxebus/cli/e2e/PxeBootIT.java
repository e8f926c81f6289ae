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
import static dev.pxebus.cli.e2e.BootReadback.requireTools;
import static dev.pxebus.cli.e2e.BootReadback.stage;
import static dev.pxebus.cli.e2e.BootReadback.stages;
import static dev.pxebus.cli.e2e.BootReadback.steps;
import static dev.pxebus.cli.e2e.BootReadback.tail;
import static dev.pxebus.cli.e2e.BootReadback.timeline;
import static dev.pxebus.cli.e2e.BootReadback.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.cli.demo.BootPayload;
import dev.pxebus.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A diskless qemu VM boots Linux through pxebus, end to end, with real firmware: SeaBIOS and qemu's iPXE NIC ROM do
 * PXE against dhcp-service (full DHCP server), load {@code pxelinux.0} over TFTP from tftp-service, pxelinux gets
 * its {@code pxelinux.cfg/01-<mac>} rendered by menu-service from the catalog, and loads the kernel and initrd
 * ({@code images/<image>/<file>}, blobs uploaded to catalog-service) over TFTP. The guest's {@code /init} prints
 * the {@code pxebus.nonce=} of its kernel command line; the nonce is random per run and set only in the catalog
 * profile, so seeing it proves the command line pxebus served. Then the boot is read back, from catalog-service's
 * {@code /hosts/{mac}/timeline} and from {@code pxebus.boot.events} on Kafka, step by step under one boot-attempt
 * id.
 *
 * <p>Everything runs in a network namespace this test creates ({@link NetnsLab}); it needs root, qemu, Debian's
 * pxelinux and syslinux-common, and apt access to Debian's archive on the first run ({@link BootPayload}). It
 * skips without them, except under {@code CI=true}, where it fails. KVM is used when a guest really boots under it
 * ({@link Vm#probe}), software emulation (TCG) otherwise. Everything the run leaves (serial console, lab log,
 * timeline, events, {@code report.txt}) is kept in {@code target/e2e/bios-pxelinux/}.
 */
class PxeBootIT {
  private static final Path JAR = Path.of("target", "pxebus.jar").toAbsolutePath();
  private static final Path WORK = Path.of("target", "e2e").toAbsolutePath();
  private static final String MAC = "52:54:00:e2:e0:01";
  private static final String PXELINUX_CFG = "pxelinux.cfg/01-52-54-00-e2-e0-01";
  private static final String RESERVED_IP = "10.213.9.120";
  private static final String IMAGE = "e2e-linux";
  private static final String PROFILE = "e2e-boot";
  private static final String IMAGE_CMDLINE = "console=ttyS0 loglevel=5";
  /** From VM start to the marker: ~20 s unloaded under TCG here, several times that on a loaded 2-core machine. */
  private static final Duration BOOT_TCG = Duration.ofSeconds(240);
  private static final Duration BOOT_KVM = Duration.ofSeconds(120);

  /**
   * tftp-service names a transfer's MAC from its lease index, fed by {@code pxebus.dhcp.leases}; a client that asks
   * for its first file before that lease record has reached tftp-service (here 0.3 s after the ACK, while the
   * lease arrived 0.8 to 1.3 s after it) had its transfer published under {@code 00:00:00:00:00:00}. tftp-service
   * now holds such an event (up to 3 s) until the lease arrives, so every transfer must be on the timeline; true
   * would tolerate unattributed transfers in the first seconds again.
   */
  private static final boolean UNATTRIBUTED_EARLY_TRANSFERS_TOLERATED = false;
  private static final Duration EARLY = Duration.ofSeconds(3);

  @Test
  void biosVmBootsLinuxThroughPxelinuxAndTheMenuRenderedFromTheCatalog() throws Exception {
    requireTools(JAR, List.of("/usr/lib/PXELINUX/pxelinux.0", "/usr/lib/syslinux/modules/bios/ldlinux.c32",
        "/usr/lib/syslinux/modules/bios/menu.c32", "/usr/lib/syslinux/modules/bios/libutil.c32"));
    long t0 = System.nanoTime();
    Path work = clean(WORK.resolve("bios-pxelinux"));
    List<String> report = new ArrayList<>();
    BootPayload payload = BootPayload.prepare(BootPayload.cacheDir(), work);
    report.add("payload: kernel " + payload.kernel() + " (" + Files.size(payload.kernel()) + " bytes), initrd "
        + Files.size(payload.initrd()) + " bytes, ready in " + ms(t0) + " ms");
    String nonce = nonce();

    try (NetnsLab lab = NetnsLab.create("bios", JAR)) {
      try {
        lab.addTap("tap0");
        boolean ra = lab.startRouterAdvertisements(work.resolve("ra.log"));
        report.add("IPv6 router advertisements on the segment: " + (ra ? "yes (dnsmasq, RA only)" : "no (no dnsmasq)"));
        // The KVM probe boots while the lab starts.
        CompletableFuture<Vm.Probe> probe = CompletableFuture.supplyAsync(() -> {
          try {
            return Vm.probe(lab.netns(), payload, work.resolve("kvm-probe"));
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        });
        long tLab = System.nanoTime();
        // The ROM is iPXE: without an empty ipxe-script dhcp-service would hand it boot.ipxe (path b), not pxelinux.0.
        lab.startLab(work.resolve("lab"), Map.of("PXEBUS_DHCP_BOOT_IPXE_SCRIPT", "", "PXEBUS_MENU_TIMEOUT", "1s"),
            "--dhcp-mode", "server", "--interface", NetnsLab.BRIDGE, "--pool", NetnsLab.POOL,
            "--bind", NetnsLab.SERVER_IP);
        report.add("pxebus lab up in " + ms(tLab) + " ms: catalog " + lab.catalogUrl() + ", kafka " + lab.kafka());

        long tReg = System.nanoTime();
        lab.registerPayload(payload, work, IMAGE, IMAGE_CMDLINE, PROFILE, nonce);
        lab.catalog("hosts", "add", MAC, "--hostname", "e2e-node-1", "--reserved-ip", RESERVED_IP, "--profile",
            PROFILE).assertOk();
        report.add("catalog: image, profile and host added with the pxebus command in " + ms(tReg) + " ms");
        Path eventsLog = work.resolve("events.jsonl");
        // Every MAC: a transfer tftp-service could not attribute is published under 00:00:00:00:00:00.
        lab.startPxebus(eventsLog, "events", "follow", "--json", "--from-beginning", "--bootstrap", lab.kafka());

        Vm.Probe accel = probe.get(60, TimeUnit.SECONDS);
        report.add("accelerator: " + accel.accel() + " (" + accel.reason() + ")");
        Vm vm = Vm.pxeBios(lab.netns(), accel.accel(), "tap0", MAC, work.resolve("vm"));
        String seen = vm.awaitMarker(accel.accel() == Vm.Accel.KVM ? BOOT_KVM : BOOT_TCG);
        report.add("VM start to marker: " + vm.uptime().toMillis() + " ms");
        assertEquals(nonce, seen, "the guest printed another nonce than this run's: not the served command line");
        // /init prints its command line after the marker: under emulation it may not be on the serial log yet.
        Await.until(Duration.ofSeconds(20), () -> vm.line("PXEBUS-CMDLINE ").isPresent(),
            () -> "the guest's PXEBUS-CMDLINE line after its marker:\n" + vm.tail(2000));
        String cmdline = vm.line("PXEBUS-CMDLINE ").orElse("");
        String served = "initrd=images/" + IMAGE + "/initrd.img " + IMAGE_CMDLINE + " pxebus.nonce=" + nonce;
        assertTrue(cmdline.contains(served),
            "pxelinux's APPEND: initrd, then the image's and the profile's parameters: " + cmdline);
        String serial = vm.serialText();
        assertTrue(serial.contains("Filename: pxelinux.0") && serial.contains("PXELINUX "),
            "iPXE loaded pxelinux:\n" + vm.tail(4000));
        assertTrue(serial.contains("Loading images/" + IMAGE + "/vmlinuz... ok"),
            "pxelinux loaded the kernel:\n" + vm.tail(4000));
        assertTrue(vm.awaitExit(Duration.ofSeconds(60)), "the guest powered off, so qemu exits");

        JsonNode attempt = timelineAttempt(lab, work, report);
        List<JsonNode> events = bootEvents(eventsLog);
        report.add("pxebus.boot.events: " + events.size() + " events, " + unattributed(events).size()
            + " of them TFTP events from " + RESERVED_IP + " under MAC 00:00:00:00:00:00");
        assertTimeline(attempt, unattributed(events), lab, payload, report);
        assertEvents(ofMac(events), attempt, report);
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

  // ---- the timeline -------------------------------------------------------------------------------------------

  /** The one boot attempt of {@link #MAC}, once it is complete (the initrd's transfer is its last step). */
  private static JsonNode timelineAttempt(NetnsLab lab, Path work, List<String> report) throws IOException {
    JsonNode timeline = timeline(lab, MAC, completed("images/" + IMAGE + "/initrd.img"), work);
    List<JsonNode> attempts = attempts(timeline);
    report.add("timeline of " + MAC + ": " + attempts.size() + " attempt(s)");
    assertEquals(1, attempts.size(), "one power-on, one DHCP exchange: one boot attempt\n" + timeline.toPrettyString());
    describeAttempt(attempts.get(0), report);
    return attempts.get(0);
  }

  /**
   * @param unattributed TFTP events from this VM's address that tftp-service published without its MAC; see
   *     {@link #UNATTRIBUTED_EARLY_TRANSFERS_TOLERATED}
   */
  private static void assertTimeline(JsonNode attempt, List<JsonNode> unattributed, NetnsLab lab,
      BootPayload payload, List<String> report) throws IOException {
    String id = attempt.path("bootAttemptId").asText();
    assertFalse(id.isEmpty() || id.equals("unknown"), "the attempt is named by dhcp-service's boot-attempt id: " + id);
    assertEquals("completed", attempt.path("outcome").asText());
    assertEquals(0, attempt.path("droppedSteps").asInt());
    List<JsonNode> steps = steps(attempt);

    // DHCP: the four steps of one exchange, in order, handing out the host's reservation and pxelinux.0.
    int discover = index(steps, stage("DHCP_DISCOVER"));
    int offer = index(steps, stage("DHCP_OFFER"));
    int request = index(steps, stage("DHCP_REQUEST"));
    int ack = index(steps, stage("DHCP_ACK"));
    assertTrue(discover < offer && offer < request && request < ack, "DHCP steps out of order: " + stages(steps));
    long xid = steps.get(discover).path("xid").asLong();
    for (int i : new int[] {offer, request, ack}) assertEquals(xid, steps.get(i).path("xid").asLong(), "one xid");
    assertTrue(steps.get(discover).path("vendorClass").asText().startsWith("PXEClient:Arch:00000"),
        "a BIOS PXE client: " + steps.get(discover));
    assertEquals(0, steps.get(discover).path("clientArch").asInt(-1));
    for (int i : new int[] {offer, ack}) {
      JsonNode s = steps.get(i);
      assertEquals(RESERVED_IP, s.path("yourIp").asText(), "the catalog host's reserved address: " + s);
      assertEquals("pxelinux.0", s.path("bootFile").asText(), s.toString());
      assertEquals(NetnsLab.SERVER_IP, s.path("nextServer").asText(), s.toString());
    }
    assertEquals(RESERVED_IP, steps.get(request).path("clientIp").asText());
    for (int i : new int[] {discover, offer, request, ack}) {
      assertFalse(steps.get(i).path("attemptInferred").asBoolean(), "dhcp-service names its attempt");
    }

    // TFTP: each file completed with its full size (and tsize as negotiated), in boot order.
    Path boot = lab.bootRoot();
    int menu = index(steps, stage("MENU_RENDERED"));
    JsonNode rendered = steps.get(menu);
    Map<String, Long> sizes = Map.of(
        "pxelinux.0", Files.size(boot.resolve("pxelinux.0")),
        "ldlinux.c32", Files.size(boot.resolve("ldlinux.c32")),
        PXELINUX_CFG, rendered.path("bytes").asLong(),
        "menu.c32", Files.size(boot.resolve("menu.c32")),
        "libutil.c32", Files.size(boot.resolve("libutil.c32")),
        "images/" + IMAGE + "/vmlinuz", Files.size(payload.kernel()),
        "images/" + IMAGE + "/initrd.img", Files.size(payload.initrd()));
    List<String> order = List.of("pxelinux.0", "ldlinux.c32", PXELINUX_CFG, "menu.c32", "libutil.c32",
        "images/" + IMAGE + "/vmlinuz", "images/" + IMAGE + "/initrd.img");
    int previous = ack;
    int inferred = 0;
    int tftpSteps = 0;
    Instant acked = Instant.parse(steps.get(ack).path("time").asText());
    for (String file : order) {
      Optional<Integer> started = find(steps, transfer("TFTP_STARTED", file));
      Optional<Integer> done = find(steps, transfer("TFTP_COMPLETED", file));
      JsonNode s;
      if (done.isPresent()) {
        assertTrue(done.get() > previous, file + " completed out of order: " + stages(steps));
        s = steps.get(done.get());
        previous = done.get();
      } else {
        s = stray(unattributed, "TFTP_COMPLETED", file, acked, steps, report);
      }
      if (started.isPresent()) {
        assertTrue(done.isEmpty() || started.get() < done.get(), file + " completed before it started");
      } else {
        stray(unattributed, "TFTP_STARTED", file, acked, steps, report);
      }
      assertEquals(sizes.get(file), s.path("bytes").asLong(), "bytes of " + file + ": " + s);
      assertEquals(Long.toString(sizes.get(file)), s.path("options").path("tsize").asText(), "tsize of " + file);
      assertEquals(RESERVED_IP, s.path("clientIp").asText(), s.toString());
    }
    for (JsonNode s : steps) {
      if (!s.path("stage").asText().startsWith("TFTP_")) continue;
      tftpSteps++;
      if (s.path("attemptInferred").asBoolean()) inferred++;
    }
    assertTrue(steps.stream().noneMatch(stage("TFTP_FAILED")), "no transfer failed: " + stages(steps));

    // The menu: rendered for this host's own profile, in this attempt, before pxelinux received it.
    assertEquals("PXELINUX", rendered.path("format").asText());
    assertEquals("/" + PXELINUX_CFG, rendered.path("path").asText());
    assertEquals("HOST", rendered.path("selectedBy").asText());
    assertEquals(PROFILE, rendered.path("profile").asText());
    assertFalse(rendered.path("attemptInferred").asBoolean(), "menu-service knows the attempt: " + rendered);
    assertTrue(ack < menu && menu < index(steps, completed(PXELINUX_CFG)), "menu rendered before it was sent");
    report.add("timeline: " + tftpSteps + " TFTP steps, " + inferred + " of them attemptInferred (tftp-service sends "
        + "boot attempt 'unknown'); MENU_RENDERED " + steps.stream().filter(stage("MENU_RENDERED")).count() + "x");
  }

  /** The unattributed event of a transfer missing from the timeline, if tolerated: early, from the VM's address. */
  private static JsonNode stray(List<JsonNode> unattributed, String stage, String file, Instant acked,
      List<JsonNode> steps, List<String> report) {
    JsonNode e = unattributed.stream().filter(u -> transfer(stage, file).test(u.path("data"))).findFirst()
        .orElseThrow(() -> new AssertionError(stage + " " + file + " is neither on the timeline nor on Kafka: "
            + stages(steps)));
    Duration after = Duration.between(acked, Instant.parse(e.path("time").asText()));
    String what = stage + " " + file + " (" + after.toMillis() + " ms after the DHCP ack) was published under MAC "
        + e.path("subject").asText() + ", not " + MAC + ": missing from the timeline";
    assertTrue(UNATTRIBUTED_EARLY_TRANSFERS_TOLERATED && after.compareTo(EARLY) < 0, what);
    report.add("KNOWN BUG (tolerated): " + what);
    return e.path("data");
  }

  // ---- Kafka --------------------------------------------------------------------------------------------------

  /** Every boot event, as {@code pxebus events follow --json} read it from the lab's broker, once the VM's are in. */
  private static List<JsonNode> bootEvents(Path log) {
    return events(log, MAC, completed("images/" + IMAGE + "/initrd.img"));
  }

  private static List<JsonNode> ofMac(List<JsonNode> events) {
    return BootReadback.ofMac(events, MAC);
  }

  /** TFTP events from the VM's address under the MAC tftp-service uses when it knows none. */
  private static List<JsonNode> unattributed(List<JsonNode> events) {
    return events.stream().filter(e -> "00:00:00:00:00:00".equals(e.path("subject").asText()))
        .filter(e -> e.path("data").path("stage").asText().startsWith("TFTP_"))
        .filter(e -> RESERVED_IP.equals(e.path("data").path("clientIp").asText())).toList();
  }

  private static void assertEvents(List<JsonNode> events, JsonNode attempt, List<String> report) {
    String id = attempt.path("bootAttemptId").asText();
    report.add("pxebus.boot.events for " + MAC + ": " + events.size() + " events");
    Set<String> ids = new LinkedHashSet<>();
    List<String> dhcp = new ArrayList<>();
    Map<String, Integer> attemptsByService = new TreeMap<>();
    for (JsonNode e : events) {
      JsonNode d = e.path("data");
      String stage = d.path("stage").asText();
      String bootAttempt = e.path("bootattempt").asText();
      assertEquals(MAC, e.path("subject").asText());
      ids.add(e.path("id").asText());
      attemptsByService.merge(e.path("source").asText() + " bootattempt=" + (bootAttempt.equals(id) ? "<attempt>"
          : bootAttempt), 1, Integer::sum);
      if (stage.startsWith("DHCP_")) {
        dhcp.add(stage);
        assertEquals(id, bootAttempt, "dhcp-service names the attempt: " + e);
      }
      if (stage.equals("MENU_RENDERED")) assertEquals(id, bootAttempt, "menu-service joins the attempt: " + e);
      if (stage.startsWith("TFTP_")) {
        assertTrue(bootAttempt.equals(id) || bootAttempt.equals("unknown"), "a TFTP event of another attempt: " + e);
      }
    }
    attemptsByService.forEach((k, n) -> report.add("  " + n + " from " + k));
    // In the order they happened (a retransmitted DISCOVER or REQUEST of the same transaction would repeat a stage).
    assertEquals(List.of("DHCP_DISCOVER", "DHCP_OFFER", "DHCP_REQUEST", "DHCP_ACK"), dhcp.stream().distinct().toList(),
        "DHCP events: " + dhcp);
    // The timeline is made of exactly these events: every step names its event.
    Set<String> stepIds = new LinkedHashSet<>();
    steps(attempt).forEach(s -> stepIds.add(s.path("id").asText()));
    assertEquals(ids, stepIds, "the attempt's steps and the MAC's events on Kafka are the same events");
    List<String> kafkaFiles = events.stream().map(e -> e.path("data")).filter(stage("TFTP_COMPLETED"))
        .map(d -> d.path("file").asText()).toList();
    List<String> timelineFiles = steps(attempt).stream().filter(stage("TFTP_COMPLETED"))
        .map(s -> s.path("file").asText()).toList();
    assertEquals(timelineFiles, kafkaFiles, "the same transfers in the same order");
  }
}
