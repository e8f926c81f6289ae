package dev.pxebus.cli;

import dev.pxebus.cli.lab.Lab;
import dev.pxebus.dhcp.DhcpConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pxebus lab}: Kafka and all four services in this JVM, until Ctrl-C. */
@Command(name = "lab", mixinStandardHelpOptions = true,
    description = {
        "Runs a real Kafka broker (KRaft, in-process, data kept in the lab directory) and all four pxebus services",
        "in this JVM, and prints where everything listens. Stop with Ctrl-C (SIGTERM works too).",
        "Safe on a shared LAN by default: dhcp-service runs as proxyDHCP and never hands out addresses;",
        "a full DHCP server needs --dhcp-mode server with --interface and --pool.",
        "Services also read PXEBUS_* environment variables (see docs/configuration.md)."})
final class LabCommand implements Callable<Integer> {
  @Option(names = "--dir", defaultValue = "pxebus-lab", description = "lab directory (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--kafka", description = "use this Kafka (bootstrap servers) instead of the in-process broker")
  String kafka;

  @Option(names = "--kafka-port", defaultValue = "9092",
      description = "port of the in-process broker, 0 = any free port (default: ${DEFAULT-VALUE})")
  int kafkaPort;

  @Option(names = "--free-ports",
      description = "pick free ports instead of the defaults (admin 9067/9069/9070/9071, TFTP 69, HTTP 8069)")
  boolean freePorts;

  @Option(names = "--bind", defaultValue = "0.0.0.0",
      description = "address TFTP and HTTP listen on, e.g. the lab interface's (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--bootloaders", description = "directory searched for boot loaders before Debian's package paths")
  Path bootloaders;

  @Option(names = "--dhcp-mode", defaultValue = "proxy",
      description = "proxy (default: boot information only) or server (hands out addresses)")
  String dhcpMode;

  @Option(names = "--interface", description = "network interfaces dhcp-service serves, comma-separated (required for --dhcp-mode server; proxy mode: default every interface with IPv4, none = answer no DHCP)")
  String iface;

  @Option(names = "--pool", description = "address range handed out in server mode, e.g. 10.0.0.100-10.0.0.199")
  String pool;

  @Override
  public Integer call() throws Exception {
    DhcpConfig.Mode mode;
    try {
      mode = DhcpConfig.Mode.valueOf(dhcpMode.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      System.err.println("pxebus lab: --dhcp-mode must be proxy or server, not '" + dhcpMode + "'");
      return 2;
    }
    Lab lab;
    try {
      lab = Lab.start(new Lab.Options(dir, Optional.ofNullable(kafka), kafkaPort, freePorts, bind,
          Optional.ofNullable(bootloaders), mode, Optional.ofNullable(iface), Optional.ofNullable(pool),
          System.getenv()));
    } catch (dev.pxebus.runtime.ConfigException e) {
      System.err.println("pxebus lab: " + e.getMessage());
      return 2;
    }
    System.out.println();
    System.out.println("pxebus lab is running:");
    lab.summary().forEach(line -> System.out.println("  " + line));
    System.out.println("Ctrl-C stops it; Kafka data and the boot root stay in " + dir.toAbsolutePath() + ".");
    System.out.flush();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("pxebus lab: stopping");
      lab.close();
      done.countDown();
    }, "lab-shutdown"));
    done.await();
    return 0;
  }
}
