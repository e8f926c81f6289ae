package dev.pxebus.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A minimal reader for classic pcap files (not pcapng): 24-byte global header, 16-byte record headers, Ethernet II
 * (optionally one 802.1Q tag) carrying IPv4 carrying UDP. Everything else — ARP, IPv6, TCP, non-first fragments —
 * is skipped. Shared by the codec tests of every service (TFTP, DHCP), and able to read a file tcpdump is still
 * writing (a last, partly written record is left out).
 */
public final class Pcap {
  /** One UDP datagram and where it was in the capture (frame numbers are 1-based, as Wireshark counts). */
  public record Udp(int frame, String src, int srcPort, String dst, int dstPort, byte[] payload) {
    public String from() {
      return src + ":" + srcPort;
    }

    public String to() {
      return dst + ":" + dstPort;
    }
  }


  private static final int LINKTYPE_ETHERNET = 1;

  private Pcap() {}

  public static List<Udp> udpDatagrams(String resource) {
    try (InputStream in = Pcap.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalArgumentException("no test resource " + resource);
      return udpDatagrams(in.readAllBytes(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @param growing the file may still be being written: a truncated last record is not an error */
  public static List<Udp> udpDatagrams(byte[] file, boolean growing) {
    ByteBuffer b = ByteBuffer.wrap(file);
    if (b.remaining() < 24) {
      if (growing) return List.of();
      throw new IllegalArgumentException("not a pcap file: shorter than its global header");
    }
    int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      int be = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
      if (be != 0xa1b2c3d4 && be != 0xa1b23c4d) {
        throw new IllegalArgumentException("not a classic pcap file (magic " + Integer.toHexString(magic) + ")");
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
      if (captured < 0 || pos + captured > file.length) {
        if (growing) break;
        throw new IllegalArgumentException("truncated record");
      }
      frame++;
      Udp udp = udp(frame, ByteBuffer.wrap(file, pos, captured).slice());
      if (udp != null) out.add(udp);
      pos += captured;
    }
    return out;
  }

  /** The datagrams from or to any of these ports. */
  public static List<Udp> onPorts(List<Udp> datagrams, Set<Integer> ports) {
    return datagrams.stream().filter(d -> ports.contains(d.srcPort()) || ports.contains(d.dstPort())).toList();
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
}
