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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A boot segment for VMs, and {@code pxebus lab} serving it, inside one network namespace the test creates: a
 * bridge {@value #BRIDGE} holding the server address, taps for the VMs, and the lab as a real process (the packaged
 * {@code pxebus.jar}) with its default ports, which are free in a fresh namespace (DHCP 67, TFTP 69). The {@code
 * pxebus} command runs in the namespace too, since the lab's catalog and Kafka listen on its loopback. Closing
 * kills every process started here and deletes the namespace; the namespace's shutdown hook does it if the test
 * never gets there.
 */
final class NetnsLab implements AutoCloseable {
  static final String BRIDGE = "br0";
  static final String SERVER_IP = "10.213.9.1";
  static final String POOL = "10.213.9.100-10.213.9.149";
  static final String ROUTER_IP = "10.213.9.254";
  private static final String IPV6_PREFIX = "fd5e:e2e::";
  private static final Duration CMD = Duration.ofSeconds(10);
  private static final Duration LAB_START = Duration.ofSeconds(120);
  private static final Duration CLI = Duration.ofSeconds(90);
  private static final Pattern CATALOG_URL = Pattern.compile("catalog-service: REST API (http://\\S+)");
  private static final Pattern KAFKA = Pattern.compile("kafka: (\\S+)");

  private final Netns ns;
  private final Path jar;
  private Path labDir;
  private Path labLog;
  private Process lab;
  private Netns router;
  private final Map<String, Process> processes = new java.util.LinkedHashMap<>();
  private final Map<String, Integer> admins = new java.util.HashMap<>();
  private String catalogUrl;
  private String kafka;

  private NetnsLab(Netns ns, Path jar) {
    this.ns = ns;
    this.jar = jar;
  }

  /**
   * The namespace with the bridge up and carrying the server's addresses. The bridge has no carrier until the VM's
   * tap opens (NO-CARRIER): dhcp-service must start on it all the same, as on any link whose cable comes later.
   */
  static NetnsLab create(String label, Path jar) {
    Netns ns = Netns.create(label);
    try {
      NetnsLab lab = new NetnsLab(ns, jar);
      lab.ip("link", "add", BRIDGE, "type", "bridge");
      lab.ip("addr", "add", SERVER_IP + "/24", "dev", BRIDGE);
      lab.ip("-6", "addr", "add", IPV6_PREFIX + "1/64", "dev", BRIDGE, "nodad");
      lab.ip("link", "set", BRIDGE, "up");
      return lab;
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  Netns netns() {
    return ns;
  }

  /** A tap for one VM, a port of the bridge. */
  void addTap(String tap) {
    ip("tuntap", "add", tap, "mode", "tap");
    ip("link", "set", tap, "master", BRIDGE);
    ip("link", "set", tap, "up");
  }

  /**
   * IPv6 router advertisements on the segment (dnsmasq with RA only: no DNS, no DHCPv4, no DHCPv6). Without any,
   * qemu's iPXE waits about 15 s in "Configuring (net0 …)" for one (measured here: DHCP ack to the first TFTP
   * request 17 s without, under 1 s with). Not part of pxebus: a fact of the segment.
   *
   * @return false when dnsmasq is not installed (the boot then only takes longer)
   */
  boolean startRouterAdvertisements(Path log) throws IOException {
    if (!Files.isExecutable(Path.of("/usr/sbin/dnsmasq"))) return false;
    ns.start(log, "/usr/sbin/dnsmasq", "--keep-in-foreground", "--log-facility=-", "--conf-file=/dev/null",
        "--port=0", "--no-resolv", "--no-hosts", "--leasefile-ro", "--pid-file", "--bind-interfaces",
        "--interface=" + BRIDGE, "--enable-ra", "--dhcp-range=" + IPV6_PREFIX + ",ra-only");
    return true;
  }

  /**
   * The router of a proxyDHCP segment, in a namespace of its own plugged into the bridge ({@value #ROUTER_IP}): its
   * DHCP server, dnsmasq, hands out addresses from {@code range} ("first,last") and nothing for booting (no boot
   * file, no next server, no PXE options), without a ping check. pxebus in proxy mode supplies the boot beside it,
   * as beside any router that keeps its own DHCP. Closed with the lab.
   */
  void startRouterDhcp(Path log, String range) throws IOException {
    router = Netns.create("rtr");
    Netns.veth(router, "eth0", ROUTER_IP + "/24", ns, "rtr0", null);
    ip("link", "set", "rtr0", "master", BRIDGE);
    router.start(log, "/usr/sbin/dnsmasq", "--keep-in-foreground", "--log-facility=-", "--conf-file=/dev/null",
        "--port=0", "--no-resolv", "--no-hosts", "--leasefile-ro", "--pid-file", "--bind-interfaces",
        "--interface=eth0", "--no-ping", "--log-dhcp", "--dhcp-range=" + range + ",255.255.255.0,10m",
        "--dhcp-option=option:router," + ROUTER_IP);
  }

  /**
   * Starts {@code pxebus lab --dir DIR ARGS…} with {@code env} (PXEBUS_* variables of this JVM removed first) and
   * waits until it prints where everything listens.
   */
  void startLab(Path dir, Map<String, String> env, String... args) throws IOException {
    labDir = dir;
    labLog = dir.resolveSibling(dir.getFileName() + ".log");
    List<String> cmd = new ArrayList<>(List.of("env"));
    System.getenv().keySet().stream().filter(k -> k.startsWith("PXEBUS_")).sorted().forEach(k -> {
      cmd.add("-u");
      cmd.add(k);
    });
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(List.of(java(), "-Xmx1g", "-jar", jar.toString(), "lab", "--dir", dir.toString()));
    cmd.addAll(List.of(args));
    lab = ns.start(labLog, cmd.toArray(String[]::new));
    Await.until(LAB_START, () -> {
      if (!lab.isAlive()) throw new AssertionError("pxebus lab exited " + lab.exitValue() + ":\n" + labLogText());
      String text = labLogText();
      // An Error thrown while starting kills only the main thread: the broker's threads keep the JVM alive.
      if (text.contains("Exception in thread \"main\"")) {
        throw new AssertionError("pxebus lab failed to start:\n" + text);
      }
      return text.contains("Ctrl-C stops it");
    }, () -> "pxebus lab to start:\n" + labLogText());
    String text = labLogText();
    catalogUrl = group(CATALOG_URL, text);
    kafka = group(KAFKA, text);
  }

  /** The in-namespace ports of {@link #startKafkaProcess} and the services started with {@link #startService}. */
  static final int KAFKA_PORT = 19092;
  static final String CATALOG_URL_LOCAL = "http://127.0.0.1:8070";
  static final String MENU_URL_LOCAL = "http://127.0.0.1:8071";

  /**
   * The way an operator without Docker runs pxebus as separate processes: a KRaft broker as a process of its own
   * ({@code dev.pxebus.kafka.KraftBrokerMain} from the pxebus jar) on {@value #KAFKA_PORT}, and the boot root in
   * {@code dir/boot} with the boot loaders {@code pxebus lab} would install. Services follow with {@link
   * #startService}; {@link #catalog} and {@link #pxebus} then talk to them.
   */
  void startKafkaProcess(Path dir) throws IOException {
    labDir = dir;
    labLog = dir.resolveSibling(dir.getFileName() + ".log");
    Files.createDirectories(dir);
    dev.pxebus.cli.lab.Bootloaders.install(dev.pxebus.cli.lab.Bootloaders.find(java.util.Optional.empty()),
        Files.createDirectories(bootRoot()));
    Path log = dir.resolve("kafka.log");
    Process broker = ns.start(log, java(), "-Xmx512m", "-cp", jar.toString(), "dev.pxebus.kafka.KraftBrokerMain",
        dir.resolve("kafka").toString(), Integer.toString(KAFKA_PORT));
    processes.put("kafka", broker);
    Await.until(LAB_START, () -> {
      if (!broker.isAlive()) {
        throw new AssertionError("the Kafka process exited " + broker.exitValue() + ":\n" + read(log));
      }
      return read(log).contains("READY ");
    }, () -> "the Kafka process to start:\n" + read(log));
    kafka = "127.0.0.1:" + KAFKA_PORT;
    catalogUrl = CATALOG_URL_LOCAL;
  }

  /**
   * Starts {@code name} ({@code <module>/target/<module>.jar}) as its own process in the namespace with {@code env}
   * (plus the broker, its instance id and admin port); {@link #awaitServices} waits for it.
   *
   * @param name a label for the process and its log ({@code tftp-a}); {@code module} the service
   */
  Process startService(String name, String module, int adminPort, Map<String, String> env) throws IOException {
    Path repo = jar.getParent().getParent().getParent(); // <repo>/cli/target/pxebus.jar
    Path serviceJar = repo.resolve(module).resolve("target").resolve(module + ".jar");
    if (!Files.isRegularFile(serviceJar)) throw new AssertionError(serviceJar + " missing: run through mvn verify");
    List<String> cmd = new ArrayList<>(List.of("env"));
    System.getenv().keySet().stream().filter(k -> k.startsWith("PXEBUS_")).sorted().forEach(k -> {
      cmd.add("-u");
      cmd.add(k);
    });
    cmd.add("PXEBUS_KAFKA_BOOTSTRAP=" + kafka);
    cmd.add("PXEBUS_INSTANCE_ID=" + name);
    cmd.add("PXEBUS_ADMIN_HOST=127.0.0.1");
    cmd.add("PXEBUS_ADMIN_PORT=" + adminPort);
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-jar", serviceJar.toString()));
    Path log = labDir.resolve(name + ".log");
    Process p = ns.start(log, cmd.toArray(String[]::new));
    processes.put(name, p);
    admins.put(name, adminPort);
    return p;
  }

  /**
   * Waits until each service {@link #startService} started reports {@code UP} on {@code /health}: every check up,
   * so Kafka reached and, for menu-service, the catalog read to its end (200 alone also means DEGRADED).
   */
  void awaitServices(String... names) {
    for (String name : names) {
      Process p = processes.get(name);
      Path log = labDir.resolve(name + ".log");
      String health = "http://127.0.0.1:" + admins.get(name) + "/health";
      String[] last = {""};
      Await.until(LAB_START, () -> {
        if (!p.isAlive()) throw new AssertionError(name + " exited " + p.exitValue() + ":\n" + read(log));
        Netns.Result r = ns.exec(CMD, "curl", "-sf", "--max-time", "5", health);
        last[0] = r.output();
        if (r.exitCode() != 0) return false;
        try {
          return "UP".equals(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.output()).path("status")
              .asText());
        } catch (java.io.IOException e) {
          return false;
        }
      }, () -> name + " to report UP on " + health + "; last answer: " + last[0] + "\n" + read(log));
    }
  }

  /** SIGTERM to a process {@link #startService} started, and its clean exit (143: ended by the signal). */
  void stopService(String name) throws InterruptedException {
    Process p = processes.remove(name);
    p.toHandle().destroy();
    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not exit within 30 s of SIGTERM:\n" + read(labDir.resolve(name + ".log")));
    }
  }

  /** Adds another address to the bridge, e.g. for a second replica. */
  void addServerAddress(String cidr) {
    ip("addr", "add", cidr, "dev", BRIDGE);
  }

  String serviceLog(String name) {
    return read(labDir.resolve(name + ".log"));
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  String catalogUrl() {
    return catalogUrl;
  }

  String kafka() {
    return kafka;
  }

  Path tokenFile() {
    return labDir.resolve("catalog").resolve("token");
  }

  Path bootRoot() {
    return labDir.resolve("boot");
  }

  String labLogText() {
    try {
      return labLog != null && Files.exists(labLog)
          ? new String(Files.readAllBytes(labLog), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Runs a catalog command ({@code images import …}) against the lab's catalog, with its write token. */
  Netns.Result catalog(String... args) {
    List<String> cmd = new ArrayList<>(List.of(args));
    cmd.addAll(List.of("--catalog", catalogUrl, "--token-file", tokenFile().toString()));
    return pxebus(cmd.toArray(String[]::new));
  }

  /**
   * The boot payload in the catalog, through the {@code pxebus} command: image {@code image} (its kernel and initrd
   * imported from {@code dir/image}, command line {@code imageCmdline}) and profile {@code profile} adding {@code
   * pxebus.nonce=<nonce>}, the only way the guest can learn the nonce.
   */
  void registerPayload(BootPayload payload, Path dir, String image, String imageCmdline, String profile,
      String nonce) throws IOException {
    Path files = Files.createDirectories(dir.resolve("image"));
    Files.copy(payload.kernel(), files.resolve("vmlinuz"));
    Files.copy(payload.initrd(), files.resolve("initrd.img"));
    catalog("images", "import", files.toString(), "--id", image, "--arch", "x86_64", "--cmdline", imageCmdline)
        .assertOk();
    catalog("profiles", "add", profile, "--image", image, "--cmdline", "pxebus.nonce=" + nonce, "--menu-label",
        "pxebus end-to-end boot").assertOk();
  }

  /** Runs {@code pxebus ARGS…} inside the namespace and waits for it. */
  Netns.Result pxebus(String... args) {
    List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    return ns.exec(CLI, cmd.toArray(String[]::new));
  }

  /** Starts {@code pxebus ARGS…} inside the namespace, output to {@code log}; killed on close. */
  Process startPxebus(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    return ns.start(log, cmd.toArray(String[]::new));
  }

  @Override
  public void close() {
    try {
      if (router != null) router.close();
    } finally {
      ns.close();
    }
  }

  private void ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    ns.exec(CMD, cmd.toArray(String[]::new)).assertOk();
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String group(Pattern p, String text) {
    Matcher m = p.matcher(text);
    if (!m.find()) throw new AssertionError("no " + p.pattern() + " in the lab's output:\n" + text);
    return m.group(1);
  }
}
