package dev.pxebus.dhcp.codec;

import dev.pxebus.testing.Pcap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every DHCP packet of the real firmware boots captured in shared/captures (copied into test resources): decoded to
 * the golden text, and re-encoded to the very same bytes.
 */
class DhcpCodecGoldenTest {

  @ParameterizedTest
  @ValueSource(strings = {"bios-pxelinux", "bios-ipxe", "proxy-bios", "proxy-uefi", "uefi-edk2"})
  void decodesEveryCapturedPacketToTheGoldenText(String capture) {
    List<Pcap.Udp> packets = dhcp(capture);
    StringBuilder text = new StringBuilder("# " + capture + ".pcap: " + packets.size() + " DHCP packets\n");
    for (Pcap.Udp d : packets) {
      DhcpPacket p = DhcpCodec.decode(ByteBuffer.wrap(d.payload()));
      text.append("\nframe ").append(d.frame()).append("  ").append(d.from()).append(" -> ").append(d.to())
          .append("  ").append(d.payload().length).append(" bytes\n");
      text.append(GoldenText.render(p, false));
    }
    GoldenText.assertGolden(capture + ".txt", text.toString());
  }

  /**
   * Golden round trip: none of these packets uses option 52, pads between options or repeated codes, and they end
   * either right after end or padded with zeros to 300 bytes — exactly what {@link DhcpCodec#encode} writes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"bios-pxelinux", "bios-ipxe", "proxy-bios", "proxy-uefi", "uefi-edk2"})
  void reEncodesEveryCapturedPacketByteForByte(String capture) {
    for (Pcap.Udp d : dhcp(capture)) {
      DhcpPacket p = DhcpCodec.decode(d.payload());
      byte[] again = DhcpCodec.encode(p);
      assertArrayEquals(d.payload(), again, () -> capture + " frame " + d.frame() + " re-encoded differently:\n  in  "
          + HexFormat.of().formatHex(d.payload()) + "\n  out " + HexFormat.of().formatHex(again));
      assertEquals(p, DhcpCodec.decode(again));
      // Through the size-limited encoder too: these all fit in 548 bytes, so no overload is used.
      assertArrayEquals(d.payload(), DhcpCodec.encode(p, DhcpCodec.MIN_MAX_SIZE), capture + " frame " + d.frame());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bios-pxelinux", "bios-ipxe", "proxy-bios", "proxy-uefi", "uefi-edk2"})
  void decodingLeavesTheBufferAsItWas(String capture) {
    byte[] payload = dhcp(capture).get(0).payload();
    ByteBuffer b = ByteBuffer.allocate(payload.length + 10).position(5);
    b.put(payload).flip().position(5);
    DhcpCodec.decode(b);
    assertEquals(5, b.position());
    assertEquals(5 + payload.length, b.limit());
    assertEquals(DhcpCodec.decode(payload), DhcpCodec.decode(b));
  }

  static List<Pcap.Udp> dhcp(String capture) {
    List<Pcap.Udp> packets = Pcap.onPorts(Pcap.udpDatagrams("/captures/" + capture + ".pcap"), Set.of(67, 68, 4011));
    assertFalse(packets.isEmpty(), capture + " has no DHCP packets");
    assertTrue(packets.stream().allMatch(d -> d.payload().length >= DhcpCodec.MIN_PACKET_LENGTH));
    return packets;
  }
}
