package dev.pxebus.dhcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.testing.Await;
import dev.pxebus.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real DHCP clients (busybox udhcpc, ISC dhclient) against dhcp-service in server mode, each in network namespaces
 * this test creates and removes: addresses from the pool, PXE boot file by architecture, reservations, renewal,
 * RELEASE and a client that asks for an address it may not have.
 */
class DhcpClientsTest {
  private static final String SERVER = "10.253.0.1";
  private static final Duration T = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static Netns srv;
  private static Netns cli;
  private static DhcpProcess dhcp;
  private static Path script;

  @BeforeAll
  static void start() throws Exception {
    Netns.requireSupport();
    srv = Netns.create("dsrv");
    cli = Netns.create("dcli");
    Netns.veth(srv, "ds0", SERVER + "/24", cli, "dc0", null);
    cli.exec(T, "ip", "link", "set", "dc0", "address", "52:54:00:aa:00:01").assertOk();
    script = dir.resolve("udhcpc.sh");
    Files.writeString(script, "#!/bin/sh\necho \"EVENT $1 ip=$ip siaddr=$siaddr boot_file=$boot_file "
        + "serverid=$serverid subnet=$subnet router=$router lease=$lease hostname=$hostname\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    dhcp = DhcpProcess.start(srv, dir.resolve("dhcp.log"), SERVER, 9167, Map.of(
        "dhcp.mode", "server",
        "dhcp.interface", "ds0",
        "dhcp.pool", "10.253.0.100-10.253.0.199",
        "dhcp.router", "10.253.0.1",
        "dhcp.reservations", "52:54:00:aa:00:07=10.253.0.50/reserved-host",
        "dhcp.journal-dir", dir.resolve("journal").toString()));
  }

  @AfterAll
  static void stop() {
    if (cli != null) cli.close();
    if (srv != null) srv.close();
  }

  private static Map<String, String> udhcpc(String... extra) {
    String[] base = {"busybox", "udhcpc", "-i", "dc0", "-f", "-q", "-n", "-t", "4", "-T", "2", "-s", script.toString()};
    String[] cmd = new String[base.length + extra.length];
    System.arraycopy(base, 0, cmd, 0, base.length);
    System.arraycopy(extra, 0, cmd, base.length, extra.length);
    Netns.Result r = cli.exec(T, cmd);
    Matcher m = Pattern.compile("EVENT bound (.*)").matcher(r.output());
    assertTrue(m.find(), "udhcpc got no lease: " + r.output() + "\nserver log:\n" + dhcp.log());
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String kv : m.group(1).split(" ")) {
      int eq = kv.indexOf('=');
      if (eq > 0) out.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return out;
  }

  @Test
  void udhcpcGetsAnAddressFromThePoolWithRouterAndMask() {
    Map<String, String> lease = udhcpc();
    int last = Integer.parseInt(lease.get("ip").substring("10.253.0.".length()));
    assertTrue(last >= 100 && last <= 199, lease.toString());
    assertEquals(SERVER, lease.get("serverid"));
    assertEquals("255.255.255.0", lease.get("subnet"));
    assertEquals("10.253.0.1", lease.get("router"));
    assertEquals("3600", lease.get("lease"));
    // The same client again gets the same address.
    assertEquals(lease.get("ip"), udhcpc().get("ip"));
  }

  @Test
  void aPxeClientGetsTheBootFileForItsArchitecture() {
    Map<String, String> bios = udhcpc("-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000");
    assertEquals("pxelinux.0", bios.get("boot_file"), bios.toString());
    assertEquals(SERVER, bios.get("siaddr"));
    Map<String, String> efi = udhcpc("-V", "PXEClient:Arch:00007:UNDI:003000", "-x", "0x5d:0007");
    assertEquals("ipxe.efi", efi.get("boot_file"), efi.toString());
    Map<String, String> ipxe = udhcpc("-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000", "-x",
        "0x4d:69505845");
    assertEquals("http://" + SERVER + ":8069/boot.ipxe", ipxe.get("boot_file"), ipxe.toString());
  }

  @Test
  void aReservedMachineGetsItsAddressAndName() throws Exception {
    cli.exec(T, "ip", "link", "set", "dc0", "address", "52:54:00:aa:00:07").assertOk();
    try {
      Map<String, String> lease = udhcpc();
      assertEquals("10.253.0.50", lease.get("ip"), lease.toString());
      assertEquals("reserved-host", lease.get("hostname"), lease.toString());
    } finally {
      cli.exec(T, "ip", "link", "set", "dc0", "address", "52:54:00:aa:00:01").assertOk();
    }
  }

  @Test
  void dhclientGetsALease() throws Exception {
    Path leases = dir.resolve("dhclient.leases");
    Path dscript = dir.resolve("dhclient.sh");
    Files.writeString(dscript, "#!/bin/sh\necho \"DHCLIENT $reason ip=$new_ip_address file=$new_filename\"\n");
    Files.setPosixFilePermissions(dscript, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path log = dir.resolve("dhclient.log");
    Process p = cli.start(log, "dhclient", "-d", "-1", "-v", "-sf", dscript.toString(), "-lf", leases.toString(),
        "-pf", dir.resolve("dhclient.pid").toString(), "dc0");
    try {
      Await.until(T, () -> DhcpProcess.read(log).contains("DHCLIENT BOUND ip=10.253.0."),
          () -> "dhclient did not bind:\n" + DhcpProcess.read(log) + "\nserver:\n" + dhcp.log());
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
