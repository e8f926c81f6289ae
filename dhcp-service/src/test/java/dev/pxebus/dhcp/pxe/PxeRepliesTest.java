package dev.pxebus.dhcp.pxe;

import static dev.pxebus.dhcp.pxe.Captured.SERVER;
import static dev.pxebus.dhcp.pxe.Captured.bytes;
import static dev.pxebus.dhcp.pxe.Captured.text;
import static dev.pxebus.dhcp.pxe.Captured.with;
import static dev.pxebus.dhcp.pxe.Captured.without;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.dhcp.codec.DhcpCodec;
import dev.pxebus.dhcp.codec.DhcpOption;
import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.dhcp.codec.MessageType;
import dev.pxebus.dhcp.codec.OptionCode;
import dev.pxebus.dhcp.codec.PxeOptions;
import dev.pxebus.dhcp.codec.PxeOptions.BootItem;
import dev.pxebus.dhcp.codec.PxeOptions.BootServer;
import dev.pxebus.dhcp.codec.PxeOptions.MenuItem;
import dev.pxebus.dhcp.codec.PxeOptions.SubOption;
import dev.pxebus.dhcp.pxe.BootFileSelector.Choice;
import dev.pxebus.dhcp.pxe.PxeClient.Kind;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The boot part of our replies, built for the real firmware requests in captures/ and compared field by field with
 * what dnsmasq answered there — the replies that firmware accepted and booted from. Every reply is encoded and decoded
 * back (it must be well-formed, and fit the 576-byte datagram every client accepts, RFC 2131 §2).
 */
class PxeRepliesTest {
  /** dnsmasq's HTTP base in the captures (its iPXE script was http://10.213.0.1:8080/boot.ipxe). */
  private static final String HTTP = "http://10.213.0.1:8080";
  /** A steered TFTP replica, not the DHCP server itself. */
  private static final int REPLICA = Ip4.parse("10.213.0.7");
  private static final int PXE_TYPE = 0x8000;

  /** The policy of the dnsmasq lab: pxelinux.0 for BIOS, snponly.efi for EFI, iPXE gets the script. */
  private static final BootPolicy LAB = new BootPolicy("pxelinux.0", "ipxe-ia32.efi", "snponly.efi", "ipxe-arm64.efi",
      "{http}/ipxe.efi", "{http}/ipxe-arm64.efi", Optional.of("{http}/boot.ipxe"), Map.of());
  /** The proxy-bios lab: its iPXE ROM got pxelinux.0 (dnsmasq had no iPXE rule there). */
  private static final BootPolicy LAB_NO_SCRIPT = new BootPolicy("pxelinux.0", "ipxe-ia32.efi", "snponly.efi",
      "ipxe-arm64.efi", "{http}/ipxe.efi", "{http}/ipxe-arm64.efi", Optional.empty(), Map.of());

  // ------------------------------------------------------------------------------------------ helpers

  private static PxeClient client(DhcpPacket req) {
    return PxeClassifier.classify(req).client().orElseThrow();
  }

  private static Choice choice(DhcpPacket req, BootPolicy policy, int server) {
    return BootFileSelector.select(client(req), policy, "52:54:00:1a:b0:0d", Ip4.text(server), HTTP).orElseThrow();
  }

  /** Encodes, decodes back, and checks nothing changed and it fits 548 bytes without overloading. */
  private static DhcpPacket wire(DhcpPacket reply) {
    byte[] b = DhcpCodec.encode(reply);
    assertTrue(b.length <= DhcpCodec.MIN_MAX_SIZE, () -> "reply of " + b.length + " bytes");
    assertArrayEquals(b, DhcpCodec.encode(reply, DhcpCodec.MIN_MAX_SIZE), "no overload needed");
    DhcpPacket back = DhcpCodec.decode(b);
    assertEquals(reply, back, "decode(encode(reply))");
    return back;
  }

  private static Optional<String> opt(DhcpPacket p, int code) {
    return p.optionValue(code).map(Captured::text);
  }

  private static List<Integer> codes(DhcpPacket p) {
    return p.options().stream().map(DhcpOption::code).toList();
  }

  private static List<SubOption> vendor(DhcpPacket p) {
    return PxeOptions.decodeSubOptions(p.optionValue(OptionCode.VENDOR_SPECIFIC).orElseThrow());
  }

  private static byte[] sub(List<SubOption> subs, int code) {
    return PxeOptions.find(subs, code).orElseThrow(() -> new AssertionError("no sub-option " + code)).value();
  }

  /** The header fields a reply copies from the request. */
  private static void assertAnswers(DhcpPacket req, DhcpPacket reply) {
    assertEquals(DhcpPacket.BOOTREPLY, reply.op(), "op");
    assertEquals(req.htype(), reply.htype(), "htype");
    assertEquals(req.hlen(), reply.hlen(), "hlen");
    assertEquals(req.xid(), reply.xid(), "xid");
    assertArrayEquals(req.chaddr(), reply.chaddr(), "chaddr");
    assertEquals(req.giaddr(), reply.giaddr(), "giaddr");
  }

  // ------------------------------------------------------------------------------------------ proxy OFFER (port 67)

  private record ProxyCase(Supplier<DhcpPacket> request, Supplier<DhcpPacket> dnsmasq, boolean menu) {}

  static Stream<Arguments> proxyOffers() {
    return Stream.of(
        Arguments.of(named("EDK2 DISCOVER ↔ dnsmasq's proxy OFFER (no 43: EDK2 asks 4011)",
            new ProxyCase(Captured::proxyEdk2Discover, Captured::dnsmasqProxyOfferEdk2, false))),
        Arguments.of(named("snponly.efi iPXE DISCOVER ↔ dnsmasq's proxy OFFER (no 43: iPXE asks 4011)",
            new ProxyCase(Captured::proxySnponlyDiscover, Captured::dnsmasqProxyOfferSnponly, false))),
        Arguments.of(named("BIOS PXE ROM DISCOVER (the captured ROM without 77/175) ↔ dnsmasq's OFFER with menu",
            new ProxyCase(() -> without(Captured.proxyBiosDiscover(), OptionCode.USER_CLASS, OptionCode.IPXE_ENCAP),
                Captured::dnsmasqProxyOfferBios, true))),
        Arguments.of(named("SeaBIOS iPXE ROM DISCOVER: no menu, iPXE asks 4011 (as snponly.efi did with dnsmasq)",
            new ProxyCase(Captured::proxyBiosDiscover, Captured::dnsmasqProxyOfferSnponly, false))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("proxyOffers")
  void proxyOfferIsShapedLikeDnsmasqs(ProxyCase c) {
    DhcpPacket req = c.request().get();
    DhcpPacket dnsmasq = c.dnsmasq().get();
    DhcpPacket offer = wire(PxeReplies.proxyOffer(req, client(req), SERVER, SERVER));

    assertAnswers(req, offer);
    assertEquals(MessageType.OFFER, offer.messageType());
    assertEquals(0, offer.yiaddr(), "yiaddr 0: the network's own DHCP server gives the address");
    assertEquals(0, offer.ciaddr(), "ciaddr");
    assertEquals(SERVER, offer.siaddr(), "siaddr = next server");
    assertEquals(dnsmasq.flags(), offer.flags(), "flags: broadcast, as dnsmasq");
    assertTrue(offer.broadcastFlag());
    assertEquals("", offer.sname());
    assertEquals("", offer.file(), "no boot file in a PXE proxy offer: the client asks port 4011");
    assertFalse(offer.option(OptionCode.BOOTFILE_NAME).isPresent(), "no option 67, as dnsmasq");
    for (int code : new int[] {OptionCode.SERVER_ID, OptionCode.VENDOR_CLASS, OptionCode.CLIENT_UUID}) {
      assertArrayEquals(dnsmasq.optionValue(code).orElseThrow(), offer.optionValue(code).orElseThrow(),
          "option " + code + " as dnsmasq sent it");
    }
    assertEquals("PXEClient", opt(offer, OptionCode.VENDOR_CLASS).orElseThrow());
    assertArrayEquals(req.optionValue(OptionCode.CLIENT_UUID).orElseThrow(),
        offer.optionValue(OptionCode.CLIENT_UUID).orElseThrow(), "option 97 echoed");

    if (!c.menu()) {
      assertEquals(codes(dnsmasq), codes(offer), "the same options as dnsmasq, in its order");
      assertEquals(dnsmasq.siaddr(), offer.siaddr(), "siaddr as dnsmasq");
      return;
    }
    // PXE spec 2.1 §2.2.5: a BIOS ROM goes on to the 4011 exchange from the boot-server list and menu in 43.
    List<SubOption> ours = vendor(offer);
    List<SubOption> theirs = vendor(dnsmasq);
    assertEquals(List.of(6, 8, 9, 10), ours.stream().map(SubOption::code).toList());
    assertEquals(theirs.stream().map(SubOption::code).toList(), ours.stream().map(SubOption::code).toList());
    int control = PxeOptions.decodeDiscoveryControl(sub(ours, PxeOptions.DISCOVERY_CONTROL));
    assertEquals(PxeOptions.DISABLE_BROADCAST_DISCOVERY | PxeOptions.DISABLE_MULTICAST_DISCOVERY, control);
    assertEquals(PxeOptions.decodeDiscoveryControl(sub(theirs, PxeOptions.DISCOVERY_CONTROL)), control);
    List<BootServer> servers = PxeOptions.decodeBootServers(sub(ours, PxeOptions.BOOT_SERVERS));
    assertEquals(List.of(new BootServer(PXE_TYPE, List.of(SERVER))), servers);
    assertEquals(PxeOptions.decodeBootServers(sub(theirs, PxeOptions.BOOT_SERVERS)), servers);
    List<MenuItem> menu = PxeOptions.decodeBootMenu(sub(ours, PxeOptions.BOOT_MENU));
    assertEquals(List.of(PXE_TYPE), menu.stream().map(MenuItem::type).toList(), "one item, the listed server type");
    assertEquals(PxeOptions.decodeBootMenu(sub(theirs, PxeOptions.BOOT_MENU)).stream().map(MenuItem::type).toList(),
        menu.stream().map(MenuItem::type).toList());
    assertEquals(0, PxeOptions.decodeMenuPrompt(sub(ours, PxeOptions.MENU_PROMPT)).timeout(), "boot at once");
    assertEquals(PxeOptions.decodeMenuPrompt(sub(theirs, PxeOptions.MENU_PROMPT)).timeout(),
        PxeOptions.decodeMenuPrompt(sub(ours, PxeOptions.MENU_PROMPT)).timeout());
    byte[] raw = offer.optionValue(OptionCode.VENDOR_SPECIFIC).orElseThrow();
    assertEquals(PxeOptions.END, raw[raw.length - 1] & 0xFF, "43 ends with PXE_END, as dnsmasq's");
  }

  // ------------------------------------------------------------------------------------------ boot-server ACK (4011)

  private record AckCase(Supplier<Captured.Frame> request, Supplier<DhcpPacket> dnsmasq, BootPolicy policy,
      boolean bootItem) {}

  static Stream<Arguments> bootServerAcks() {
    return Stream.of(
        Arguments.of(named("EDK2 REQUEST from port 4011 ↔ dnsmasq's ACK (snponly.efi)",
            new AckCase(Captured::edk24011Request, Captured::dnsmasq4011AckEdk2, LAB, false))),
        Arguments.of(named("snponly.efi iPXE REQUEST from port 68 ↔ dnsmasq's ACK (script URL)",
            new AckCase(Captured::snponly4011Request, Captured::dnsmasq4011AckSnponly, LAB, false))),
        Arguments.of(named("iPXE BIOS REQUEST from port 68 with 43.71 ↔ dnsmasq's ACK (pxelinux.0, 71 echoed)",
            new AckCase(Captured::ipxeBios4011Request, Captured::dnsmasq4011AckBios, LAB_NO_SCRIPT, true))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bootServerAcks")
  void bootServerAckIsShapedLikeDnsmasqs(AckCase c) {
    Captured.Frame f = c.request().get();
    DhcpPacket req = f.packet();
    assertEquals(4011, f.dstPort());
    DhcpPacket dnsmasq = c.dnsmasq().get();
    Choice choice = choice(req, c.policy(), SERVER);
    DhcpPacket ack = wire(PxeReplies.bootServerAck(req, client(req), choice, SERVER, SERVER));

    assertAnswers(req, ack);
    assertEquals(MessageType.ACK, ack.messageType());
    assertEquals(dnsmasq.file(), ack.file(), "the boot file in the BOOTP file field, as dnsmasq");
    assertFalse(ack.option(OptionCode.BOOTFILE_NAME).isPresent(), "no option 67, as dnsmasq");
    assertEquals(Ip4.text(SERVER), ack.sname(), "server in sname");
    assertEquals(SERVER, ack.siaddr(), "server in siaddr");
    assertEquals(dnsmasq.siaddr(), ack.siaddr(), "siaddr as dnsmasq");
    assertEquals(dnsmasq.flags(), ack.flags(), "flags echoed, as dnsmasq");
    // The client keeps its address: ciaddr echoed, yiaddr 0 — what dnsmasq sent to both EFI clients. (For the BIOS
    // request with 43.71 dnsmasq moved it to yiaddr instead; iPXE reads neither from this ACK.)
    assertEquals(req.ciaddr(), ack.ciaddr(), "ciaddr");
    assertEquals(0, ack.yiaddr(), "yiaddr");
    for (int code : new int[] {OptionCode.SERVER_ID, OptionCode.VENDOR_CLASS, OptionCode.CLIENT_UUID}) {
      assertArrayEquals(dnsmasq.optionValue(code).orElseThrow(), ack.optionValue(code).orElseThrow(),
          "option " + code + " as dnsmasq sent it");
    }
    assertEquals("PXEClient", opt(ack, OptionCode.VENDOR_CLASS).orElseThrow());
    assertArrayEquals(req.optionValue(OptionCode.CLIENT_UUID).orElseThrow(),
        ack.optionValue(OptionCode.CLIENT_UUID).orElseThrow(), "option 97 echoed");

    if (!c.bootItem()) {
      assertEquals(codes(dnsmasq), codes(ack), "the same options as dnsmasq, in its order");
      assertEquals(dnsmasq.sname(), ack.sname(), "sname as dnsmasq");
      assertEquals(dnsmasq.ciaddr(), ack.ciaddr(), "ciaddr as dnsmasq");
      assertEquals(dnsmasq.yiaddr(), ack.yiaddr(), "yiaddr as dnsmasq");
      return;
    }
    // PXE spec 2.1 §2.2.5: the boot server echoes the boot item it serves; iPXE drops an ACK whose 71 type differs.
    BootItem asked = PxeOptions.decodeBootItem(sub(PxeOptions.decodeSubOptions(
        req.optionValue(OptionCode.VENDOR_SPECIFIC).orElseThrow()), PxeOptions.BOOT_ITEM));
    assertEquals(new BootItem(PXE_TYPE, 0), asked);
    assertEquals(asked, PxeOptions.decodeBootItem(sub(vendor(ack), PxeOptions.BOOT_ITEM)));
    assertEquals(PxeOptions.decodeBootItem(sub(vendor(dnsmasq), PxeOptions.BOOT_ITEM)),
        PxeOptions.decodeBootItem(sub(vendor(ack), PxeOptions.BOOT_ITEM)));
  }

  /** Option 43 of a 4011 request → option 43 of the ACK: only a well-formed sub-option 71 is echoed. */
  private record ItemCase(byte[] requestVendor, String ackVendorHex) {}

  private static Arguments item(String name, byte[] requestVendor, String ackVendorHex) {
    return Arguments.of(named(name, new ItemCase(requestVendor, ackVendorHex)));
  }

  static Stream<Arguments> bootItems() {
    return Stream.of(
        item("no option 43: no 43 in the ACK", null, null),
        item("71 = type 0x8000 layer 0 (iPXE BIOS, captured)", bytes(71, 4, 0x80, 0, 0, 0, 255), "470480000000ff"),
        item("71 with layer 1", bytes(71, 4, 0x80, 0, 0, 1, 255), "470480000001ff"),
        item("71 after pads and another sub-option", bytes(0, 0, 6, 1, 3, 71, 4, 0x80, 1, 0, 0), "470480010000ff"),
        item("71 of 3 bytes: malformed, not echoed", bytes(71, 3, 0x80, 0, 0, 255), null),
        item("43 without 71", bytes(6, 1, 3, 255), null),
        item("71 after end: not read", bytes(255, 71, 4, 0x80, 0, 0, 0), null),
        item("43 truncated inside 71", bytes(71, 4, 0x80, 0), null),
        item("43 empty", bytes(), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bootItems")
  void bootServerAckEchoesTheBootItem(ItemCase c) {
    DhcpPacket base = without(Captured.edk24011Request().packet(), OptionCode.VENDOR_SPECIFIC);
    DhcpPacket req = c.requestVendor() == null ? base : with(base, OptionCode.VENDOR_SPECIFIC, c.requestVendor());
    DhcpPacket ack = wire(PxeReplies.bootServerAck(req, client(req), choice(req, LAB, SERVER), SERVER, SERVER));
    assertEquals(Optional.ofNullable(c.ackVendorHex()),
        ack.optionValue(OptionCode.VENDOR_SPECIFIC).map(HexFormat.of()::formatHex));
  }

  // ------------------------------------------------------------------------------------------ server mode

  private record ServerCase(Supplier<DhcpPacket> request, Supplier<DhcpPacket> dnsmasq, boolean ipxe) {}

  static Stream<Arguments> serverOffers() {
    return Stream.of(
        Arguments.of(named("SeaBIOS iPXE ROM ↔ dnsmasq's OFFER (script URL, 175.176)",
            new ServerCase(Captured::ipxeBiosDiscover, Captured::dnsmasqOfferToIpxeBios, true))),
        Arguments.of(named("SeaBIOS iPXE ROM REQUEST ↔ dnsmasq's ACK",
            new ServerCase(Captured::ipxeBiosRequest, () -> Captured.packet("bios-ipxe", 4, MessageType.ACK), true))),
        Arguments.of(named("EDK2 ↔ dnsmasq's OFFER (snponly.efi, no 60)",
            new ServerCase(Captured::edk2Discover, Captured::dnsmasqOfferToEdk2, false))),
        Arguments.of(named("EDK2 REQUEST ↔ dnsmasq's ACK",
            new ServerCase(Captured::edk2Request, () -> Captured.packet("uefi-edk2", 4, MessageType.ACK), false))),
        Arguments.of(named("snponly.efi iPXE ↔ dnsmasq's OFFER (script URL; that lab sent no 175)",
            new ServerCase(Captured::snponlyDiscover, () -> Captured.packet("uefi-edk2", 11, MessageType.OFFER),
                true))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serverOffers")
  void serverModeBootInfoIsShapedLikeDnsmasqs(ServerCase c) {
    DhcpPacket req = c.request().get();
    DhcpPacket dnsmasq = c.dnsmasq().get();
    // What the lease logic would have answered: dnsmasq's reply without its boot options.
    DhcpPacket d = without(dnsmasq, OptionCode.BOOTFILE_NAME, OptionCode.IPXE_ENCAP);
    DhcpPacket lease = new DhcpPacket(d.op(), d.htype(), d.hlen(), d.hops(), d.xid(), d.secs(), d.flags(), d.ciaddr(),
        d.yiaddr(), 0, d.giaddr(), d.chaddr(), "", "", d.options());
    Choice choice = choice(req, LAB, SERVER);
    DhcpPacket reply = wire(PxeReplies.withBootInfo(lease, client(req), choice, SERVER));

    assertEquals(dnsmasq.messageType(), reply.messageType());
    assertEquals(dnsmasq.yiaddr(), reply.yiaddr(), "yiaddr kept");
    assertEquals(dnsmasq.xid(), reply.xid());
    assertEquals(dnsmasq.flags(), reply.flags());
    assertEquals(dnsmasq.siaddr(), reply.siaddr(), "siaddr = next server, as dnsmasq");
    assertEquals(opt(dnsmasq, OptionCode.BOOTFILE_NAME), opt(reply, OptionCode.BOOTFILE_NAME), "option 67");
    assertEquals(choice.bootFile(), reply.file(), "and the BOOTP file field, for BOOTP-minded ROMs");
    assertEquals(Optional.of(Ip4.text(SERVER)), opt(reply, OptionCode.TFTP_SERVER_NAME), "option 66");
    assertEquals(lease.options(), reply.options().subList(0, lease.options().size()), "lease options kept, first");
    assertEquals(dnsmasq.option(OptionCode.VENDOR_CLASS), reply.option(OptionCode.VENDOR_CLASS),
        "no option 60 (PXEClient without 43 would send the client to siaddr:4011), as dnsmasq");
    assertArrayEquals(req.optionValue(OptionCode.CLIENT_UUID).orElseThrow(),
        reply.optionValue(OptionCode.CLIENT_UUID).orElseThrow(), "option 97 echoed");
    if (c.ipxe()) {
      List<SubOption> ours = PxeOptions.decodeSubOptions(reply.optionValue(OptionCode.IPXE_ENCAP).orElseThrow());
      assertEquals(List.of(new SubOption(PxeOptions.IPXE_NO_PXEDHCP, bytes(1))), ours, "175.176 = 1: no proxy wait");
      // The BIOS lab's dnsmasq sent the same (dhcp-option=tag:ipxe,encap:175,176,1b); the EFI lab's had no such rule.
      dnsmasq.optionValue(OptionCode.IPXE_ENCAP).ifPresent(theirs ->
          assertEquals(PxeOptions.decodeSubOptions(theirs), ours, "175 as dnsmasq"));
    } else {
      assertFalse(reply.option(OptionCode.IPXE_ENCAP).isPresent(), "175 only for iPXE");
    }
  }

  @Test
  void serverModeEchoesHttpClientToAUefiHttpBootClient() {
    DhcpPacket req = with(with(Captured.edk2Discover(), OptionCode.VENDOR_CLASS, "HTTPClient:Arch:00016:UNDI:003000"),
        OptionCode.CLIENT_ARCH, bytes(0, 16));
    DhcpPacket lease = without(Captured.dnsmasqOfferToEdk2(), OptionCode.BOOTFILE_NAME);
    Choice choice = choice(req, LAB, SERVER);
    assertEquals(new Choice(HTTP + "/ipxe.efi", "HTTPClient", "UEFI HTTP boot, arch 16"), choice);
    DhcpPacket reply = wire(PxeReplies.withBootInfo(lease, client(req), choice, SERVER));
    assertEquals(Optional.of("HTTPClient"), opt(reply, OptionCode.VENDOR_CLASS), "UEFI HTTP boot needs the echo");
    assertEquals(Optional.of(HTTP + "/ipxe.efi"), opt(reply, OptionCode.BOOTFILE_NAME));
  }

  // ------------------------------------------------------------------------------------------ UEFI HTTP boot proxy

  @Test
  void proxyOfferToAUefiHttpBootClientCarriesTheUrl() {
    DhcpPacket req = with(with(Captured.proxyEdk2Discover(), OptionCode.VENDOR_CLASS, "HTTPClient:Arch:00016"),
        OptionCode.CLIENT_ARCH, bytes(0, 16));
    Choice choice = choice(req, LAB, SERVER);
    DhcpPacket offer = wire(PxeReplies.proxyOffer(req, client(req), Optional.of(choice), SERVER, SERVER));
    assertEquals(0, offer.yiaddr());
    assertEquals(Optional.of("HTTPClient"), opt(offer, OptionCode.VENDOR_CLASS),
        "EDK2 HttpBootDxe drops a proxy offer without HTTPClient");
    assertEquals(Optional.of(HTTP + "/ipxe.efi"), opt(offer, OptionCode.BOOTFILE_NAME), "and one without the URI");
    assertEquals(HTTP + "/ipxe.efi", offer.file());
  }

  @Test
  void proxyOfferToAPxeClientIgnoresTheChoice() {
    DhcpPacket req = Captured.proxyEdk2Discover();
    Choice choice = choice(req, LAB, SERVER);
    assertEquals(PxeReplies.proxyOffer(req, client(req), SERVER, SERVER),
        wire(PxeReplies.proxyOffer(req, client(req), Optional.of(choice), SERVER, SERVER)),
        "a PXE client gets its file on port 4011, never in the proxy offer");
  }

  // ------------------------------------------------------------------------------------------ steering, relays, sizes

  @Test
  void aSteeredReplicaIsTheNextServerButTheServerIdStaysOurs() {
    DhcpPacket req = Captured.edk24011Request().packet();
    DhcpPacket ack = wire(PxeReplies.bootServerAck(req, client(req), choice(req, LAB, REPLICA), SERVER, REPLICA));
    assertEquals(REPLICA, ack.siaddr());
    assertEquals("10.213.0.7", ack.sname());
    assertArrayEquals(Ip4.bytes(SERVER), ack.optionValue(OptionCode.SERVER_ID).orElseThrow(),
        "54 is who answers: the client's 4011 filter matches on it");

    DhcpPacket offer = wire(PxeReplies.proxyOffer(Captured.proxyEdk2Discover(),
        client(Captured.proxyEdk2Discover()), SERVER, REPLICA));
    assertEquals(REPLICA, offer.siaddr());
    assertArrayEquals(Ip4.bytes(SERVER), offer.optionValue(OptionCode.SERVER_ID).orElseThrow());

    DhcpPacket bios = without(Captured.proxyBiosDiscover(), OptionCode.USER_CLASS, OptionCode.IPXE_ENCAP);
    DhcpPacket menuOffer = wire(PxeReplies.proxyOffer(bios, client(bios), SERVER, REPLICA));
    assertEquals(List.of(new BootServer(PXE_TYPE, List.of(SERVER))),
        PxeOptions.decodeBootServers(sub(vendor(menuOffer), PxeOptions.BOOT_SERVERS)),
        "the boot server (4011) is us, whatever TFTP replica serves the file");

    DhcpPacket lease = without(Captured.dnsmasqOfferToEdk2(), OptionCode.BOOTFILE_NAME);
    DhcpPacket server = wire(PxeReplies.withBootInfo(lease, client(Captured.edk2Discover()),
        choice(Captured.edk2Discover(), LAB, REPLICA), REPLICA));
    assertEquals(REPLICA, server.siaddr());
    assertEquals(Optional.of("10.213.0.7"), opt(server, OptionCode.TFTP_SERVER_NAME));
  }

  @Test
  void relayedRequestsAreAnsweredThroughTheRelay() {
    int relay = Ip4.parse("10.99.0.1");
    DhcpPacket d = Captured.proxyEdk2Discover();
    DhcpPacket relayed = new DhcpPacket(d.op(), d.htype(), d.hlen(), 1, d.xid(), d.secs(), d.flags(), d.ciaddr(),
        d.yiaddr(), d.siaddr(), relay, d.chaddr(), d.sname(), d.file(), d.options());
    assertEquals(relay, wire(PxeReplies.proxyOffer(relayed, client(relayed), SERVER, SERVER)).giaddr());
    assertEquals(relay, wire(PxeReplies.bootServerAck(relayed, client(relayed), choice(relayed, LAB, SERVER), SERVER,
        SERVER)).giaddr());
  }

  @Test
  void aBootFileLongerThanTheFileFieldGoesInOption67Only() {
    String url127 = HTTP + "/" + "a".repeat(127 - HTTP.length() - 1);
    String url128 = url127 + "b";
    assertEquals(127, url127.length());
    DhcpPacket req = Captured.edk24011Request().packet();
    DhcpPacket lease = without(Captured.dnsmasqOfferToEdk2(), OptionCode.BOOTFILE_NAME);
    PxeClient c = client(req);

    DhcpPacket ack127 = wire(PxeReplies.bootServerAck(req, c, new Choice(url127, "PXEClient", "t"), SERVER, SERVER));
    assertEquals(url127, ack127.file());
    assertFalse(ack127.option(OptionCode.BOOTFILE_NAME).isPresent());

    DhcpPacket ack128 = wire(PxeReplies.bootServerAck(req, c, new Choice(url128, "PXEClient", "t"), SERVER, SERVER));
    assertEquals("", ack128.file(), "the 128-byte field needs its NUL for most ROMs");
    assertEquals(Optional.of(url128), opt(ack128, OptionCode.BOOTFILE_NAME));

    DhcpPacket offer128 = wire(PxeReplies.withBootInfo(lease, c, new Choice(url128, "PXEClient", "t"), SERVER));
    assertEquals("", offer128.file());
    assertEquals(Optional.of(url128), opt(offer128, OptionCode.BOOTFILE_NAME));
  }

  @Test
  void aClientWithoutUsableUuidGetsNoOption97() {
    DhcpPacket req = with(Captured.edk24011Request().packet(), OptionCode.CLIENT_UUID, new byte[16]);
    PxeClient c = client(req);
    assertFalse(wire(PxeReplies.bootServerAck(req, c, choice(req, LAB, SERVER), SERVER, SERVER))
        .option(OptionCode.CLIENT_UUID).isPresent());
    assertFalse(wire(PxeReplies.proxyOffer(req, c, SERVER, SERVER)).option(OptionCode.CLIENT_UUID).isPresent());
    DhcpPacket lease = without(Captured.dnsmasqOfferToEdk2(), OptionCode.BOOTFILE_NAME);
    assertFalse(wire(PxeReplies.withBootInfo(lease, c, choice(req, LAB, SERVER), SERVER))
        .option(OptionCode.CLIENT_UUID).isPresent());
  }

  @Test
  void capturedDnsmasqRepliesThemselvesAreWhatTheComparisonsAssume() {
    // Guards the fixtures: if a capture changed, the comparisons above would compare with something else.
    assertEquals("pxelinux.0", Captured.dnsmasq4011AckBios().file());
    assertEquals("snponly.efi", Captured.dnsmasq4011AckEdk2().file());
    assertEquals(HTTP + "/boot.ipxe", Captured.dnsmasq4011AckSnponly().file());
    assertEquals(4011, Captured.edk24011Request().srcPort(), "EDK2 sends from 4011");
    assertEquals(68, Captured.ipxeBios4011Request().srcPort(), "iPXE sends from 68");
    assertEquals(68, Captured.snponly4011Request().srcPort());
    assertEquals(Optional.of(HTTP + "/boot.ipxe"), opt(Captured.dnsmasqOfferToIpxeBios(), OptionCode.BOOTFILE_NAME));
    assertEquals("PXEClient", text(Captured.ipxeBios4011Request().packet().optionValue(OptionCode.VENDOR_CLASS)
        .orElseThrow()));
  }
}
