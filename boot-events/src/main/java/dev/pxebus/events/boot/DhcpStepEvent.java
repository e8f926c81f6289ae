package dev.pxebus.events.boot;

import dev.pxebus.events.Mac;

/**
 * A DHCP or proxyDHCP message received or sent by dhcp-service.
 *
 * @param xid transaction id of the exchange
 * @param clientIp ciaddr (or the requested address, option 50, for a REQUEST)
 * @param yourIp yiaddr of a reply
 * @param relay giaddr when the message came through a relay agent
 * @param vendorClass option 60 (e.g. {@code PXEClient:Arch:00007:UNDI:003016})
 * @param clientArch option 93 client system architecture (RFC 4578), null when absent
 * @param uuid option 97 client machine identifier, null when absent
 * @param userClass option 77 (e.g. {@code iPXE}), null when absent
 * @param bootFile boot file name offered (option 67 / file field)
 * @param nextServer TFTP server offered (siaddr / option 66)
 * @param reason why a NAK, a drop or a decline happened; null otherwise
 */
public record DhcpStepEvent(
    String mac,
    BootStage stage,
    long xid,
    String clientIp,
    String yourIp,
    String serverIp,
    String relay,
    String vendorClass,
    Integer clientArch,
    String uuid,
    String userClass,
    String bootFile,
    String nextServer,
    String reason) implements BootStepEvent {

  public DhcpStepEvent {
    mac = Mac.canonical(mac);
    if (stage == null) throw new IllegalArgumentException("stage is missing");
    stage.require(BootStage.Family.DHCP);
  }
}
