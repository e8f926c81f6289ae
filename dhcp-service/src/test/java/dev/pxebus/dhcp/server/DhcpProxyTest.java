package dev.pxebus.dhcp.server;

import dev.pxebus.testing.Pcap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.dhcp.codec.DhcpCodec;
import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.dhcp.codec.MessageType;
import dev.pxebus.dhcp.codec.OptionCode;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.Netns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * proxyDHCP beside the network's own DHCP server, as on a lab LAN whose router keeps its DHCP: dnsmasq plays the
 * router (addresses only), pxebus runs in proxy mode, and a udhcpc client sending PXE options ends with both — the
 * address from the router, the boot information from pxebus (its proxy OFFER on port 67, then the PXE boot-server
 * exchange on port 4011 as firmware does it). All three on one bridge in namespaces this test creates.
 */
class DhcpProxyTest {
  private static final Duration T = Duration.ofSeconds(60);
  private static final String ROUTER = "10.253.20.254";
  private static final String PXEBUS = "10.253.20.1";
  private static final String MAC = "52:54:00:aa:20:01";

  @TempDir Path dir;
  private final List<Netns> namespaces = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    for (int i = namespaces.size() - 1; i >= 0; i--) namespaces.get(i).close();
  }

  private Netns ns(String label) {
    Netns n = Netns.create(label);
    namespaces.add(n);
    return n;
  }

  @Test
  void theRouterGivesTheAddressAndPxebusTheBootFile() throws Exception {
    Netns.requireSupport();
    Netns rtr = ns("prtr");
    Netns srv = ns("psrv");
    Netns cli = ns("pcli");
    rtr.exec(T, "ip", "link", "add", "br0", "type", "bridge").assertOk();
    rtr.exec(T, "ip", "addr", "add", ROUTER + "/24", "dev", "br0").assertOk();
    rtr.exec(T, "ip", "link", "set", "br0", "up").assertOk();
    Netns.veth(rtr, "rs", null, srv, "ps0", PXEBUS + "/24");
    Netns.veth(rtr, "rc", null, cli, "pc0", null);
    for (String port : List.of("rs", "rc")) rtr.exec(T, "ip", "link", "set", port, "master", "br0").assertOk();
    cli.exec(T, "ip", "link", "set", "pc0", "address", MAC).assertOk();

    Path dnsmasqLog = dir.resolve("dnsmasq.log");
    rtr.start(dnsmasqLog, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=0",
        "--interface=br0", "--bind-interfaces", "--dhcp-range=10.253.20.100,10.253.20.150,255.255.255.0,1h",
        "--no-ping", "--dhcp-leasefile=" + dir.resolve("dnsmasq.leases"), "--pid-file=", "--log-dhcp",
        "--log-facility=-");
    DhcpProcess dhcp = DhcpProcess.start(srv, dir.resolve("dhcp.log"), PXEBUS, 9170, Map.of(
        "dhcp.mode", "proxy",
        "dhcp.interface", "ps0"));
    Path pcap = dir.resolve("client.pcap");
    Process capture = cli.start(dir.resolve("tcpdump.log"), "tcpdump", "-i", "pc0", "-U", "-n", "-w", pcap.toString(),
        "udp", "port", "67", "or", "udp", "port", "68");
    Await.until(T, () -> DhcpProcess.read(dir.resolve("tcpdump.log")).contains("listening on"),
        () -> "tcpdump did not start: " + DhcpProcess.read(dir.resolve("tcpdump.log")));

    Path script = dir.resolve("udhcpc.sh");
    Files.writeString(script, "#!/bin/sh\necho \"EVENT $1 ip=$ip serverid=$serverid\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Netns.Result r = cli.exec(T, "busybox", "udhcpc", "-i", "pc0", "-f", "-q", "-n", "-t", "4", "-T", "2", "-s",
        script.toString(), "-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000");
    Matcher m = Pattern.compile("EVENT bound ip=(10\\.253\\.20\\.\\d+) serverid=(\\S+)").matcher(r.output());
    assertTrue(m.find(), "udhcpc: " + r.output() + "\ndnsmasq:\n" + DhcpProcess.read(dnsmasqLog) + "\npxebus:\n"
        + dhcp.log());
    String ip = m.group(1);
    assertEquals(ROUTER, m.group(2), "the address comes from the router's DHCP");

    // What pxebus sent the client on port 67: a proxy OFFER with boot information and no address.
    List<DhcpPacket> fromPxebus = new ArrayList<>();
    Await.until(T, () -> {
      fromPxebus.clear();
      byte[] bytes;
      try {
        bytes = Files.exists(pcap) ? Files.readAllBytes(pcap) : new byte[0];
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      if (bytes.length < 24) return false;
      for (Pcap.Udp u : Pcap.udpDatagrams(bytes, true)) {
        if (u.src().equals(PXEBUS) && u.srcPort() == 67) fromPxebus.add(DhcpCodec.decode(u.payload()));
      }
      return !fromPxebus.isEmpty();
    }, () -> "no packet from pxebus reached the client; pxebus:\n" + dhcp.log());
    capture.destroy();
    DhcpPacket offer = fromPxebus.get(0);
    assertEquals(MessageType.OFFER, offer.messageType());
    assertEquals(0, offer.yiaddr(), "a proxy never assigns an address");
    assertEquals(PXEBUS, Ip4.text(offer.siaddr()));
    assertEquals("PXEClient", new String(offer.optionValue(OptionCode.VENDOR_CLASS).orElseThrow(),
        StandardCharsets.US_ASCII));
    assertTrue(offer.option(OptionCode.VENDOR_SPECIFIC).isPresent(), "PXE boot menu and boot-server list (43)");
    for (DhcpPacket p : fromPxebus) assertEquals(0, p.yiaddr(), "pxebus assigned an address: " + p);

    // The PXE boot-server exchange on port 4011 with the address from the router: BIOS from port 68, EDK2 (UEFI)
    // from port 4011.
    cli.exec(T, "ip", "addr", "add", ip + "/24", "dev", "pc0").assertOk();
    assertEquals("pxelinux.0 " + PXEBUS + " PXEClient", bootServer(cli, ip, 68, 0));
    assertEquals("ipxe.efi " + PXEBUS + " PXEClient", bootServer(cli, ip, 4011, 7));
    String metrics = dhcp.metrics();
    assertTrue(metrics.contains("pxebus_dhcp_sent_total{") && metrics.contains("type=\"ACK\""), metrics);
  }

  private String bootServer(Netns cli, String ip, int srcPort, int arch) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path out = dir.resolve("boot-" + arch + ".txt");
    Netns.Result r = cli.exec(T, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", cp, RelayClient.class.getName(), "bootserver", PXEBUS, ip,
        Integer.toString(srcPort), Integer.toString(arch), MAC, out.toString());
    assertEquals(0, r.exitCode(), r.output());
    return Files.readString(out).trim();
  }
}
