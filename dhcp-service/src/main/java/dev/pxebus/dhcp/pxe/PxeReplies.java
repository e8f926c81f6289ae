package dev.pxebus.dhcp.pxe;

import dev.pxebus.dhcp.codec.DhcpCodecException;
import dev.pxebus.dhcp.codec.DhcpOption;
import dev.pxebus.dhcp.codec.PxeOptions;
import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.dhcp.codec.MessageType;
import dev.pxebus.dhcp.codec.OptionCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The boot part of replies to PXE clients: in server mode added to the OFFER/ACK; in proxyDHCP mode the whole
 * proxy OFFER (port 67) and the boot-server ACK (port 4011), shaped like the dnsmasq replies real firmware accepted
 * here (research/pxe-clients.md, captures/proxy-*.txt).
 */
public final class PxeReplies {
  private PxeReplies() {}

  /** PXE spec 2.1 §2.2.5 vendor sub-options (inside option 43). */
  static final int PXE_DISCOVERY_CONTROL = 6;
  static final int PXE_BOOT_SERVERS = 8;
  static final int PXE_BOOT_MENU = 9;
  static final int PXE_MENU_PROMPT = 10;
  static final int PXE_BOOT_ITEM = 71;
  /** iPXE option 175.176: do not wait for proxyDHCP offers (saves iPXE about 3 s per DHCP). */
  static final int IPXE_NO_PROXYDHCP = 176;
  private static final String PXE_CLIENT = "PXEClient";
  private static final String HTTP_CLIENT = "HTTPClient";

  /**
   * Server mode: adds next-server (siaddr), option 66/67 and the echoes a PXE client expects to an OFFER or ACK; an
   * iPXE client is also told (175.176) not to wait for proxyDHCP offers.
   */
  public static DhcpPacket withBootInfo(DhcpPacket reply, PxeClient c, BootFileSelector.Choice choice, int nextServer) {
    List<DhcpOption> o = new ArrayList<>(reply.options());
    if (HTTP_CLIENT.equals(choice.vendorClass())) {
      // UEFI HTTP boot takes an offer for an HTTP boot offer only with "HTTPClient" in option 60 (UEFI 2.x §24.7.2;
      // EDK2 HttpBootParseDhcp4Packet). "PXEClient" is NOT echoed here: in an address-giving OFFER without PXE
      // vendor options (43) it tells a PXE client that this DHCP server is its proxyDHCP too (PXE spec 2.1, proxyDHCP
      // on the DHCP server), so EDK2 classifies it PxeOfferTypeDhcpBinl and asks siaddr:4011 for the file
      // (PxeBcRetryBinlOffer) — a steered TFTP replica has no boot server there, nor does pxebus with
      // boot-server-port 0, and the boot fails (legacy ROMs: PXE-E55). dnsmasq's server-mode OFFER/ACK carried no
      // option 60 and every client in captures/ booted from siaddr + file name.
      o.add(new DhcpOption(OptionCode.VENDOR_CLASS, choice.vendorClass().getBytes(StandardCharsets.US_ASCII)));
    }
    o.add(new DhcpOption(OptionCode.TFTP_SERVER_NAME, Ip4.text(nextServer).getBytes(StandardCharsets.US_ASCII)));
    o.add(new DhcpOption(OptionCode.BOOTFILE_NAME, choice.bootFile().getBytes(StandardCharsets.US_ASCII)));
    c.uuid().ifPresent(u -> o.add(new DhcpOption(OptionCode.CLIENT_UUID, u)));
    if (c.ipxe()) o.add(new DhcpOption(OptionCode.IPXE_ENCAP, new byte[] {(byte) IPXE_NO_PROXYDHCP, 1, 1}));
    return copy(reply, reply.ciaddr(), reply.yiaddr(), nextServer, "", fileField(choice.bootFile()), o);
  }

  /** proxyDHCP OFFER on port 67: boot information only, yiaddr 0 — the network's own DHCP gives the address. */
  public static DhcpPacket proxyOffer(DhcpPacket req, PxeClient c, int serverIp, int nextServer) {
    return proxyOffer(req, c, Optional.empty(), serverIp, nextServer);
  }

  /**
   * proxyDHCP OFFER on port 67, as {@link #proxyOffer(DhcpPacket, PxeClient, int, int)}; for a UEFI HTTP boot client
   * ({@code HTTPClient}) the chosen URL goes into the offer itself.
   *
   * @param choice the client's boot file; used for HTTP boot clients only (PXE clients get theirs on port 4011)
   */
  public static DhcpPacket proxyOffer(DhcpPacket req, PxeClient c, Optional<BootFileSelector.Choice> choice,
      int serverIp, int nextServer) {
    // UEFI HTTP boot has no port-4011 step: a proxy offer is usable only as "HTTPClient" in option 60 with the boot
    // URI (option 67 or the file field); EDK2 HttpBootParseDhcp4Packet drops any other proxy offer (yiaddr 0) and
    // one without a URI (UEFI 2.x §24.7.2, HttpOfferTypeProxyIpUri).
    Optional<BootFileSelector.Choice> http = choice.filter(ch -> c.kind() == PxeClient.Kind.HTTP);
    List<DhcpOption> o = new ArrayList<>();
    o.add(new DhcpOption(OptionCode.MESSAGE_TYPE, new byte[] {(byte) MessageType.OFFER.value()}));
    o.add(new DhcpOption(OptionCode.SERVER_ID, Ip4.bytes(serverIp)));
    String vendorClass = http.map(BootFileSelector.Choice::vendorClass).orElse(PXE_CLIENT);
    o.add(new DhcpOption(OptionCode.VENDOR_CLASS, vendorClass.getBytes(StandardCharsets.US_ASCII)));
    c.uuid().ifPresent(u -> o.add(new DhcpOption(OptionCode.CLIENT_UUID, u)));
    http.ifPresent(ch -> o.add(new DhcpOption(OptionCode.BOOTFILE_NAME,
        ch.bootFile().getBytes(StandardCharsets.US_ASCII))));
    if (c.arch() == PxeClient.ARCH_BIOS && !c.ipxe()) {
      // A BIOS PXE ROM needs a boot-server list and a menu to go on to the 4011 exchange (PXE spec 2.1 §2.2.5):
      // discovery control 3 = no broadcast or multicast discovery, use the list; one server of type 0x8000.
      o.add(new DhcpOption(OptionCode.VENDOR_SPECIFIC, pxeMenu(serverIp)));
    }
    return new DhcpPacket(DhcpPacket.BOOTREPLY, req.htype(), req.hlen(), 0, req.xid(), 0,
        req.flags() | DhcpPacket.FLAG_BROADCAST, 0, 0, nextServer, req.giaddr(), req.chaddr(), "",
        http.map(ch -> fileField(ch.bootFile())).orElse(""), o);
  }

  /** PXE boot-server ACK (port 4011): the boot file in the BOOTP file field, the server in sname and siaddr. */
  public static DhcpPacket bootServerAck(DhcpPacket req, PxeClient c, BootFileSelector.Choice choice, int serverIp,
      int nextServer) {
    List<DhcpOption> o = new ArrayList<>();
    o.add(new DhcpOption(OptionCode.MESSAGE_TYPE, new byte[] {(byte) MessageType.ACK.value()}));
    o.add(new DhcpOption(OptionCode.SERVER_ID, Ip4.bytes(serverIp)));
    o.add(new DhcpOption(OptionCode.VENDOR_CLASS, choice.vendorClass().getBytes(StandardCharsets.US_ASCII)));
    c.uuid().ifPresent(u -> o.add(new DhcpOption(OptionCode.CLIENT_UUID, u)));
    bootItem(req).ifPresent(item -> o.add(new DhcpOption(OptionCode.VENDOR_SPECIFIC, item)));
    if (choice.bootFile().length() > 127) {
      o.add(new DhcpOption(OptionCode.BOOTFILE_NAME, choice.bootFile().getBytes(StandardCharsets.US_ASCII)));
    }
    return new DhcpPacket(DhcpPacket.BOOTREPLY, req.htype(), req.hlen(), 0, req.xid(), 0, req.flags(), req.ciaddr(), 0,
        nextServer, req.giaddr(), req.chaddr(), Ip4.text(nextServer), fileField(choice.bootFile()), o);
  }

  /** The boot item (sub-option 71) of a 4011 request, echoed in the ACK as PXE spec 2.1 §2.2.5 asks. */
  static Optional<byte[]> bootItem(DhcpPacket req) {
    Optional<byte[]> v = req.optionValue(OptionCode.VENDOR_SPECIFIC);
    if (v.isEmpty()) return Optional.empty();
    try {
      Optional<PxeOptions.SubOption> item = PxeOptions.find(PxeOptions.decodeSubOptions(v.get()), PXE_BOOT_ITEM);
      if (item.isEmpty()) return Optional.empty();
      PxeOptions.BootItem bi = PxeOptions.decodeBootItem(item.get().value());
      return Optional.of(PxeOptions.encodeSubOptions(
          List.of(new PxeOptions.SubOption(PXE_BOOT_ITEM, PxeOptions.encodeBootItem(bi))), true));
    } catch (DhcpCodecException e) {
      return Optional.empty(); // a malformed 43 in the request: answer without the echo
    }
  }


  static byte[] pxeMenu(int serverIp) {
    return PxeOptions.encodeSubOptions(List.of(
        new PxeOptions.SubOption(PXE_DISCOVERY_CONTROL, PxeOptions.encodeDiscoveryControl(
            PxeOptions.DISABLE_BROADCAST_DISCOVERY | PxeOptions.DISABLE_MULTICAST_DISCOVERY)),
        new PxeOptions.SubOption(PXE_BOOT_SERVERS, PxeOptions.encodeBootServers(
            List.of(new PxeOptions.BootServer(0x8000, List.of(serverIp))))),
        new PxeOptions.SubOption(PXE_BOOT_MENU, PxeOptions.encodeBootMenu(
            List.of(new PxeOptions.MenuItem(0x8000, "Network boot (pxebus)")))),
        // Timeout 0: the first item is taken at once, no prompt.
        new PxeOptions.SubOption(PXE_MENU_PROMPT, PxeOptions.encodeMenuPrompt(new PxeOptions.MenuPrompt(0, "PXE")))),
        true);
  }


  /** The 128-byte BOOTP file field takes names up to 127 bytes; longer ones go only in option 67. */
  private static String fileField(String bootFile) {
    return bootFile.length() <= 127 ? bootFile : "";
  }

  private static DhcpPacket copy(DhcpPacket r, int ciaddr, int yiaddr, int siaddr, String sname, String file,
      List<DhcpOption> o) {
    return new DhcpPacket(r.op(), r.htype(), r.hlen(), r.hops(), r.xid(), r.secs(), r.flags(), ciaddr, yiaddr, siaddr,
        r.giaddr(), r.chaddr(), sname, file, o);
  }
}
