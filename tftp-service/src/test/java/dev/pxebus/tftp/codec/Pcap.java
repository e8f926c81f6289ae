package dev.pxebus.tftp.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal reader for classic pcap files (not pcapng): 24-byte global header, 16-byte record headers, Ethernet II
 * (optionally one 802.1Q tag) carrying IPv4 carrying UDP. Everything else — ARP, IPv6, TCP, non-first fragments — is
 * skipped. Enough to replay the captures in {@code shared/captures}.
 */
final class Pcap {
  /** One UDP datagram and where it was in the capture (frame numbers are 1-based, as Wireshark counts). */
  record Udp(int frame, String src, int srcPort, String dst, int dstPort, byte[] payload) {
    String from() {
      return src + ":" + srcPort;
    }

    String to() {
      return dst + ":" + dstPort;
    }
  }

  private static final int LINKTYPE_ETHERNET = 1;

  private Pcap() {}

  static List<Udp> udpDatagrams(String resource) {
    try (InputStream in = Pcap.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalArgumentException("no test resource " + resource);
      return udpDatagrams(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Udp> udpDatagrams(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file);
    if (b.remaining() < 24) throw new IllegalArgumentException("not a pcap file: shorter than its global header");
    int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    switch (magic) {
      case 0xa1b2c3d4, 0xa1b23c4d -> b.order(ByteOrder.LITTLE_ENDIAN);
      default -> {
        int be = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (be != 0xa1b2c3d4 && be != 0xa1b23c4d) {
          throw new IllegalArgumentException("not a classic pcap file (magic " + Integer.toHexString(magic) + ")");
        }
      }
    }
    int linkType = b.getInt(20);
    if (linkType != LINKTYPE_ETHERNET) throw new IllegalArgumentException("link type " + linkType + " is not Ethernet");

    List<Udp> out = new ArrayList<>();
    int pos = 24;
    int frame = 0;
    while (pos + 16 <= file.length) {
      int captured = b.getInt(pos + 8);
      pos += 16;
      if (captured < 0 || pos + captured > file.length) throw new IllegalArgumentException("truncated record");
      frame++;
      Udp udp = udp(frame, ByteBuffer.wrap(file, pos, captured).slice());
      if (udp != null) out.add(udp);
      pos += captured;
    }
    return out;
  }

  private static Udp udp(int frame, ByteBuffer eth) {
    int p = 12;
    if (eth.limit() < p + 2) return null;
    int etherType = eth.getShort(p) & 0xFFFF;
    p += 2;
    if (etherType == 0x8100) { // one VLAN tag
      if (eth.limit() < p + 4) return null;
      etherType = eth.getShort(p + 2) & 0xFFFF;
      p += 4;
    }
    if (etherType != 0x0800) return null;
    if (eth.limit() < p + 20) return null;
    int ihl = (eth.get(p) & 0x0F) * 4;
    int totalLength = eth.getShort(p + 2) & 0xFFFF;
    int fragment = eth.getShort(p + 6) & 0x1FFF;
    int protocol = eth.get(p + 9) & 0xFF;
    if (protocol != 17 || fragment != 0) return null;
    String src = ipv4(eth, p + 12);
    String dst = ipv4(eth, p + 16);
    int u = p + ihl;
    int ipEnd = Math.min(eth.limit(), p + totalLength); // Ethernet pads short frames; IP's length is the truth
    if (ipEnd < u + 8) return null;
    int srcPort = eth.getShort(u) & 0xFFFF;
    int dstPort = eth.getShort(u + 2) & 0xFFFF;
    int udpLength = eth.getShort(u + 4) & 0xFFFF;
    int end = Math.min(ipEnd, u + udpLength);
    byte[] payload = new byte[end - (u + 8)];
    eth.get(u + 8, payload);
    return new Udp(frame, src, srcPort, dst, dstPort, payload);
  }

  private static String ipv4(ByteBuffer b, int at) {
    return (b.get(at) & 0xFF) + "." + (b.get(at + 1) & 0xFF) + "."
        + (b.get(at + 2) & 0xFF) + "." + (b.get(at + 3) & 0xFF);
  }

  /**
   * The TFTP datagrams of a capture: requests to port 69 and every datagram from or to a client endpoint (address
   * and port) that sent one. Replies come from the server's per-transfer port (RFC 1350 §4), so port numbers alone do
   * not find them.
   */
  static List<Udp> tftp(List<Udp> datagrams) {
    List<String> clients = new ArrayList<>();
    List<Udp> out = new ArrayList<>();
    for (Udp d : datagrams) {
      if (d.dstPort() == 69) {
        clients.add(d.from());
        out.add(d);
      } else if (clients.contains(d.from()) || clients.contains(d.to())) {
        out.add(d);
      }
    }
    return out;
  }

  static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte x : bytes) s.append(String.format("%02x", x));
    return s.toString();
  }
}
