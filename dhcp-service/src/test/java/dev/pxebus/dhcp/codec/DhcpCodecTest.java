package dev.pxebus.dhcp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hand-built packets: malformed input, RFC 2131/2132/3396 framing rules, and the encoder's choices. */
class DhcpCodecTest {
  private static final byte[] MAC = HexFormat.of().parseHex("525400aabbcc");

  // ------------------------------------------------------------------------------------------------ malformed

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("empty", new byte[0], "empty packet"),
        Arguments.of("1 byte", new byte[1], "packet too short: 1 bytes, the BOOTP header alone is 236"),
        Arguments.of("235 bytes", new byte[235], "packet too short: 235 bytes, the BOOTP header alone is 236"),
        Arguments.of("header only, no cookie", new byte[236],
            "no DHCP magic cookie: the packet ends 0 bytes after the header"),
        Arguments.of("truncated cookie", Arrays.copyOf(packet(new byte[0]), 239),
            "no DHCP magic cookie: the packet ends 3 bytes after the header"),
        Arguments.of("bad cookie (BOOTP vendor area of zeros)", new byte[300],
            "bad DHCP magic cookie 0x00000000, expected 0x63825363 (99.130.83.99)"),
        Arguments.of("bad cookie (byte-swapped)", with(packet(end()), 236, 0x63, 0x53, 0x82, 0x63),
            "bad DHCP magic cookie 0x63538263, expected 0x63825363 (99.130.83.99)"),
        Arguments.of("hlen 17", with(packet(end()), 2, 17), "hlen 17 is longer than the 16-byte chaddr field"),
        Arguments.of("hlen 255", with(packet(end()), 2, 255), "hlen 255 is longer than the 16-byte chaddr field"),
        Arguments.of("option length past the end", packet(bytes(53, 1, 1, 12, 10, 'a', 'b')),
            "option 12 at offset 243 in the options: length 10 runs past the end (2 bytes left)"),
        Arguments.of("option length past the end by one", packet(bytes(53, 1, 1, 12, 3, 'a', 'b')),
            "option 12 at offset 243 in the options: length 3 runs past the end (2 bytes left)"),
        Arguments.of("option without its length byte", packet(bytes(53, 1, 1, 12)),
            "option 12 at offset 243 in the options has no length byte"),
        Arguments.of("overload value 4", packet(bytes(53, 1, 1, 52, 1, 4, 255)),
            "invalid option overload value 4 (RFC 2132 §9.3 allows 1, 2, 3)"),
        Arguments.of("overload value 0", packet(bytes(53, 1, 1, 52, 1, 0, 255)),
            "invalid option overload value 0 (RFC 2132 §9.3 allows 1, 2, 3)"),
        Arguments.of("overload of length 2", packet(bytes(52, 2, 0, 1, 255)),
            "option overload (52) has length 2, expected 1"),
        Arguments.of("overload twice (joined per RFC 3396: length 2)", packet(bytes(52, 1, 1, 52, 1, 1, 255)),
            "option overload (52) has length 2, expected 1"),
        Arguments.of("overload loop: 52 inside file", withFile(packet(bytes(52, 1, 1, 255)), bytes(52, 1, 3, 255)),
            "option overload loop: option 52 inside the file field"),
        Arguments.of("overload loop: 52 inside sname",
            withSname(packet(bytes(52, 1, 2, 255)), bytes(12, 1, 'x', 52, 1, 2, 255)),
            "option overload loop: option 52 inside the sname field"),
        Arguments.of("overload loop: 52 inside sname after file",
            withSname(withFile(packet(bytes(52, 1, 3, 255)), bytes(255)), bytes(52, 1, 1, 255)),
            "option overload loop: option 52 inside the sname field"),
        Arguments.of("option in file runs past the field", withFile(packet(bytes(52, 1, 1, 255)),
            cat(new byte[120], bytes(12, 20, 'a'))),
            "option 12 at offset 228 in the file field: length 20 runs past the end (6 bytes left)"),
        Arguments.of("option at the last byte of sname", withSname(packet(bytes(52, 1, 2, 255)),
            cat(new byte[63], bytes(15))),
            "option 15 at offset 107 in the sname field has no length byte"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedPacketsFailWithOneExceptionTypeAndASpecificMessage(String name, byte[] packet, String message) {
    DhcpCodecException e = assertThrows(DhcpCodecException.class, () -> DhcpCodec.decode(packet), name);
    assertEquals(message, e.getMessage(), name);
    DhcpCodecException viaBuffer = assertThrows(DhcpCodecException.class,
        () -> DhcpCodec.decode(ByteBuffer.wrap(packet)), name);
    assertEquals(message, viaBuffer.getMessage(), name);
  }

  @Test
  void nullIsACodecErrorToo() {
    assertEquals("no packet (null buffer)",
        assertThrows(DhcpCodecException.class, () -> DhcpCodec.decode((ByteBuffer) null)).getMessage());
    assertEquals("no packet (null)",
        assertThrows(DhcpCodecException.class, () -> DhcpCodec.decode((byte[]) null)).getMessage());
  }

  /** Every prefix of a real packet decodes or fails with the codec's exception, never anything else. */
  @Test
  void everyTruncationOfARealPacketFailsCleanly() {
    byte[] real = DhcpCodecGoldenTest.dhcp("proxy-bios").get(8).payload(); // 4011 REQUEST, 386 bytes
    int decoded = 0;
    for (int n = 0; n <= real.length; n++) {
      try {
        DhcpCodec.decode(Arrays.copyOf(real, n));
        decoded++;
      } catch (DhcpCodecException expected) {
        assertFalse(expected.getMessage().isBlank());
      }
    }
    // 240 (cookie only), one per option boundary cut, and the whole packet.
    assertEquals(13, decoded);
  }

  // ------------------------------------------------------------------------------------------------ decoding

  @Test
  void aMissingEndOptionIsToleratedWhenThePacketEndsOnAnOptionBoundary() {
    // RFC 2131 §4.1 wants end, but the intent is unambiguous; rejecting it would only drop a client.
    DhcpPacket p = DhcpCodec.decode(packet(bytes(53, 1, 1, 61, 7, 1, 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc)));
    assertEquals(MessageType.DISCOVER, p.messageType());
    assertEquals(List.of(opt(53, 1), opt(61, 1, 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc)), p.options());
    byte[] again = DhcpCodec.encode(p);
    assertEquals(300, again.length);
    assertEquals(0xFF, again[240 + 3 + 9] & 0xFF, "encode writes the end option");
  }

  @Test
  void aCookieAloneIsAPacketWithoutOptions() {
    DhcpPacket p = DhcpCodec.decode(packet(new byte[0]));
    assertEquals(List.of(), p.options());
    assertEquals(MessageType.UNKNOWN, p.messageType());
  }

  @Test
  void headerFieldsAreReadAsUnsignedAndAddressesAsInts() {
    byte[] b = packet(end());
    b[0] = 2;
    b[3] = (byte) 200; // hops
    System.arraycopy(bytes(0xff, 0xfe, 0xfd, 0xfc), 0, b, 4, 4); // xid
    System.arraycopy(bytes(0xff, 0xff, 0x80, 0x00), 0, b, 8, 4); // secs 65535, broadcast flag
    System.arraycopy(bytes(10, 0, 0, 1, 10, 0, 0, 2, 10, 0, 0, 3, 192, 168, 255, 254), 0, b, 12, 16);
    DhcpPacket p = DhcpCodec.decode(b);
    assertEquals(2, p.op());
    assertEquals(200, p.hops());
    assertEquals(0xfffefdfcL, p.xid());
    assertEquals(65535, p.secs());
    assertTrue(p.broadcastFlag());
    assertEquals("10.0.0.1", DhcpPacket.Ip4.text(p.ciaddr()));
    assertEquals("10.0.0.2", DhcpPacket.Ip4.text(p.yiaddr()));
    assertEquals("10.0.0.3", DhcpPacket.Ip4.text(p.siaddr()));
    assertEquals("192.168.255.254", DhcpPacket.Ip4.text(p.giaddr()));
    assertArrayEquals(MAC, p.chaddr());
    assertArrayEquals(pad300(b), DhcpCodec.encode(p));
  }

  @Test
  void chaddrIsHlenBytesAndHlenZeroAndSixteenAreValid() {
    assertArrayEquals(new byte[0], DhcpCodec.decode(with(packet(end()), 2, 0)).chaddr());
    byte[] b = with(packet(end()), 2, 16);
    for (int i = 0; i < 16; i++) b[28 + i] = (byte) (i + 1);
    DhcpPacket p = DhcpCodec.decode(b);
    assertEquals(16, p.chaddr().length);
    assertArrayEquals(pad300(b), DhcpCodec.encode(p));
  }

  @Test
  void padsAreSkippedAndBytesAfterEndIgnored() {
    byte[] b = packet(bytes(0, 0, 53, 1, 3, 0, 54, 4, 10, 0, 0, 1, 255, 0xde, 0xad, 0xbe, 0xef));
    DhcpPacket p = DhcpCodec.decode(b);
    assertEquals(List.of(opt(53, 3), opt(54, 10, 0, 0, 1)), p.options());
    // Documented: pads between options and what follows end are not kept; the re-encoding is the canonical form.
    byte[] again = DhcpCodec.encode(p);
    assertEquals(300, again.length);
    assertEquals(p, DhcpCodec.decode(again));
  }

  @Test
  void unknownOptionsArePreservedInWireOrderByteForByte() {
    byte[] b = pad300(packet(bytes(53, 1, 1, 224, 3, 1, 2, 3, 0xfe, 0, 150, 2, 0xab, 0xcd, 255)));
    DhcpPacket p = DhcpCodec.decode(b);
    assertEquals(List.of(opt(53, 1), opt(224, 1, 2, 3), opt(254), opt(150, 0xab, 0xcd)), p.options());
    assertArrayEquals(b, DhcpCodec.encode(p));
  }

  @Test
  void repeatedInstancesAreJoinedInOrderAtTheFirstPlace() {
    // RFC 3396 §7: the instances of one code form one option, concatenated in order.
    DhcpPacket p = DhcpCodec.decode(packet(bytes(43, 2, 6, 1, 53, 1, 2, 43, 2, 3, 255, 255)));
    assertEquals(List.of(opt(43, 6, 1, 3, 255), opt(53, 2)), p.options());
    byte[] again = DhcpCodec.encode(p);
    assertEquals(p, DhcpCodec.decode(again));
    assertArrayEquals(bytes(43, 4, 6, 1, 3, 255, 53, 1, 2, 255), Arrays.copyOfRange(again, 240, 250));
  }

  @Test
  void longOptionsAreSplitInto255ByteInstancesAndJoinedBack() {
    byte[] big = new byte[600];
    for (int i = 0; i < big.length; i++) big[i] = (byte) i;
    DhcpPacket p = packetWith(List.of(opt(53, 5), new DhcpOption(43, big), opt(54, 10, 0, 0, 1)));
    byte[] wire = DhcpCodec.encode(p);
    assertEquals(240 + 3 + (2 + 255) + (2 + 255) + (2 + 90) + 6 + 1, wire.length);
    assertEquals(43, wire[243] & 0xFF);
    assertEquals(255, wire[244] & 0xFF);
    assertEquals(43, wire[243 + 257] & 0xFF);
    assertEquals(255, wire[244 + 257] & 0xFF);
    assertEquals(43, wire[243 + 514] & 0xFF);
    assertEquals(90, wire[244 + 514] & 0xFF);
    assertEquals(p, DhcpCodec.decode(wire));
  }

  @Test
  void anOptionOfExactly255BytesIsOneInstanceAndAnEmptyOptionIsKept() {
    DhcpPacket p = packetWith(List.of(new DhcpOption(43, new byte[255]), opt(80)));
    byte[] wire = DhcpCodec.encode(p);
    assertEquals(240 + 257 + 2 + 1, wire.length);
    assertEquals(p, DhcpCodec.decode(wire));
  }

  @Test
  void overloadedFileAndSnameAreReadAfterTheOptionsInRfc2131Order() {
    // RFC 2131 §4.1: options field, then file, then sname. Option 43 is split over all three (RFC 3396).
    byte[] b = packet(bytes(53, 1, 5, 52, 1, 3, 43, 2, 6, 1, 255));
    b = withFile(b, bytes(67, 10, 'p', 'x', 'e', 'l', 'i', 'n', 'u', 'x', '.', '0', 43, 1, 3, 255));
    b = withSname(b, bytes(66, 3, 't', 'f', 'p', 43, 1, 255));
    DhcpPacket p = DhcpCodec.decode(b);
    assertEquals("", p.file(), "file carried options, so it reads as empty");
    assertEquals("", p.sname());
    assertEquals(List.of(opt(53, 5), opt(43, 6, 1, 3, 255), opt(67, "pxelinux.0"), opt(66, "tfp")), p.options());
    assertTrue(p.option(OptionCode.OVERLOAD).isEmpty(), "52 is framing, consumed by the codec");
    assertEquals(p, DhcpCodec.decode(DhcpCodec.encode(p)));
  }

  @Test
  void overloadOfFileOnlyLeavesSnameAText() {
    byte[] b = withSname(withFile(packet(bytes(52, 1, 1, 255)), bytes(67, 2, 'a', 'b')), bytes('s', 'r', 'v', 0));
    DhcpPacket p = DhcpCodec.decode(b); // no end in file: tolerated, the field ends there
    assertEquals("srv", p.sname());
    assertEquals("", p.file());
    assertEquals(List.of(opt(67, "ab")), p.options());
  }

  @Test
  void overloadOfSnameOnlyLeavesFileAText() {
    byte[] b = withSname(withFile(packet(bytes(52, 1, 2, 255)), bytes('f', 0, 'x')), bytes(12, 1, 'h', 255));
    DhcpPacket p = DhcpCodec.decode(b);
    assertEquals("f", p.file(), "read up to the first NUL");
    assertEquals("", p.sname());
    assertEquals(List.of(opt(12, "h")), p.options());
  }

  @Test
  void snameAndFileAreLatin1UpToTheFirstNulOrTheFieldsEnd() {
    byte[] full = new byte[64];
    Arrays.fill(full, (byte) 0xe9);
    byte[] b = withFile(withSname(packet(end()), full), "boot/\u00e9.efi".getBytes(StandardCharsets.ISO_8859_1));
    DhcpPacket p = DhcpCodec.decode(pad300(b));
    assertEquals("\u00e9".repeat(64), p.sname());
    assertEquals("boot/\u00e9.efi", p.file());
    assertArrayEquals(pad300(b), DhcpCodec.encode(p));
  }

  // ------------------------------------------------------------------------------------------------ encoding

  @Test
  void encodePadsToTheBootpMinimumOf300Bytes() {
    byte[] wire = DhcpCodec.encode(packetWith(List.of(opt(53, 2))));
    assertEquals(300, wire.length);
    assertArrayEquals(bytes(53, 1, 2, 255), Arrays.copyOfRange(wire, 240, 244));
    for (int i = 244; i < 300; i++) assertEquals(0, wire[i]);
  }

  @Test
  void encodeWithAMaxSizeOverloadsFileThenSnameWhenTheOptionsDoNotFit() {
    List<DhcpOption> options = new ArrayList<>(List.of(opt(53, 2), opt(54, 10, 0, 0, 1)));
    for (int code = 200; code < 213; code++) options.add(new DhcpOption(code, new byte[30])); // 13 x 32 bytes
    DhcpPacket p = packetWith(options);
    byte[] plain = DhcpCodec.encode(p);
    assertEquals(240 + 3 + 6 + 13 * 32 + 1, plain.length);

    byte[] fileOnly = DhcpCodec.encode(p, 640);
    assertTrue(fileOnly.length <= 640);
    assertArrayEquals(bytes(52, 1, 1), Arrays.copyOfRange(fileOnly, 240, 243), "RFC 2131 §4.1: 52 in options");
    assertEquals(p, DhcpCodec.decode(fileOnly));

    byte[] both = DhcpCodec.encode(p, 548);
    assertTrue(both.length <= 548, "got " + both.length);
    assertArrayEquals(bytes(52, 1, 3), Arrays.copyOfRange(both, 240, 243));
    assertEquals(p, DhcpCodec.decode(both));

    // With file in use, only sname is left: its 64 bytes are not enough at 548, they are at 640.
    DhcpPacket withFile = new DhcpPacket(2, 1, 6, 0, 1, 0, 0, 0, 0, 0, 0, MAC, "", "pxelinux.0", options);
    DhcpCodecException e = assertThrows(DhcpCodecException.class, () -> DhcpCodec.encode(withFile, 548));
    assertEquals("options need 425 bytes and do not fit in 548 bytes (file/sname in use)", e.getMessage());
    byte[] snameOnly = DhcpCodec.encode(withFile, 640);
    assertArrayEquals(bytes(52, 1, 2), Arrays.copyOfRange(snameOnly, 240, 243));
    assertEquals(withFile, DhcpCodec.decode(snameOnly));
  }

  @Test
  void overloadingKeepsShortOptionsWholeAndSplitsOnlyWhatNoAreaHolds() {
    // PXE ROMs rarely join RFC 3396 instances: 224 moves whole into file rather than being split; 226 fits no area
    // whole any more, so it is split over file and sname (RFC 3396 §6).
    List<DhcpOption> options = List.of(opt(53, 2), new DhcpOption(43, new byte[200]),
        new DhcpOption(224, new byte[100]), opt(225, 7), new DhcpOption(226, new byte[80]));
    DhcpPacket p = packetWith(options);
    byte[] wire = DhcpCodec.encode(p, 548);
    assertEquals(449, wire.length);
    assertArrayEquals(bytes(52, 1, 3, 53, 1, 2, 43, 200), Arrays.copyOfRange(wire, 240, 248));
    assertEquals(255, wire[448] & 0xFF, "end right after 43");
    assertArrayEquals(bytes(224, 100), Arrays.copyOfRange(wire, 108, 110), "224 whole in file");
    assertArrayEquals(bytes(225, 1, 7, 226, 20), Arrays.copyOfRange(wire, 210, 215));
    assertEquals(255, wire[235] & 0xFF, "file closed by end");
    assertArrayEquals(bytes(226, 60), Arrays.copyOfRange(wire, 44, 46), "the rest of 226 in sname");
    assertEquals(255, wire[106] & 0xFF, "sname closed by end");
    assertEquals(p, DhcpCodec.decode(wire));
  }

  @Test
  void encodeIgnoresACallersOption52() {
    DhcpPacket p = packetWith(List.of(opt(53, 1), opt(52, 3)));
    DhcpPacket back = DhcpCodec.decode(DhcpCodec.encode(p));
    assertEquals(List.of(opt(53, 1)), back.options());
  }

  @Test
  void encodeRejectsWhatTheWireCannotCarry() {
    assertEncodeFails("chaddr has 7 bytes but hlen is 6",
        new DhcpPacket(1, 1, 6, 0, 1, 0, 0, 0, 0, 0, 0, new byte[7], "", "", List.of()));
    assertEncodeFails("hlen 17 is not 0..16",
        new DhcpPacket(1, 1, 17, 0, 1, 0, 0, 0, 0, 0, 0, new byte[17], "", "", List.of()));
    assertEncodeFails("sname is 65 bytes, the field holds 64",
        new DhcpPacket(1, 1, 6, 0, 1, 0, 0, 0, 0, 0, 0, MAC, "s".repeat(65), "", List.of()));
    assertEncodeFails("file is 129 bytes, the field holds 128",
        new DhcpPacket(1, 1, 6, 0, 1, 0, 0, 0, 0, 0, 0, MAC, "", "f".repeat(129), List.of()));
    assertEncodeFails("file has a character outside ISO-8859-1 at index 1",
        new DhcpPacket(1, 1, 6, 0, 1, 0, 0, 0, 0, 0, 0, MAC, "", "a\u20acb", List.of()));
    assertEncodeFails("xid 4294967296 is not 32-bit",
        new DhcpPacket(1, 1, 6, 0, 1L << 32, 0, 0, 0, 0, 0, 0, MAC, "", "", List.of()));
    assertEncodeFails("secs 65536 is not 0..65535",
        new DhcpPacket(1, 1, 6, 0, 1, 65536, 0, 0, 0, 0, 0, MAC, "", "", List.of()));
    assertEncodeFails("op 256 is not 0..255",
        new DhcpPacket(256, 1, 6, 0, 1, 0, 0, 0, 0, 0, 0, MAC, "", "", List.of()));
    DhcpCodecException e = assertThrows(DhcpCodecException.class,
        () -> DhcpCodec.encode(packetWith(List.of()), 547));
    assertEquals("max size 547 is below the RFC 2131 minimum of 548", e.getMessage());
  }

  @Test
  void packetsAreEqualByContent() {
    DhcpPacket a = packetWith(List.of(opt(53, 1)));
    DhcpPacket b = packetWith(List.of(opt(53, 1)));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertFalse(a.equals(packetWith(List.of(opt(53, 2)))));
    assertTrue(a.toString().contains("chaddr=52:54:00:aa:bb:cc"), a.toString());
  }

  // ------------------------------------------------------------------------------------------------ builders

  private static void assertEncodeFails(String message, DhcpPacket p) {
    assertEquals(message, assertThrows(DhcpCodecException.class, () -> DhcpCodec.encode(p)).getMessage());
  }

  static DhcpPacket packetWith(List<DhcpOption> options) {
    return new DhcpPacket(2, 1, 6, 0, 0x1234, 0, 0, 0, DhcpPacket.Ip4.parse("10.0.0.9"), 0, 0, MAC, "", "", options);
  }

  /** Header (BOOTREQUEST, Ethernet, {@link #MAC}), cookie, then the given option bytes as they are. */
  static byte[] packet(byte[] options) {
    byte[] b = new byte[240 + options.length];
    b[0] = 1;
    b[1] = 1;
    b[2] = 6;
    System.arraycopy(MAC, 0, b, 28, 6);
    b[236] = 99;
    b[237] = (byte) 130;
    b[238] = 83;
    b[239] = 99;
    System.arraycopy(options, 0, b, 240, options.length);
    return b;
  }

  static byte[] pad300(byte[] b) {
    return b.length >= 300 ? b : Arrays.copyOf(b, 300);
  }

  static byte[] with(byte[] b, int at, int... values) {
    byte[] c = b.clone();
    for (int i = 0; i < values.length; i++) c[at + i] = (byte) values[i];
    return c;
  }

  static byte[] withSname(byte[] b, byte[] sname) {
    byte[] c = b.clone();
    System.arraycopy(sname, 0, c, 44, sname.length);
    return c;
  }

  static byte[] withFile(byte[] b, byte[] file) {
    byte[] c = b.clone();
    System.arraycopy(file, 0, c, 108, file.length);
    return c;
  }

  static byte[] end() {
    return bytes(255);
  }

  static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
    return b;
  }

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  static DhcpOption opt(int code, int... value) {
    return new DhcpOption(code, bytes(value));
  }

  static DhcpOption opt(int code, String value) {
    return new DhcpOption(code, value.getBytes(StandardCharsets.ISO_8859_1));
  }
}
