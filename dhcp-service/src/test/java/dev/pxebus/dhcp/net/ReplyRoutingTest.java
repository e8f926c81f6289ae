package dev.pxebus.dhcp.net;

import dev.pxebus.testing.Pcap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.dhcp.codec.DhcpCodec;
import dev.pxebus.dhcp.codec.DhcpOption;
import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.dhcp.codec.MessageType;
import dev.pxebus.dhcp.codec.OptionCode;
import dev.pxebus.dhcp.net.ReplyRouting.Destination;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Where each reply goes (RFC 2131 §4.1), one named case per rule; the PXE boot-server port answers its source. */
class ReplyRoutingTest {
  private static final int RELAY = Ip4.parse("10.99.0.1");
  private static final int CLIENT = Ip4.parse("10.213.0.116");
  private static final int BROADCAST = Ip4.parse("255.255.255.255");
  private static final byte[] MAC = {0x52, 0x54, 0x00, 0x1a, (byte) 0xb0, (byte) 0x80};

  private static DhcpPacket request(MessageType type, int flags, int ciaddr, int giaddr) {
    return new DhcpPacket(DhcpPacket.BOOTREQUEST, 1, 6, giaddr == 0 ? 0 : 1, 0x9828bf41L, 0, flags, ciaddr, 0, 0,
        giaddr, MAC, "", "", List.of(new DhcpOption(OptionCode.MESSAGE_TYPE, new byte[] {(byte) type.value()})));
  }

  private static DhcpPacket reply(DhcpPacket req, MessageType type) {
    int yiaddr = type == MessageType.NAK || type == MessageType.ACK && req.messageType() == MessageType.INFORM
        ? 0 : CLIENT;
    return new DhcpPacket(DhcpPacket.BOOTREPLY, 1, 6, 0, req.xid(), 0, req.flags(), type == MessageType.NAK ? 0
        : req.ciaddr(), yiaddr, 0, req.giaddr(), MAC, "", "",
        List.of(new DhcpOption(OptionCode.MESSAGE_TYPE, new byte[] {(byte) type.value()})));
  }

  // ------------------------------------------------------------------------------------------ port 67

  private record Case(DhcpPacket request, MessageType reply, Destination expected) {}

  private static Arguments row(String name, DhcpPacket request, MessageType reply, Destination expected) {
    return Arguments.of(named(name, new Case(request, reply, expected)));
  }

  private static Destination broadcast68() {
    return new Destination(BROADCAST, 68, true);
  }

  static Stream<Arguments> cases() {
    MessageType discover = MessageType.DISCOVER;
    MessageType request = MessageType.REQUEST;
    return Stream.of(
        row("relayed DISCOVER: to the relay's server port", request(discover, 0, 0, RELAY), MessageType.OFFER,
            new Destination(RELAY, 67, false)),
        row("relayed REQUEST with the broadcast flag: still the relay (it broadcasts)",
            request(request, DhcpPacket.FLAG_BROADCAST, 0, RELAY), MessageType.ACK, new Destination(RELAY, 67, false)),
        row("relayed NAK: to the relay too", request(request, 0, 0, RELAY), MessageType.NAK,
            new Destination(RELAY, 67, false)),
        row("relayed renewal (ciaddr and giaddr): giaddr wins", request(request, 0, CLIENT, RELAY), MessageType.ACK,
            new Destination(RELAY, 67, false)),
        row("NAK without relay: broadcast to 68", request(request, 0, 0, 0), MessageType.NAK, broadcast68()),
        row("NAK to a renewing client (ciaddr set): still broadcast", request(request, 0, CLIENT, 0),
            MessageType.NAK, broadcast68()),
        row("renewal (ciaddr set): unicast to ciaddr:68", request(request, 0, CLIENT, 0), MessageType.ACK,
            new Destination(CLIENT, 68, false)),
        row("INFORM (ciaddr set): unicast to ciaddr:68", request(MessageType.INFORM, 0, CLIENT, 0), MessageType.ACK,
            new Destination(CLIENT, 68, false)),
        row("DISCOVER, broadcast flag set: broadcast", request(discover, DhcpPacket.FLAG_BROADCAST, 0, 0),
            MessageType.OFFER, broadcast68()),
        row("DISCOVER, broadcast flag clear: broadcast too (no ARP injection)", request(discover, 0, 0, 0),
            MessageType.OFFER, broadcast68()),
        row("SELECTING REQUEST: broadcast", request(request, 0, 0, 0), MessageType.ACK, broadcast68()),
        row("EDK2 DISCOVER (captured, flag 0x8000): broadcast", captured("uefi-edk2", 1), MessageType.OFFER,
            broadcast68()),
        row("EDK2 SELECTING REQUEST (captured): broadcast", captured("uefi-edk2", 3), MessageType.ACK,
            broadcast68()),
        row("iPXE ROM DISCOVER (captured, flag 0): broadcast", captured("bios-ipxe", 1), MessageType.OFFER,
            broadcast68()),
        row("iPXE ROM REQUEST (captured, flag 0): broadcast", captured("bios-ipxe", 3), MessageType.ACK,
            broadcast68()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void routes(Case c) {
    DhcpPacket reply = ReplyRouting.forRelay(c.request(), reply(c.request(), c.reply()));
    assertEquals(c.expected(), ReplyRouting.destination(c.request(), reply));
  }

  // ------------------------------------------------------------------------------------------ forRelay

  private record RelayCase(DhcpPacket request, MessageType reply, boolean broadcastFlag) {}

  private static Arguments relay(String name, DhcpPacket request, MessageType reply, boolean flag) {
    return Arguments.of(named(name, new RelayCase(request, reply, flag)));
  }

  static Stream<Arguments> relayCases() {
    return Stream.of(
        relay("relayed NAK gets the broadcast flag (RFC 2131 §4.1: the relay broadcasts it)",
            request(MessageType.REQUEST, 0, 0, RELAY), MessageType.NAK, true),
        relay("relayed NAK that already has it keeps it",
            request(MessageType.REQUEST, DhcpPacket.FLAG_BROADCAST, 0, RELAY), MessageType.NAK, true),
        relay("relayed ACK is left alone", request(MessageType.REQUEST, 0, 0, RELAY), MessageType.ACK, false),
        relay("relayed OFFER is left alone", request(MessageType.DISCOVER, 0, 0, RELAY), MessageType.OFFER, false),
        relay("NAK without relay is left alone (it is broadcast anyway)", request(MessageType.REQUEST, 0, 0, 0),
            MessageType.NAK, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("relayCases")
  void forRelay(RelayCase c) {
    DhcpPacket r = reply(c.request(), c.reply());
    DhcpPacket out = ReplyRouting.forRelay(c.request(), r);
    assertEquals(c.broadcastFlag(), out.broadcastFlag(), "broadcast flag");
    int flags = c.broadcastFlag() ? r.flags() | DhcpPacket.FLAG_BROADCAST : r.flags();
    assertEquals(new DhcpPacket(r.op(), r.htype(), r.hlen(), r.hops(), r.xid(), r.secs(), flags, r.ciaddr(),
        r.yiaddr(), r.siaddr(), r.giaddr(), r.chaddr(), r.sname(), r.file(), r.options()), out, "only the flag");
    assertEquals(out, DhcpCodec.decode(DhcpCodec.encode(out)), "well-formed");
  }

  // ------------------------------------------------------------------------------------------ port 4011

  private record SourceCase(int address, int port, Destination expected) {}

  private static Arguments source(String name, int address, int port, Destination expected) {
    return Arguments.of(named(name, new SourceCase(address, port, expected)));
  }

  static Stream<Arguments> bootServerCases() {
    Pcap.Udp ipxe = udp("proxy-bios", 9);
    Pcap.Udp edk2 = udp("proxy-uefi", 6);
    Pcap.Udp snponly = udp("proxy-uefi", 18);
    return Stream.of(
        source("iPXE BIOS 4011 REQUEST (captured, from port 68): back to its address and 68",
            Ip4.parse(ipxe.src()), ipxe.srcPort(), new Destination(Ip4.parse("10.213.0.101"), 68, false)),
        source("EDK2 4011 REQUEST (captured, from port 4011): back to 4011, not 68",
            Ip4.parse(edk2.src()), edk2.srcPort(), new Destination(CLIENT, 4011, false)),
        source("snponly.efi iPXE 4011 REQUEST (captured, from port 68)",
            Ip4.parse(snponly.src()), snponly.srcPort(), new Destination(CLIENT, 68, false)),
        source("source 0.0.0.0: broadcast to the source port", 0, 68, new Destination(BROADCAST, 68, true)),
        source("source 0.0.0.0 from port 4011: broadcast to 4011", 0, 4011, new Destination(BROADCAST, 4011, true)),
        source("an unusual source port is kept", CLIENT, 1068, new Destination(CLIENT, 1068, false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bootServerCases")
  void bootServerReplyGoesBackToTheSource(SourceCase c) {
    assertEquals(c.expected(), ReplyRouting.bootServerReply(c.address(), c.port()));
  }

  // ------------------------------------------------------------------------------------------ captures

  private static List<Pcap.Udp> datagrams(String capture) {
    String resource = "/captures/" + capture + ".pcap";
    try (InputStream in = ReplyRoutingTest.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalArgumentException("no test resource " + resource);
      return Pcap.udpDatagrams(in.readAllBytes(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Pcap.Udp udp(String capture, int frame) {
    return datagrams(capture).stream().filter(u -> u.frame() == frame).findFirst().orElseThrow();
  }

  private static DhcpPacket captured(String capture, int frame) {
    DhcpPacket p = DhcpCodec.decode(udp(capture, frame).payload());
    assertEquals(DhcpPacket.BOOTREQUEST, p.op());
    return p;
  }
}
