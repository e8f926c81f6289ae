package dev.pxebus.dhcp.codec;

import static dev.pxebus.dhcp.codec.DhcpCodecTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.dhcp.codec.PxeOptions.BootItem;
import dev.pxebus.dhcp.codec.PxeOptions.BootServer;
import dev.pxebus.dhcp.codec.PxeOptions.MenuItem;
import dev.pxebus.dhcp.codec.PxeOptions.MenuPrompt;
import dev.pxebus.dhcp.codec.PxeOptions.Ndi;
import dev.pxebus.dhcp.codec.PxeOptions.SubOption;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** PXE option values, from the real proxyDHCP and firmware packets in the captures, and back to the same bytes. */
class PxeOptionsTest {
  private static final int PXE_TYPE_8000 = 0x8000;
  private static final int SERVER = DhcpPacket.Ip4.parse("10.213.0.1");

  @Test
  void decodesTheProxyOfferMenuAndEncodesItBackToTheSameBytes() {
    DhcpPacket offer = packet("proxy-bios", 2);
    assertEquals(MessageType.OFFER, offer.messageType());
    assertEquals("PXEClient", new String(offer.optionValue(OptionCode.VENDOR_CLASS).orElseThrow(),
        StandardCharsets.US_ASCII));
    byte[] raw = offer.optionValue(OptionCode.VENDOR_SPECIFIC).orElseThrow();
    assertEquals("06010308078000010ad50001090f80000c4c6162207078656c696e75780a0e004c61622070726f787944484350ff",
        HexFormat.of().formatHex(raw));

    List<SubOption> subs = PxeOptions.decodeSubOptions(raw);
    assertEquals(List.of(6, 8, 9, 10), subs.stream().map(SubOption::code).toList());
    int control = PxeOptions.decodeDiscoveryControl(value(subs, PxeOptions.DISCOVERY_CONTROL));
    assertEquals(PxeOptions.DISABLE_BROADCAST_DISCOVERY | PxeOptions.DISABLE_MULTICAST_DISCOVERY, control);
    List<BootServer> servers = PxeOptions.decodeBootServers(value(subs, PxeOptions.BOOT_SERVERS));
    assertEquals(List.of(new BootServer(PXE_TYPE_8000, List.of(SERVER))), servers);
    List<MenuItem> menu = PxeOptions.decodeBootMenu(value(subs, PxeOptions.BOOT_MENU));
    assertEquals(List.of(new MenuItem(PXE_TYPE_8000, "Lab pxelinux")), menu);
    MenuPrompt prompt = PxeOptions.decodeMenuPrompt(value(subs, PxeOptions.MENU_PROMPT));
    assertEquals(new MenuPrompt(0, "Lab proxyDHCP"), prompt);

    // What a proxyDHCP server would write: the same four sub-options from the typed values, then end.
    byte[] built = PxeOptions.encodeSubOptions(List.of(
        new SubOption(PxeOptions.DISCOVERY_CONTROL, PxeOptions.encodeDiscoveryControl(control)),
        new SubOption(PxeOptions.BOOT_SERVERS, PxeOptions.encodeBootServers(servers)),
        new SubOption(PxeOptions.BOOT_MENU, PxeOptions.encodeBootMenu(menu)),
        new SubOption(PxeOptions.MENU_PROMPT, PxeOptions.encodeMenuPrompt(prompt))));
    assertArrayEquals(raw, built);
    assertArrayEquals(raw, PxeOptions.encodeSubOptions(subs));
  }

  @Test
  void decodesTheBootItemOfThe4011RequestAndItsAck() {
    DhcpPacket request = packet("proxy-bios", 9);
    assertEquals(MessageType.REQUEST, request.messageType());
    byte[] raw = request.optionValue(OptionCode.VENDOR_SPECIFIC).orElseThrow();
    assertEquals("470480000000ff", HexFormat.of().formatHex(raw));
    List<SubOption> subs = PxeOptions.decodeSubOptions(raw);
    BootItem item = PxeOptions.decodeBootItem(value(subs, PxeOptions.BOOT_ITEM));
    assertEquals(new BootItem(PXE_TYPE_8000, 0), item);
    assertArrayEquals(raw, PxeOptions.encodeSubOptions(
        List.of(new SubOption(PxeOptions.BOOT_ITEM, PxeOptions.encodeBootItem(item)))));

    DhcpPacket ack = packet("proxy-bios", 10);
    assertEquals("pxelinux.0", ack.file(), "dnsmasq puts the 4011 boot file in the BOOTP file field");
    byte[] ackRaw = ack.optionValue(OptionCode.VENDOR_SPECIFIC).orElseThrow();
    List<SubOption> ackSubs = PxeOptions.decodeSubOptions(ackRaw);
    assertEquals(List.of(71, 10), ackSubs.stream().map(SubOption::code).toList());
    assertEquals(item, PxeOptions.decodeBootItem(value(ackSubs, PxeOptions.BOOT_ITEM)));
    assertArrayEquals(ackRaw, PxeOptions.encodeSubOptions(ackSubs));
  }

  @Test
  void decodesWhatTheIpxeBiosRomSends() {
    DhcpPacket discover = packet("bios-pxelinux", 1);
    assertEquals("PXEClient:Arch:00000:UNDI:002001", text(discover, OptionCode.VENDOR_CLASS));
    assertEquals(List.of(0), PxeOptions.decodeClientArch(value(discover, OptionCode.CLIENT_ARCH)));
    assertEquals(new Ndi(PxeOptions.NDI_UNDI, 2, 1), PxeOptions.decodeNdi(value(discover, OptionCode.CLIENT_NDI)));
    assertEquals(Optional.of(new UUID(0, 0)), PxeOptions.decodeUuid(value(discover, OptionCode.CLIENT_UUID)));
    byte[] userClass = value(discover, OptionCode.USER_CLASS);
    assertEquals("69505845", HexFormat.of().formatHex(userClass), "raw iPXE, not RFC 3004");
    assertEquals(List.of("iPXE"), PxeOptions.decodeUserClasses(userClass));
    assertArrayEquals(userClass, PxeOptions.encodeUserClassRaw("iPXE"));

    // 175 as iPXE sends it: no end byte.
    byte[] encap = value(discover, OptionCode.IPXE_ENCAP);
    List<SubOption> subs = PxeOptions.decodeSubOptions(encap);
    assertEquals(List.of(177, 235, 23, 34, 19, 17, 39, 25, 41, 16, 33, 21, 24, 18),
        subs.stream().map(SubOption::code).toList());
    assertEquals("011af41000", HexFormat.of().formatHex(value(subs, PxeOptions.IPXE_BUS_ID)));
    assertEquals("010000", HexFormat.of().formatHex(value(subs, PxeOptions.IPXE_VERSION)));
    assertEquals("02", HexFormat.of().formatHex(value(subs, 16)));
    assertArrayEquals(encap, PxeOptions.encodeSubOptions(subs, false));

    // 175 as dnsmasq answers it: 176 (no proxyDHCP wait) = 1, then end.
    byte[] reply = value(packet("bios-pxelinux", 2), OptionCode.IPXE_ENCAP);
    assertEquals("b00101ff", HexFormat.of().formatHex(reply));
    assertEquals(List.of(new SubOption(PxeOptions.IPXE_NO_PXEDHCP, bytes(1))), PxeOptions.decodeSubOptions(reply));
    assertArrayEquals(reply,
        PxeOptions.encodeSubOptions(List.of(new SubOption(PxeOptions.IPXE_NO_PXEDHCP, bytes(1)))));
  }

  @Test
  void decodesWhatEdk2Sends() {
    DhcpPacket discover = packet("uefi-edk2", 1);
    assertEquals("PXEClient:Arch:00007:UNDI:003000", text(discover, OptionCode.VENDOR_CLASS));
    assertEquals(List.of(7), PxeOptions.decodeClientArch(value(discover, OptionCode.CLIENT_ARCH)));
    assertEquals(new Ndi(1, 3, 0), PxeOptions.decodeNdi(value(discover, OptionCode.CLIENT_NDI)));
    assertEquals(Optional.of(new UUID(0, 0)), PxeOptions.decodeUuid(value(discover, OptionCode.CLIENT_UUID)));
    assertTrue(discover.option(OptionCode.USER_CLASS).isEmpty());
    assertTrue(discover.option(OptionCode.IPXE_ENCAP).isEmpty());
    assertArrayEquals(value(discover, OptionCode.CLIENT_ARCH), PxeOptions.encodeClientArch(List.of(7)));
    assertArrayEquals(value(discover, OptionCode.CLIENT_NDI), PxeOptions.encodeNdi(new Ndi(1, 3, 0)));
    assertArrayEquals(value(discover, OptionCode.CLIENT_UUID), PxeOptions.encodeUuid(new UUID(0, 0)));
  }

  @Test
  void clientArchIsAListOf16BitTypes() {
    assertEquals(List.of(7, 9, 0x10), PxeOptions.decodeClientArch(bytes(0, 7, 0, 9, 0, 0x10)));
    assertEquals(List.of(), PxeOptions.decodeClientArch(new byte[0]));
    assertArrayEquals(bytes(0, 7, 0xff, 0xff), PxeOptions.encodeClientArch(List.of(7, 0xffff)));
    assertEquals("client arch (93) has odd length 3",
        assertThrows(DhcpCodecException.class, () -> PxeOptions.decodeClientArch(bytes(0, 7, 0))).getMessage());
  }

  @Test
  void uuidIsToleratedAbsentShortOrOfAnotherType() {
    assertEquals(Optional.empty(), PxeOptions.decodeUuid(null));
    assertEquals(Optional.empty(), PxeOptions.decodeUuid(new byte[0]));
    assertEquals(Optional.empty(), PxeOptions.decodeUuid(new byte[16]), "type byte missing");
    byte[] other = new byte[17];
    other[0] = 1;
    assertEquals(Optional.empty(), PxeOptions.decodeUuid(other));
    UUID u = UUID.fromString("4c4c4544-0031-3510-8051-b7c04f4a4d32");
    byte[] wire = PxeOptions.encodeUuid(u);
    assertEquals("004c4c45440031351080 51b7c04f4a4d32".replace(" ", ""), HexFormat.of().formatHex(wire));
    assertEquals(Optional.of(u), PxeOptions.decodeUuid(wire));
  }

  @Test
  void userClassReadsRfc3004AndIpxesRawForm() {
    assertEquals(List.of("iPXE"), PxeOptions.decodeUserClasses("iPXE".getBytes(StandardCharsets.US_ASCII)));
    byte[] rfc = bytes(4, 'i', 'P', 'X', 'E', 3, 'f', 'o', 'o');
    assertEquals(List.of("iPXE", "foo"), PxeOptions.decodeUserClasses(rfc));
    assertArrayEquals(rfc, PxeOptions.encodeUserClasses(List.of("iPXE", "foo")));
    // Not a clean RFC 3004 list (length 9 runs past the end): the whole value is one raw class.
    assertEquals(List.of("\tab"), PxeOptions.decodeUserClasses(bytes(9, 'a', 'b')));
    assertEquals(List.of(), PxeOptions.decodeUserClasses(new byte[0]));
    assertThrows(DhcpCodecException.class, () -> PxeOptions.encodeUserClasses(List.of("")));
  }

  @Test
  void subOptionsSkipPadsStopAtEndAndKeepUnknownCodes() {
    List<SubOption> subs = PxeOptions.decodeSubOptions(bytes(0, 200, 2, 1, 2, 0, 6, 1, 8, 255, 7, 7));
    assertEquals(List.of(new SubOption(200, bytes(1, 2)), new SubOption(6, bytes(8))), subs);
    assertEquals(Optional.of(new SubOption(6, bytes(8))), PxeOptions.find(subs, 6));
    assertEquals(Optional.empty(), PxeOptions.find(subs, 71));
  }

  @Test
  void malformedSubOptionsFailWithTheCodecException() {
    assertEquals("sub-option 8 at offset 3: length 9 runs past the end (4 bytes left)",
        assertThrows(DhcpCodecException.class,
            () -> PxeOptions.decodeSubOptions(bytes(6, 1, 3, 8, 9, 0x80, 0, 1, 10))).getMessage());
    assertEquals("sub-option 71 at offset 0 has no length byte", assertThrows(DhcpCodecException.class,
        () -> PxeOptions.decodeSubOptions(bytes(71))).getMessage());
    assertEquals("boot item (43.71) has length 3, expected 4", assertThrows(DhcpCodecException.class,
        () -> PxeOptions.decodeBootItem(bytes(0x80, 0, 0))).getMessage());
    assertEquals("boot servers (43.8): 2 addresses at offset 3 run past the end", assertThrows(
        DhcpCodecException.class, () -> PxeOptions.decodeBootServers(bytes(0x80, 0, 2, 10, 0, 0, 1))).getMessage());
    assertEquals("boot menu (43.9): description of 5 bytes at offset 3 runs past the end", assertThrows(
        DhcpCodecException.class, () -> PxeOptions.decodeBootMenu(bytes(0x80, 0, 5, 'a'))).getMessage());
    assertEquals("menu prompt (43.10) is empty, needs a timeout byte", assertThrows(DhcpCodecException.class,
        () -> PxeOptions.decodeMenuPrompt(new byte[0])).getMessage());
    assertEquals("client NDI (94) has length 2, expected 3", assertThrows(DhcpCodecException.class,
        () -> PxeOptions.decodeNdi(bytes(1, 2))).getMessage());
  }

  @Test
  void aMenuWithSeveralServerTypesRoundTrips() {
    List<BootServer> servers = List.of(new BootServer(0x8000, List.of(SERVER, SERVER + 1)),
        new BootServer(0x8001, List.of()));
    assertEquals(servers, PxeOptions.decodeBootServers(PxeOptions.encodeBootServers(servers)));
    List<MenuItem> menu = List.of(new MenuItem(0x8000, "Linux (BIOS)"), new MenuItem(0x8001, ""));
    assertEquals(menu, PxeOptions.decodeBootMenu(PxeOptions.encodeBootMenu(menu)));
    assertEquals(new MenuPrompt(255, ""), PxeOptions.decodeMenuPrompt(PxeOptions.encodeMenuPrompt(
        new MenuPrompt(255, ""))));
  }

  private static DhcpPacket packet(String capture, int frame) {
    return DhcpCodecGoldenTest.dhcp(capture).stream().filter(d -> d.frame() == frame).findFirst()
        .map(d -> DhcpCodec.decode(d.payload())).orElseThrow(() -> new AssertionError(capture + " frame " + frame));
  }

  private static byte[] value(DhcpPacket p, int code) {
    return p.optionValue(code).orElseThrow(() -> new AssertionError("no option " + code));
  }

  private static byte[] value(List<SubOption> subs, int code) {
    return PxeOptions.find(subs, code).orElseThrow(() -> new AssertionError("no sub-option " + code)).value();
  }

  private static String text(DhcpPacket p, int code) {
    return new String(value(p, code), StandardCharsets.ISO_8859_1);
  }
}
