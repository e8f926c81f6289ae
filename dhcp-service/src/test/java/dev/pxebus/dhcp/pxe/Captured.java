package dev.pxebus.dhcp.pxe;

import dev.pxebus.testing.Pcap;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pxebus.dhcp.codec.DhcpCodec;
import dev.pxebus.dhcp.codec.DhcpOption;
import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.MessageType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The real packets of {@code src/test/resources/captures/*.pcap} (see {@code shared/captures/README.md}): frame
 * numbers count every frame of that pcap, as Wireshark does, and each constant checks it is the message it claims.
 */
final class Captured {
  private Captured() {}

  /** What dnsmasq (the server that the firmware here accepted) used: its address, also the TFTP/HTTP server. */
  static final int SERVER = DhcpPacket.Ip4.parse("10.213.0.1");

  /** One captured datagram: where it came from and what it said. */
  record Frame(String capture, int frame, int srcAddress, int srcPort, int dstPort, DhcpPacket packet) {
    @Override
    public String toString() {
      return capture + " #" + frame;
    }
  }

  static Frame frame(String capture, int frame, MessageType expected) {
    Pcap.Udp udp = udpDatagrams(capture).stream().filter(u -> u.frame() == frame).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(capture + " has no UDP datagram at frame " + frame));
    DhcpPacket p = DhcpCodec.decode(udp.payload());
    assertEquals(expected, p.messageType(), capture + " #" + frame);
    return new Frame(capture, frame, DhcpPacket.Ip4.parse(udp.src()), udp.srcPort(), udp.dstPort(), p);
  }

  /** Every BOOTREQUEST the firmware sent in a capture. */
  static List<Frame> requests(String capture) {
    List<Frame> out = new ArrayList<>();
    for (Pcap.Udp u : udpDatagrams(capture)) {
      if (u.dstPort() != 67 && u.dstPort() != 4011) continue;
      DhcpPacket p = DhcpCodec.decode(u.payload());
      if (p.op() == DhcpPacket.BOOTREQUEST) {
        out.add(new Frame(capture, u.frame(), DhcpPacket.Ip4.parse(u.src()), u.srcPort(), u.dstPort(), p));
      }
    }
    return out;
  }

  static DhcpPacket packet(String capture, int frame, MessageType expected) {
    return frame(capture, frame, expected).packet();
  }

  // ---------------------------------------------------------------------------------------- what the clients sent

  /** SeaBIOS + qemu's iPXE ROM (BIOS): arch 0, 77 = iPXE, 175, 97 zero UUID, broadcast flag 0. */
  static DhcpPacket ipxeBiosDiscover() {
    return packet("bios-ipxe", 1, MessageType.DISCOVER);
  }

  /** EDK2's own PXE client (OVMF): arch 7, no 77/175, 97 zero UUID, broadcast flag set. */
  static DhcpPacket edk2Discover() {
    return packet("uefi-edk2", 1, MessageType.DISCOVER);
  }

  /** EDK2's SELECTING REQUEST (54 + 50, ciaddr 0, broadcast flag set). */
  static DhcpPacket edk2Request() {
    return packet("uefi-edk2", 3, MessageType.REQUEST);
  }

  /** iPXE snponly.efi chained from EDK2: arch 7 and iPXE. */
  static DhcpPacket snponlyDiscover() {
    return packet("uefi-edk2", 10, MessageType.DISCOVER);
  }

  /** The iPXE BIOS ROM's SELECTING REQUEST (broadcast flag 0). */
  static DhcpPacket ipxeBiosRequest() {
    return packet("bios-ipxe", 3, MessageType.REQUEST);
  }

  /** The iPXE BIOS ROM's proxyDHCP-mode DISCOVER (the one dnsmasq's proxy answered with a menu). */
  static DhcpPacket proxyBiosDiscover() {
    return packet("proxy-bios", 1, MessageType.DISCOVER);
  }

  /** iPXE BIOS boot-server REQUEST to 10.213.0.1:4011 from port 68: 60 bare "PXEClient", 43.71 = 0x8000 layer 0. */
  static Frame ipxeBios4011Request() {
    return frame("proxy-bios", 9, MessageType.REQUEST);
  }

  /** EDK2 in proxy mode: its DISCOVER. */
  static DhcpPacket proxyEdk2Discover() {
    return packet("proxy-uefi", 1, MessageType.DISCOVER);
  }

  /** EDK2's REQUEST to 10.213.0.1:4011 from port 4011 (no 43). */
  static Frame edk24011Request() {
    return frame("proxy-uefi", 6, MessageType.REQUEST);
  }

  /** snponly.efi iPXE in proxy mode: its DISCOVER. */
  static DhcpPacket proxySnponlyDiscover() {
    return packet("proxy-uefi", 13, MessageType.DISCOVER);
  }

  /** snponly.efi iPXE's REQUEST to 10.213.0.1:4011 from port 68 (no 43). */
  static Frame snponly4011Request() {
    return frame("proxy-uefi", 18, MessageType.REQUEST);
  }

  // ---------------------------------------------------------------------------------------- what dnsmasq answered

  /** dnsmasq server mode → iPXE BIOS ROM: siaddr, 67 = script URL, 175.176 = 1, no 60. */
  static DhcpPacket dnsmasqOfferToIpxeBios() {
    return packet("bios-ipxe", 2, MessageType.OFFER);
  }

  /** dnsmasq server mode → EDK2: siaddr, 67 = snponly.efi, no 60. */
  static DhcpPacket dnsmasqOfferToEdk2() {
    return packet("uefi-edk2", 2, MessageType.OFFER);
  }

  /** dnsmasq proxy OFFER → iPXE BIOS ROM: 54, 60 PXEClient, 97, 43 with 6/8/9/10. */
  static DhcpPacket dnsmasqProxyOfferBios() {
    return packet("proxy-bios", 2, MessageType.OFFER);
  }

  /** dnsmasq boot-server ACK (4011) → iPXE BIOS: file pxelinux.0, 43 with 71 (+10). */
  static DhcpPacket dnsmasq4011AckBios() {
    return packet("proxy-bios", 10, MessageType.ACK);
  }

  /** dnsmasq proxy OFFER → EDK2: siaddr, 54, 60 PXEClient, 97, no 43. */
  static DhcpPacket dnsmasqProxyOfferEdk2() {
    return packet("proxy-uefi", 3, MessageType.OFFER);
  }

  /** dnsmasq boot-server ACK (4011 → 4011) → EDK2: file snponly.efi, sname and siaddr the server. */
  static DhcpPacket dnsmasq4011AckEdk2() {
    return packet("proxy-uefi", 7, MessageType.ACK);
  }

  /** dnsmasq proxy OFFER → snponly.efi iPXE: no 43. */
  static DhcpPacket dnsmasqProxyOfferSnponly() {
    return packet("proxy-uefi", 14, MessageType.OFFER);
  }

  /** dnsmasq boot-server ACK (4011 → 68) → snponly.efi iPXE: file = the script URL. */
  static DhcpPacket dnsmasq4011AckSnponly() {
    return packet("proxy-uefi", 19, MessageType.ACK);
  }

  // ---------------------------------------------------------------------------------------- editing packets

  /** The packet without the options of these codes. */
  static DhcpPacket without(DhcpPacket p, Integer... codes) {
    Set<Integer> drop = Set.of(codes);
    return p.withOptions(p.options().stream().filter(o -> !drop.contains(o.code())).toList());
  }

  /** The packet with this option's value replaced (or added at the end when absent). */
  static DhcpPacket with(DhcpPacket p, int code, byte[] value) {
    List<DhcpOption> out = new ArrayList<>();
    boolean replaced = false;
    for (DhcpOption o : p.options()) {
      if (o.code() == code) {
        out.add(new DhcpOption(code, value));
        replaced = true;
      } else {
        out.add(o);
      }
    }
    if (!replaced) out.add(new DhcpOption(code, value));
    return p.withOptions(out);
  }

  static DhcpPacket with(DhcpPacket p, int code, String value) {
    return with(p, code, value.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
    return out;
  }

  static byte[] zeroUuid() {
    return new byte[17];
  }

  /** An option value as text without the trailing NULs dnsmasq puts after strings. */
  static String text(byte[] v) {
    int n = v.length;
    while (n > 0 && v[n - 1] == 0) n--;
    return new String(Arrays.copyOf(v, n), java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static List<Pcap.Udp> udpDatagrams(String capture) {
    String resource = "/captures/" + capture + ".pcap";
    try (InputStream in = Captured.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalArgumentException("no test resource " + resource);
      return Pcap.udpDatagrams(in.readAllBytes(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
