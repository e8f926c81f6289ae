package dev.pxebus.cli.e2e;

import dev.pxebus.cli.demo.BootPayload;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A diskless qemu VM inside a test's namespace, with its serial port in a file. What makes real firmware boot
 * here is in shared/research/pxe-clients.md: no {@code romfile=} on the NIC (qemu patches the PCI ids of its
 * default iPXE ROM only), SeaBIOS's serial console through {@code etc/sercon-port}, and KVM tried by booting,
 * since {@code /dev/kvm} can be present and still hang the guest kernel (nested virtualisation).
 */
final class Vm {
  static final String QEMU = "qemu-system-x86_64";
  /** {@code kvm} or {@code tcg} skips the probe. */
  static final String ACCEL_ENV = "PXEBUS_E2E_ACCEL";
  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(15);
  private static final Pattern ESCAPES = Pattern.compile("\u001B(\\[[0-9;?]*[A-Za-z]|[c78])");

  enum Accel { KVM, TCG }

  /** The accelerator to use and why. */
  record Probe(Accel accel, String reason) {}

  private final Process process;
  private final Path serial;
  private final Path output;
  private final long startedNanos = System.nanoTime();

  private Vm(Process process, Path serial, Path output) {
    this.process = process;
    this.serial = serial;
    this.output = output;
  }

  /**
   * KVM when a guest really boots under it: the payload's kernel and initrd loaded directly (no network), the
   * marker expected within 15 s (a working KVM needs 1 to 2); TCG otherwise.
   */
  static Probe probe(Netns ns, BootPayload payload, Path dir) throws IOException {
    String forced = System.getenv(ACCEL_ENV);
    if (forced != null && !forced.isBlank()) {
      return new Probe(Accel.valueOf(forced.strip().toUpperCase()), ACCEL_ENV + "=" + forced);
    }
    Path kvm = Path.of("/dev/kvm");
    if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) return new Probe(Accel.TCG, "no usable /dev/kvm");
    Files.createDirectories(dir);
    String nonce = "kvm-probe";
    List<String> cmd = base(Accel.KVM, dir.resolve("serial.log"));
    cmd.addAll(List.of("-kernel", payload.kernel().toString(), "-initrd", payload.initrd().toString(),
        "-append", "console=ttyS0 loglevel=5 pxebus.nonce=" + nonce));
    Vm vm = start(ns, cmd, dir);
    long t0 = System.nanoTime();
    try {
      Await.until(PROBE_DEADLINE, () -> vm.marker().isPresent() || !vm.process.isAlive(), "KVM probe");
    } catch (AssertionError timedOut) {
      return new Probe(Accel.TCG, "under KVM the guest showed no marker within " + PROBE_DEADLINE.toSeconds()
          + " s (serial: " + vm.tail(160) + ")");
    } finally {
      vm.kill();
    }
    if (vm.marker().filter(nonce::equals).isPresent()) {
      return new Probe(Accel.KVM, "guest booted under KVM in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
    return new Probe(Accel.TCG, "qemu under KVM exited without the marker: " + vm.outputText().strip());
  }

  private static Probe probed;

  /** {@link #probe} once per test JVM: its answer does not change between the tests of one run. */
  static synchronized Probe probeOnce(Netns ns, BootPayload payload, Path dir) throws IOException {
    if (probed == null) probed = probe(ns, payload, dir);
    return probed;
  }

  /** A BIOS machine (SeaBIOS + qemu's iPXE ROM) network-booting from the tap {@code tap} with {@code mac}. */
  static Vm pxeBios(Netns ns, Accel accel, String tap, String mac, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path sercon = dir.resolve("sercon-port.bin");
    // SeaBIOS prints on serial (and so lets iPXE and pxelinux print there) only with etc/sercon-port: 0x3f8.
    Files.write(sercon, new byte[] {(byte) 0xf8, 0x03});
    List<String> cmd = base(accel, dir.resolve("serial.log"));
    cmd.addAll(List.of("-boot", "n", "-fw_cfg", "name=etc/sercon-port,file=" + sercon,
        "-netdev", "tap,id=net0,ifname=" + tap + ",script=no,downscript=no",
        "-device", "virtio-net-pci,netdev=net0,mac=" + mac + ",bootindex=1"));
    return start(ns, cmd, dir);
  }

  static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
  static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

  /**
   * A UEFI machine (OVMF) network-booting from {@code tap}: with an empty {@code romfile=} on the NIC, OVMF's own
   * VirtioNetDxe driver and EDK2's PXE client ("Start PXE over IPv4"), a genuine non-iPXE client. The NIC's {@code
   * bootindex=1} makes it the first boot option; the variable store is a fresh copy per VM.
   */
  static Vm pxeUefi(Netns ns, Accel accel, String tap, String mac, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path vars = dir.resolve("OVMF_VARS.fd");
    Files.copy(OVMF_VARS, vars, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    List<String> cmd = base(accel, dir.resolve("serial.log"));
    cmd.addAll(List.of("-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
        "-drive", "if=pflash,format=raw,unit=1,file=" + vars,
        "-netdev", "tap,id=net0,ifname=" + tap + ",script=no,downscript=no",
        "-device", "virtio-net-pci,netdev=net0,mac=" + mac + ",romfile=,bootindex=1"));
    return start(ns, cmd, dir);
  }

  private static List<String> base(Accel accel, Path serial) {
    return new ArrayList<>(List.of(QEMU, "-name", "pxebus-e2e", "-machine", "q35", "-accel",
        accel.name().toLowerCase(), "-m", "512", "-nodefaults", "-display", "none", "-vga", "none", "-no-reboot",
        "-serial", "file:" + serial));
  }

  private static Vm start(Netns ns, List<String> cmd, Path dir) throws IOException {
    Path serial = dir.resolve("serial.log");
    Path output = dir.resolve("qemu.log");
    Files.deleteIfExists(serial);
    Files.writeString(dir.resolve("qemu.cmd"), String.join(" ", cmd) + "\n");
    return new Vm(ns.start(output, cmd.toArray(String[]::new)), serial, output);
  }

  /** The serial console so far, without terminal escapes and carriage returns. */
  String serialText() {
    try {
      if (!Files.exists(serial)) return "";
      String raw = new String(Files.readAllBytes(serial), StandardCharsets.ISO_8859_1);
      return ESCAPES.matcher(raw).replaceAll("").replace("\r", "");
    } catch (IOException e) {
      return "(cannot read " + serial + ": " + e + ")";
    }
  }

  /**
   * The rest of the first serial line holding {@code prefix}. Anywhere in the line: the kernel's early messages
   * share the console with /init, so the marker can follow "Probing EDD … o" on the same line.
   */
  Optional<String> line(String prefix) {
    // Complete lines only: under emulation the UART writes a character at a time, so the file can end mid-line
    // (a marker read as "e3" of "e3bec5f9…").
    String text = serialText();
    text = text.substring(0, text.lastIndexOf('\n') + 1);
    return text.lines().filter(l -> l.contains(prefix))
        .map(l -> l.substring(l.indexOf(prefix) + prefix.length()).strip()).findFirst();
  }

  /** The nonce the guest's /init printed. */
  Optional<String> marker() {
    return line("PXEBUS-MARKER ").map(String::strip);
  }

  /** Waits for the marker line; fails at once if qemu exits without it. */
  String awaitMarker(Duration deadline) {
    return Await.value(deadline, () -> {
      boolean alive = process.isAlive(); // before reading: a guest that printed the marker and exited is a success
      Optional<String> m = marker();
      if (m.isEmpty() && !alive) {
        throw new AssertionError("qemu exited (" + process.exitValue() + ") before the marker; qemu: "
            + outputText().strip() + "\nserial:\n" + tail(3000));
      }
      return m;
    }, () -> "the guest's marker on the serial console; serial so far:\n" + tail(3000));
  }

  /** The guest powers off after the marker: qemu exits by itself (-no-reboot). */
  boolean awaitExit(Duration deadline) throws InterruptedException {
    return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  Duration uptime() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  String tail(int chars) {
    String s = serialText();
    return s.length() <= chars ? s : "…" + s.substring(s.length() - chars);
  }

  String outputText() {
    try {
      return Files.exists(output) ? Files.readString(output, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Only this VM's qemu: the namespace kills it too when closed, this is for the probe. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
