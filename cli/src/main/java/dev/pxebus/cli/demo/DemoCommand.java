package dev.pxebus.cli.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pxebus demo}: the whole of pxebus in one command, in a network namespace of its own. It builds a small
 * Linux payload (Debian's kernel, a busybox initrd: {@link BootPayload}), starts {@code pxebus lab} (Kafka and the
 * four services) as a full DHCP server on a bridge inside the namespace, registers the payload with the {@code
 * pxebus} catalog commands, boots a diskless qemu VM from it (qemu's iPXE ROM: DHCP, the iPXE script rendered by
 * menu-service, kernel and initrd over HTTP from tftp-service), prints the machine's boot events live as {@code
 * pxebus events follow --mac} shows them, then its boot timeline from the catalog, and removes the namespace and
 * every process it started. Nothing touches the host's own interfaces: the bridge, the VM's tap and every address
 * are inside the namespace.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "Boots a diskless VM through pxebus in an isolated network namespace and shows its boot timeline live:",
        "Kafka and the four services, a demo Linux image registered in the catalog, a qemu VM that PXE-boots it,",
        "then everything is removed again. Needs root, qemu-system-x86, ipxe-qemu and apt access to Debian's",
        "archive on the first run (the kernel is cached in " + BootPayload.DEFAULT_CACHE + ").",
        "Never touches the host's network: every interface and address is inside the namespace."})
public final class DemoCommand implements Callable<Integer> {
  static final String MAC = "52:54:00:de:40:01";
  static final String IMAGE = "demo-linux";
  static final String PROFILE = "demo";
  private static final String BRIDGE = "br0";
  private static final String SERVER_IP = "10.213.99.1";
  private static final String POOL = "10.213.99.100-10.213.99.149";
  private static final String CATALOG = "http://127.0.0.1:8070";
  private static final Duration STEP = Duration.ofSeconds(10);
  private static final Duration LAB_START = Duration.ofMinutes(3);

  @Option(names = "--dir", defaultValue = "pxebus-demo",
      description = "working directory: the lab's data and logs, the VM's serial console (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--accel", defaultValue = "tcg",
      description = "qemu accelerator: tcg (software, works everywhere) or kvm (default: ${DEFAULT-VALUE})")
  String accel;

  @Option(names = "--boot-timeout", defaultValue = "300",
      description = "seconds the VM may take from power-on to its marker (default: ${DEFAULT-VALUE})")
  int bootTimeoutSeconds;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Optional<String> missing = missingPrerequisite();
    if (missing.isPresent()) {
      System.err.println("pxebus demo: " + missing.get());
      return 1;
    }
    if (!accel.equals("tcg") && !accel.equals("kvm")) {
      System.err.println("pxebus demo: --accel must be tcg or kvm, not '" + accel + "'");
      return 2;
    }
    Path work = dir.toAbsolutePath();
    Files.createDirectories(work);
    Path self = selfJar();
    long t0 = System.nanoTime();
    step("preparing the demo payload (Debian's kernel, a busybox initrd; the first run downloads ~70 MB)");
    BootPayload payload = BootPayload.prepare(BootPayload.cacheDir(), work);
    String nonce = nonce();

    try (DemoNamespace ns = DemoNamespace.create()) {
      Runtime.getRuntime().addShutdownHook(new Thread(ns::close, "demo-cleanup"));
      step("network namespace " + ns.name() + ": bridge " + BRIDGE + " " + SERVER_IP + "/24 and a tap for the VM"
          + " (the host's own interfaces are not touched)");
      ns.ip("link", "add", BRIDGE, "type", "bridge");
      ns.ip("addr", "add", SERVER_IP + "/24", "dev", BRIDGE);
      ns.ip("-6", "addr", "add", "fd5e:de40::1/64", "dev", BRIDGE, "nodad");
      ns.ip("link", "set", BRIDGE, "up");
      ns.ip("tuntap", "add", "tap0", "mode", "tap");
      ns.ip("link", "set", "tap0", "master", BRIDGE);
      ns.ip("link", "set", "tap0", "up");
      if (Files.isExecutable(Path.of("/usr/sbin/dnsmasq"))) {
        // iPXE waits ~15 s for an IPv6 router advertisement when none comes: a fact of the segment, not of pxebus.
        ns.start(work.resolve("ra.log"), "/usr/sbin/dnsmasq", "--keep-in-foreground", "--log-facility=-",
            "--conf-file=/dev/null", "--port=0", "--no-resolv", "--no-hosts", "--leasefile-ro", "--pid-file",
            "--bind-interfaces", "--interface=" + BRIDGE, "--enable-ra", "--dhcp-range=fd5e:de40::,ra-only");
      }

      step("starting pxebus lab (Kafka and the four services) as a DHCP server on " + BRIDGE);
      Path labLog = work.resolve("lab.log");
      Process lab = ns.start(labLog, "env", "PXEBUS_MENU_TIMEOUT=1s", java(), "-Xmx1g", "-jar", self.toString(), "lab",
          "--dir", work.resolve("lab").toString(), "--dhcp-mode", "server", "--interface", BRIDGE, "--pool", POOL,
          "--bind", SERVER_IP);
      if (!await(LAB_START, () -> !lab.isAlive() || read(labLog).contains("Ctrl-C stops it")) || !lab.isAlive()) {
        System.err.println("pxebus demo: the lab did not start; its log:\n" + tail(read(labLog), 4000));
        return 1;
      }
      String started = new String(Files.readAllBytes(labLog), StandardCharsets.UTF_8);
      int from = started.indexOf("pxebus lab is running");
      int to = started.indexOf('\n', started.indexOf("Ctrl-C stops it"));
      out.println(indent(started.substring(from, to < 0 ? started.length() : to)));

      step("registering the demo image, a profile and the VM's host entry with the pxebus catalog commands");
      Path files = Files.createDirectories(work.resolve("image"));
      Files.copy(payload.kernel(), files.resolve("vmlinuz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(payload.initrd(), files.resolve("initrd.img"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      String token = work.resolve("lab").resolve("catalog").resolve("token").toString();
      for (List<String> command : List.of(
          List.of("images", "import", files.toString(), "--id", IMAGE, "--arch", "x86_64", "--cmdline",
              "console=ttyS0 loglevel=5"),
          List.of("profiles", "add", PROFILE, "--image", IMAGE, "--cmdline", "pxebus.nonce=" + nonce, "--menu-label",
              "pxebus demo: boot Linux"),
          List.of("hosts", "add", MAC, "--hostname", "demo-vm", "--profile", PROFILE))) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", self.toString()));
        cmd.addAll(command);
        cmd.addAll(List.of("--catalog", CATALOG, "--token-file", token));
        out.println("  $ pxebus " + String.join(" ", command));
        DemoNamespace.Result r = ns.exec(Duration.ofMinutes(2), cmd.toArray(String[]::new));
        if (r.exitCode() != 0) {
          System.err.println("pxebus demo: pxebus " + String.join(" ", command) + " failed:\n" + r.output());
          return 1;
        }
      }

      step("following the VM's boot events live (pxebus events follow --mac " + MAC + ")");
      Path followErr = work.resolve("follow.err");
      ns.startInheritingOutput(followErr, java(), "-jar", self.toString(), "events", "follow", "--mac", MAC,
          "--bootstrap", "127.0.0.1:9092");
      if (!await(Duration.ofMinutes(1), () -> read(followErr).contains("pxebus: following"))) {
        System.err.println("pxebus demo: events follow did not start:\n" + read(followErr));
        return 1;
      }

      step("powering on a diskless VM (" + MAC + ", qemu " + accel + ", serial console in "
          + work.resolve("vm-serial.log") + ")");
      Path serial = work.resolve("vm-serial.log");
      Files.deleteIfExists(serial);
      Process vm = ns.start(work.resolve("qemu.log"), "qemu-system-x86_64", "-name", "pxebus-demo", "-machine", "q35",
          "-accel", accel, "-m", "512", "-nodefaults", "-display", "none", "-vga", "none", "-no-reboot",
          "-serial", "file:" + serial, "-boot", "n",
          "-netdev", "tap,id=net0,ifname=tap0,script=no,downscript=no",
          "-device", "virtio-net-pci,netdev=net0,mac=" + MAC + ",bootindex=1");
      long tVm = System.nanoTime();
      String marker = "PXEBUS-MARKER " + nonce;
      boolean booted = await(Duration.ofSeconds(bootTimeoutSeconds),
          () -> !vm.isAlive() || completeLines(serial).contains(marker));
      if (!completeLines(serial).contains(marker)) {
        System.err.println("pxebus demo: the VM did not reach its marker within " + bootTimeoutSeconds + " s"
            + (booted ? " (qemu exited: " + read(work.resolve("qemu.log")).strip() + ")" : "") + "; serial console:\n"
            + tail(completeLines(serial), 3000));
        return 1;
      }
      step("the VM booted Linux in " + ms(tVm) + " ms: its /init printed the nonce " + nonce
          + ", which only the kernel command line pxebus served could have told it");
      await(Duration.ofSeconds(60), () -> !vm.isAlive());

      step("the machine's boot timeline, from catalog-service (pxebus hosts timeline " + MAC + ")");
      DemoNamespace.Result timeline = DemoNamespace.Result.EMPTY;
      for (int i = 0; i < 30; i++) {
        timeline = ns.exec(Duration.ofMinutes(1), java(), "-jar", self.toString(), "hosts", "timeline", MAC,
            "--catalog", CATALOG);
        if (timeline.exitCode() == 0 && timeline.output().contains("initrd.img")) break;
        pause(Duration.ofSeconds(1));
      }
      out.println(indent(timeline.output().strip()));
      step("done in " + ms(t0) / 1000 + " s; removing the namespace and every process of the demo (logs stay in "
          + work + ")");
    }
    out.println("pxebus demo: cleaned up");
    return 0;
  }

  /** What the demo cannot do without, said plainly; empty when everything is there. */
  private static Optional<String> missingPrerequisite() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("needs root (it creates a network namespace, a bridge and a tap): run it with sudo");
    }
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("ip", "qemu-system-x86_64", "apt-get", "apt-cache", "dpkg-deb", "tar")) {
      if (!onPath(tool)) missing.add(tool);
    }
    if (!Files.isDirectory(Path.of("/usr/lib/ipxe/qemu"))) missing.add("/usr/lib/ipxe/qemu (package ipxe-qemu)");
    return missing.isEmpty() ? Optional.empty()
        : Optional.of("missing " + String.join(", ", missing)
            + " (Debian packages iproute2, qemu-system-x86, ipxe-qemu; bin/setup --test installs them)");
  }

  private static Path selfJar() throws URISyntaxException {
    Path p = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("pxebus demo runs from the packaged jar (bin/pxebus), not from " + p);
    }
    return p;
  }

  private void step(String what) {
    out.println("==> " + what);
    out.flush();
  }

  /** Polls {@code done} every 200 ms until it holds or {@code limit} passes; whether it held. */
  private static boolean await(Duration limit, BooleanSupplier done) {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (done.getAsBoolean()) return true;
      pause(Duration.ofMillis(200));
    }
    return done.getAsBoolean();
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The serial console up to its last complete line (the UART writes a character at a time). */
  static String completeLines(Path serial) {
    String text = read(serial);
    return text.substring(0, text.lastIndexOf('\n') + 1);
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String tail(String s, int chars) {
    return s.length() <= chars ? s : "…" + s.substring(s.length() - chars);
  }

  private static String indent(String text) {
    return text.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  private static String nonce() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static boolean onPath(String tool) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/sbin:/usr/bin:/sbin:/bin");
    return Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }
}
