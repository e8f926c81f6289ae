package dev.pxebus.dhcp.codec;

import dev.pxebus.testing.Pcap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.testing.Await;
import dev.pxebus.testing.Netns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Golden DISCOVER/REQUEST packets from real Linux DHCP clients, captured by the test itself: busybox {@code udhcpc}
 * and ISC {@code dhclient} run in one network namespace against busybox {@code udhcpd} in another (so the exchange
 * goes on to REQUEST and ACK), and {@code tcpdump} on the server's veth end records it. Everything runs inside
 * namespaces the test creates and removes; nothing touches the host's interfaces.
 *
 * <p>Needs root and the Debian packages busybox, isc-dhcp-client and tcpdump: skipped without them, except under
 * {@code CI=true}, where it fails. The client MAC is fixed, so chaddr, option 61 and the address udhcpd hands out
 * are the same on every run; only xid and secs are masked in the golden text.
 */
@Tag("netns")
class DhcpClientInteropTest {
  private static final Duration STEP = Duration.ofSeconds(10);
  private static final Duration EXCHANGE = Duration.ofSeconds(40);
  private static final String SERVER = "10.231.0.1";
  private static final String LEASED = "10.231.0.100";

  @BeforeAll
  static void support() {
    Netns.requireSupport();
    List<String> missing = Stream.of("busybox", "dhclient", "tcpdump").filter(t -> which(t).isEmpty()).toList();
    if (missing.isEmpty()) return;
    String why = "DHCP client interop test needs " + missing + " (apt-get install busybox isc-dhcp-client tcpdump)";
    if ("true".equals(System.getenv("CI"))) throw new AssertionError(why + " (CI=true: network tests must run)");
    throw new TestAbortedException(why);
  }

  @Test
  void udhcpcDiscoverAndRequestDecodeToTheGoldenTextAndReEncodeByteForByte() throws IOException {
    byte[] mac = HexFormat.of().parseHex("020000a0c001");
    List<Captured> exchange = capture("udh", mac, dir -> List.of("busybox", "udhcpc", "-i", "c0", "-f", "-q", "-n",
        "-t", "5", "-T", "1", "-s", "/bin/true"));

    DhcpPacket discover = first(exchange, MessageType.DISCOVER);
    assertClientPacket(discover, mac);
    // udhcpc identifies itself by MAC (RFC 2132 §9.14, type 1 = Ethernet) and asks for at most 576 bytes.
    assertArrayEquals(cat(new byte[] {1}, mac), discover.optionValue(OptionCode.CLIENT_ID).orElseThrow());
    assertArrayEquals(new byte[] {0x02, 0x40}, discover.optionValue(OptionCode.MAX_MESSAGE_SIZE).orElseThrow());
    assertTrue(text(discover, OptionCode.VENDOR_CLASS).startsWith("udhcp "), text(discover, OptionCode.VENDOR_CLASS));
    assertTrue(codes(discover).containsAll(List.of(1, 3, 6, 12, 15, 28)), codes(discover).toString());

    assertRequestFollowsOffer(exchange, mac);
    assertRoundTrips(exchange);
    GoldenText.assertGolden("udhcpc.txt", golden("busybox udhcpc (client) and udhcpd (server)", exchange));
  }

  @Test
  void dhclientDiscoverAndRequestDecodeToTheGoldenTextAndReEncodeByteForByte() throws IOException {
    byte[] mac = HexFormat.of().parseHex("020000a0c002");
    List<Captured> exchange = capture("dhc", mac, dir -> {
      Path conf = write(dir.resolve("dhclient.conf"), """
          send host-name "pxebus-interop";
          request subnet-mask, broadcast-address, routers, domain-name-servers, host-name;
          """);
      return List.of("dhclient", "-d", "-1", "-v", "-cf", conf.toString(), "-lf", dir.resolve("leases").toString(),
          "-pf", dir.resolve("dhclient.pid").toString(), "-sf", "/bin/true", "c0");
    });

    DhcpPacket discover = first(exchange, MessageType.DISCOVER);
    assertClientPacket(discover, mac);
    assertEquals("pxebus-interop", text(discover, OptionCode.HOSTNAME));
    assertEquals(List.of(1, 28, 3, 6, 12), codes(discover), "the request list of our dhclient.conf, in its order");
    // ISC dhclient sends no client identifier unless configured: servers must key on chaddr then.
    assertTrue(discover.option(OptionCode.CLIENT_ID).isEmpty());

    assertRequestFollowsOffer(exchange, mac);
    assertRoundTrips(exchange);
    GoldenText.assertGolden("dhclient.txt", golden("ISC dhclient (client) and busybox udhcpd (server)", exchange));
  }

  // ------------------------------------------------------------------------------------------------ assertions

  private static void assertClientPacket(DhcpPacket p, byte[] mac) {
    assertEquals(DhcpPacket.BOOTREQUEST, p.op());
    assertEquals(1, p.htype());
    assertEquals(6, p.hlen());
    assertArrayEquals(mac, p.chaddr(), "chaddr is the veth's MAC");
    assertEquals(0, p.ciaddr());
  }

  /** RFC 2131 §4.3.2: a SELECTING REQUEST names the offer's server (54) and address (50), ciaddr 0. */
  private static void assertRequestFollowsOffer(List<Captured> exchange, byte[] mac) {
    DhcpPacket offer = first(exchange, MessageType.OFFER);
    DhcpPacket request = first(exchange, MessageType.REQUEST);
    DhcpPacket ack = first(exchange, MessageType.ACK);
    assertClientPacket(request, mac);
    assertEquals(LEASED, DhcpPacket.Ip4.text(offer.yiaddr()));
    assertArrayEquals(DhcpPacket.Ip4.bytes(offer.yiaddr()), request.optionValue(OptionCode.REQUESTED_IP).orElseThrow());
    assertArrayEquals(DhcpPacket.Ip4.bytes(DhcpPacket.Ip4.parse(SERVER)),
        request.optionValue(OptionCode.SERVER_ID).orElseThrow());
    assertEquals(request.xid(), ack.xid());
    assertEquals(offer.yiaddr(), ack.yiaddr());
  }

  private static void assertRoundTrips(List<Captured> exchange) {
    for (Captured c : exchange) {
      assertArrayEquals(c.udp().payload(), DhcpCodec.encode(c.packet()),
          () -> "frame " + c.udp().frame() + " (" + c.packet().messageType() + ") re-encoded differently");
    }
  }

  // ------------------------------------------------------------------------------------------------ capture

  record Captured(Pcap.Udp udp, DhcpPacket packet) {}

  interface ClientCommand {
    List<String> in(Path dir);
  }

  /**
   * Runs one client against udhcpd, the veth pair between them recorded by tcpdump, until the client's ACK is in the
   * capture. Every process is bounded by the wait and killed, the namespaces removed, on every path.
   */
  private static List<Captured> capture(String label, byte[] mac, ClientCommand client) throws IOException {
    Path dir = tempDir();
    Path pcap = dir.resolve("exchange.pcap");
    try (Netns server = Netns.create(label + "s"); Netns host = Netns.create(label + "c")) {
      Netns.veth(server, "s0", SERVER + "/24", host, "c0", null);
      host.exec(STEP, "ip", "link", "set", "c0", "down").assertOk();
      host.exec(STEP, "ip", "link", "set", "c0", "address", HexFormat.ofDelimiter(":").formatHex(mac)).assertOk();
      host.exec(STEP, "ip", "link", "set", "c0", "up").assertOk();

      Path dumpLog = dir.resolve("tcpdump.log");
      // -U: write each packet as it comes, so the file can be read while tcpdump runs; -Z root: keep write access.
      server.start(dumpLog, "tcpdump", "-i", "s0", "-n", "-U", "-Z", "root", "-w", pcap.toString(),
          "udp port 67 or udp port 68");
      Await.until(STEP, () -> read(dumpLog).contains("listening on"), () -> "tcpdump listening: " + read(dumpLog));

      Path conf = write(dir.resolve("udhcpd.conf"), String.join("\n", "start " + LEASED, "end " + LEASED,
          "interface s0", "lease_file " + write(dir.resolve("udhcpd.leases"), ""),
          "pidfile " + dir.resolve("udhcpd.pid"),
          "option subnet 255.255.255.0", "option lease 600", ""));
      Path serverLog = dir.resolve("udhcpd.log");
      // -a 100: udhcpd's ARP probe of the address before offering it waits 100 ms instead of 2 s.
      server.start(serverLog, "busybox", "udhcpd", "-f", "-a", "100", conf.toString());
      Await.until(STEP, () -> server.exec(STEP, "ss", "-uln").output().contains(":67 "),
          () -> "udhcpd bound to port 67: " + read(serverLog));

      Path clientLog = dir.resolve("client.log");
      Process p = host.start(clientLog, client.in(dir).toArray(String[]::new));
      List<Captured> exchange = Await.value(EXCHANGE, () -> {
        List<Captured> seen = decode(pcap);
        return seen.stream().anyMatch(c -> c.packet().messageType() == MessageType.ACK) ? Optional.of(seen)
            : Optional.empty();
      }, () -> "an ACK in the capture; client log:\n" + read(clientLog) + "\nudhcpd log:\n" + read(serverLog)
          + "\ncaptured: " + decode(pcap).stream().map(c -> c.packet().messageType()).toList());
      p.destroy(); // dhclient stays to renew; udhcpc -q has exited already. Netns.close kills whatever is left.
      return exchange;
    } finally {
      deleteTree(dir);
    }
  }

  private static List<Captured> decode(Path pcap) {
    byte[] file;
    try {
      file = Files.exists(pcap) ? Files.readAllBytes(pcap) : new byte[0];
    } catch (IOException e) {
      return List.of();
    }
    List<Captured> out = new ArrayList<>();
    for (Pcap.Udp d : Pcap.onPorts(Pcap.udpDatagrams(file, true), Set.of(67, 68, 4011))) {
      out.add(new Captured(d, DhcpCodec.decode(d.payload())));
    }
    return out;
  }

  private static DhcpPacket first(List<Captured> exchange, MessageType type) {
    return exchange.stream().map(Captured::packet).filter(p -> p.messageType() == type).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " in " + exchange.stream()
            .map(c -> c.packet().messageType()).toList()));
  }

  /** The first DISCOVER, OFFER, REQUEST and ACK (a slow start may repeat a DISCOVER; the golden text has one). */
  private static String golden(String title, List<Captured> exchange) {
    StringBuilder s = new StringBuilder("# " + title + ", captured by DhcpClientInteropTest (xid, secs masked)\n");
    for (MessageType t : List.of(MessageType.DISCOVER, MessageType.OFFER, MessageType.REQUEST, MessageType.ACK)) {
      Captured c = exchange.stream().filter(x -> x.packet().messageType() == t).findFirst().orElseThrow();
      s.append('\n').append(t).append("  ").append(c.udp().from()).append(" -> ").append(c.udp().to()).append("  ")
          .append(c.udp().payload().length).append(" bytes\n").append(GoldenText.render(c.packet(), true));
    }
    return s.toString();
  }

  // ------------------------------------------------------------------------------------------------ small things

  private static List<Integer> codes(DhcpPacket p) {
    List<Integer> out = new ArrayList<>();
    for (byte b : p.optionValue(OptionCode.PARAMETER_REQUEST_LIST).orElseThrow()) out.add(b & 0xFF);
    return out;
  }

  private static String text(DhcpPacket p, int code) {
    return new String(p.optionValue(code).orElseThrow(() -> new AssertionError("no option " + code)),
        StandardCharsets.ISO_8859_1);
  }

  private static byte[] cat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static Optional<Path> which(String tool) {
    return Stream.of("/usr/sbin", "/usr/bin", "/sbin", "/bin").map(d -> Path.of(d, tool))
        .filter(Files::isExecutable).findFirst();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("pxb-dhcp-interop-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(Path p, String content) {
    try {
      return Files.writeString(p, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
