package dev.pxebus.dhcp.net;

import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.dhcp.codec.MessageType;

/**
 * Where a reply goes (RFC 2131 §4.1), as a pure function: to the relay at giaddr:67 when relayed; a NAK by
 * broadcast; to ciaddr:68 when the client already has an address (renewal, INFORM); otherwise by broadcast to
 * 255.255.255.255:68. A server could unicast to yiaddr when the broadcast flag is clear, but that needs an ARP entry
 * injected for an address the client does not own yet; every client seen here (iPXE, EDK2, udhcpc, dhclient)
 * accepts the broadcast (see research/pxe-clients.md). Requests to the PXE boot server port (4011) are answered to
 * their source address and port, which differs between firmware (iPXE uses 68, EDK2 4011).
 */
public final class ReplyRouting {
  private ReplyRouting() {}

  public record Destination(int address, int port, boolean broadcast) {
    @Override
    public String toString() {
      return Ip4.text(address) + ":" + port;
    }
  }

  public static final int BROADCAST = 0xFFFFFFFF;
  public static final int SERVER_PORT = 67;
  public static final int CLIENT_PORT = 68;

  /** For a request received on port 67. */
  public static Destination destination(DhcpPacket request, DhcpPacket reply) {
    if (request.giaddr() != 0) return new Destination(request.giaddr(), SERVER_PORT, false);
    if (reply.messageType() == MessageType.NAK) return new Destination(BROADCAST, CLIENT_PORT, true);
    if (request.ciaddr() != 0) return new Destination(request.ciaddr(), CLIENT_PORT, false);
    return new Destination(BROADCAST, CLIENT_PORT, true);
  }

  /** For a request received on the PXE boot-server port: back to where it came from. */
  public static Destination bootServerReply(int sourceAddress, int sourcePort) {
    if (sourceAddress == 0) return new Destination(BROADCAST, sourcePort, true);
    return new Destination(sourceAddress, sourcePort, false);
  }

  /** RFC 2131 §4.1: a NAK through a relay gets the broadcast bit so the relay broadcasts it to the client. */
  public static DhcpPacket forRelay(DhcpPacket request, DhcpPacket reply) {
    if (request.giaddr() == 0 || reply.messageType() != MessageType.NAK) return reply;
    return new DhcpPacket(reply.op(), reply.htype(), reply.hlen(), reply.hops(), reply.xid(), reply.secs(),
        reply.flags() | DhcpPacket.FLAG_BROADCAST, reply.ciaddr(), reply.yiaddr(), reply.siaddr(), reply.giaddr(),
        reply.chaddr(), reply.sname(), reply.file(), reply.options());
  }
}
