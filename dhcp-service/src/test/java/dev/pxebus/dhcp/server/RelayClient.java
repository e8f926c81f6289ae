package dev.pxebus.dhcp.server;

import dev.pxebus.dhcp.codec.DhcpCodec;
import dev.pxebus.dhcp.codec.DhcpOption;
import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.dhcp.codec.MessageType;
import dev.pxebus.dhcp.codec.OptionCode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test client playing a relay agent for many DHCP clients at once (as perfdhcp does, but able to renew given
 * addresses and to print what each client got). Runs as its own process inside a client namespace:
 *
 * <pre>
 *   RelayClient lease SERVER GIADDR FIRST COUNT OUT      DISCOVER/OFFER/REQUEST/ACK for clients FIRST..FIRST+COUNT-1
 *   RelayClient renew SERVER GIADDR IN OUT               REQUEST with ciaddr (rebinding via the relay) for each line of IN
 *   RelayClient bootserver SERVER CIADDR SRCPORT ARCH MAC OUT   a PXE ROM's REQUEST to the boot server (port 4011)
 * </pre>
 * For {@code bootserver} OUT gets {@code FILE SIADDR VENDORCLASS} of the ACK, or {@code -} without one.
 * OUT gets one line per client: {@code MAC IP} (IP {@code -} if the client got nothing, {@code NAK} if refused).
 */
public final class RelayClient {
  private static final int ROUNDS = 6;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    if (mode.equals("bootserver")) {
      bootServer(args);
      return;
    }
    InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[1]), 67);
    int giaddr = Ip4.parse(args[2]);
    Map<String, Integer> clients = new LinkedHashMap<>();
    Path out;
    if (mode.equals("lease")) {
      int first = Integer.parseInt(args[3]);
      int count = Integer.parseInt(args[4]);
      for (int i = first; i < first + count; i++) clients.put(mac(i), 0);
      out = Path.of(args[5]);
    } else {
      for (String line : Files.readAllLines(Path.of(args[3]))) {
        String[] p = line.split(" ");
        clients.put(p[0], Ip4.parse(p[1]));
      }
      out = Path.of(args[4]);
    }
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[2]), 67))) {
      s.setSoTimeout(500);
      Map<String, String> result = mode.equals("lease") ? lease(s, server, giaddr, clients.keySet())
          : renew(s, server, giaddr, clients);
      List<String> lines = new ArrayList<>();
      result.forEach((m, ip) -> lines.add(m + " " + ip));
      Files.write(out, lines);
    }
  }

  private static Map<String, String> lease(DatagramSocket s, InetSocketAddress server, int giaddr,
      java.util.Set<String> macs) throws Exception {
    Map<String, String> result = new LinkedHashMap<>();
    Map<Long, String> byXid = new LinkedHashMap<>();
    Map<String, Integer> offered = new LinkedHashMap<>();
    Map<String, Integer> serverIds = new LinkedHashMap<>();
    long xid = 0x10000 + (System.nanoTime() & 0xFFFF) * 0x10000L;
    Map<String, Long> xids = new LinkedHashMap<>();
    for (String m : macs) {
      xids.put(m, ++xid);
      byXid.put(xid, m);
    }
    for (int round = 0; round < ROUNDS && result.size() < macs.size(); round++) {
      for (String m : macs) {
        if (result.containsKey(m)) continue;
        if (!offered.containsKey(m)) {
          send(s, server, packet(m, xids.get(m), giaddr, 0, MessageType.DISCOVER, 0, 0));
        } else {
          send(s, server, packet(m, xids.get(m), giaddr, 0, MessageType.REQUEST, offered.get(m), serverIds.get(m)));
        }
      }
      drain(s, p -> {
        String m = byXid.get(p.xid());
        if (m == null) return;
        MessageType t = p.messageType();
        if (t == MessageType.OFFER && !offered.containsKey(m)) {
          offered.put(m, p.yiaddr());
          serverIds.put(m, Ip4.fromBytes(p.optionValue(OptionCode.SERVER_ID).orElseThrow(), 0));
          try {
            send(s, server, packet(m, xids.get(m), giaddr, 0, MessageType.REQUEST, p.yiaddr(), serverIds.get(m)));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        } else if (t == MessageType.ACK) {
          result.put(m, Ip4.text(p.yiaddr()));
        } else if (t == MessageType.NAK) {
          result.put(m, "NAK");
        }
      });
    }
    for (String m : macs) result.putIfAbsent(m, "-");
    return result;
  }

  private static Map<String, String> renew(DatagramSocket s, InetSocketAddress server, int giaddr,
      Map<String, Integer> clients) throws Exception {
    Map<String, String> result = new LinkedHashMap<>();
    Map<Long, String> byXid = new LinkedHashMap<>();
    long xid = 0x70000000L + (System.nanoTime() & 0xFFFF) * 0x1000L;
    Map<String, Long> xids = new LinkedHashMap<>();
    for (String m : clients.keySet()) {
      xids.put(m, ++xid);
      byXid.put(xid, m);
    }
    for (int round = 0; round < ROUNDS && result.size() < clients.size(); round++) {
      for (Map.Entry<String, Integer> c : clients.entrySet()) {
        if (result.containsKey(c.getKey())) continue;
        send(s, server, packet(c.getKey(), xids.get(c.getKey()), giaddr, c.getValue(), MessageType.REQUEST, 0, 0));
      }
      drain(s, p -> {
        String m = byXid.get(p.xid());
        if (m == null) return;
        if (p.messageType() == MessageType.ACK) result.put(m, Ip4.text(p.yiaddr()));
        else if (p.messageType() == MessageType.NAK) result.put(m, "NAK");
      });
    }
    for (String m : clients.keySet()) result.putIfAbsent(m, "-");
    return result;
  }

  /** As PXE firmware does after a proxy offer (PXE spec 2.1 §2.2.3): REQUEST to port 4011 with ciaddr set. */
  private static void bootServer(String[] args) throws Exception {
    InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[1]), 4011);
    int ciaddr = Ip4.parse(args[2]);
    int srcPort = Integer.parseInt(args[3]);
    int arch = Integer.parseInt(args[4]);
    String mac = args[5];
    Path out = Path.of(args[6]);
    long xid = 0x4011_0000L + (System.nanoTime() & 0xFFFF);
    List<DhcpOption> o = new ArrayList<>();
    o.add(new DhcpOption(OptionCode.MESSAGE_TYPE, new byte[] {(byte) MessageType.REQUEST.value()}));
    o.add(new DhcpOption(OptionCode.VENDOR_CLASS,
        String.format("PXEClient:Arch:%05d:UNDI:002001", arch).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    o.add(new DhcpOption(OptionCode.CLIENT_ARCH, new byte[] {(byte) (arch >> 8), (byte) arch}));
    o.add(new DhcpOption(OptionCode.CLIENT_NDI, new byte[] {1, 2, 1}));
    o.add(new DhcpOption(OptionCode.CLIENT_UUID, new byte[17]));
    // Boot item type 0x8000, layer 0 (the menu item the proxy offered).
    o.add(new DhcpOption(OptionCode.VENDOR_SPECIFIC, new byte[] {71, 4, (byte) 0x80, 0, 0, 0, (byte) 255}));
    byte[] chaddr = new byte[6];
    String[] parts = mac.split(":");
    for (int i = 0; i < 6; i++) chaddr[i] = (byte) Integer.parseInt(parts[i], 16);
    DhcpPacket req = new DhcpPacket(DhcpPacket.BOOTREQUEST, 1, 6, 0, xid, 0, 0, ciaddr, 0, 0, 0, chaddr, "", "", o);
    String result = "-";
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[2]), srcPort))) {
      s.setSoTimeout(1000);
      byte[] buf = new byte[1500];
      for (int round = 0; round < 4 && result.equals("-"); round++) {
        send(s, server, req);
        try {
          DatagramPacket dp = new DatagramPacket(buf, buf.length);
          s.receive(dp);
          DhcpPacket ack = DhcpCodec.decode(ByteBuffer.wrap(dp.getData(), 0, dp.getLength()));
          if (ack.xid() == xid && ack.messageType() == MessageType.ACK) {
            result = ack.file() + " " + Ip4.text(ack.siaddr()) + " " + ack.optionValue(OptionCode.VENDOR_CLASS)
                .map(v -> new String(v, java.nio.charset.StandardCharsets.US_ASCII)).orElse("-");
          }
        } catch (SocketTimeoutException e) {
          // resend, as firmware does
        }
      }
    }
    Files.writeString(out, result + "\n");
  }

  private static void drain(DatagramSocket s, java.util.function.Consumer<DhcpPacket> handler) throws Exception {
    byte[] buf = new byte[1500];
    while (true) {
      DatagramPacket dp = new DatagramPacket(buf, buf.length);
      try {
        s.receive(dp);
      } catch (SocketTimeoutException e) {
        return;
      }
      try {
        handler.accept(DhcpCodec.decode(ByteBuffer.wrap(dp.getData(), 0, dp.getLength())));
      } catch (dev.pxebus.dhcp.codec.DhcpCodecException ignored) {
        // not ours
      }
    }
  }

  private static void send(DatagramSocket s, InetSocketAddress server, DhcpPacket p) throws Exception {
    byte[] b = DhcpCodec.encode(p);
    s.send(new DatagramPacket(b, b.length, server));
  }

  static String mac(int i) {
    return String.format("02:00:00:%02x:%02x:%02x", (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF);
  }

  private static DhcpPacket packet(String mac, long xid, int giaddr, int ciaddr, MessageType type, int requested,
      int serverId) {
    List<DhcpOption> o = new ArrayList<>();
    o.add(new DhcpOption(OptionCode.MESSAGE_TYPE, new byte[] {(byte) type.value()}));
    if (requested != 0) o.add(new DhcpOption(OptionCode.REQUESTED_IP, Ip4.bytes(requested)));
    if (serverId != 0) o.add(new DhcpOption(OptionCode.SERVER_ID, Ip4.bytes(serverId)));
    byte[] chaddr = new byte[6];
    String[] parts = mac.split(":");
    for (int i = 0; i < 6; i++) chaddr[i] = (byte) Integer.parseInt(parts[i], 16);
    return new DhcpPacket(DhcpPacket.BOOTREQUEST, 1, 6, 1, xid, 0, 0, ciaddr, 0, 0, giaddr, chaddr, "", "", o);
  }
}
