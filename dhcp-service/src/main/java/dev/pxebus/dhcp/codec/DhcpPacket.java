package dev.pxebus.dhcp.codec;

import java.net.Inet4Address;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded DHCP/BOOTP message (RFC 2131 §2): the fixed header and every option in the order it came, unknown ones
 * included. Addresses are IPv4 as unsigned 32-bit values in an {@code int} ({@code 0} = 0.0.0.0); see {@link Ip4}.
 * {@code sname} and {@code file} are the header fields' bytes up to the first NUL; when option 52 (overload) put
 * options into them, the codec has moved those options into {@code options} and the fields read as empty.
 *
 * @param op 1 = BOOTREQUEST, 2 = BOOTREPLY
 * @param chaddr the client hardware address, {@code hlen} bytes (6 for Ethernet)
 * @param options every option except pad (0), end (255) and overload (52, consumed by the codec: it is framing), in
 *     wire order; split options (RFC 3396) joined
 */
public record DhcpPacket(
    int op,
    int htype,
    int hlen,
    int hops,
    long xid,
    int secs,
    int flags,
    int ciaddr,
    int yiaddr,
    int siaddr,
    int giaddr,
    byte[] chaddr,
    String sname,
    String file,
    List<DhcpOption> options) {

  public static final int BOOTREQUEST = 1;
  public static final int BOOTREPLY = 2;
  /** RFC 2131 §2: the leftmost bit of flags asks for a broadcast reply. */
  public static final int FLAG_BROADCAST = 0x8000;

  public DhcpPacket {
    chaddr = chaddr.clone();
    options = List.copyOf(options);
    sname = sname == null ? "" : sname;
    file = file == null ? "" : file;
  }

  @Override
  public byte[] chaddr() {
    return chaddr.clone();
  }

  /** Value equality, {@code chaddr} by content (a record compares arrays by identity). */
  @Override
  public boolean equals(Object o) {
    return o instanceof DhcpPacket p && p.op == op && p.htype == htype && p.hlen == hlen && p.hops == hops
        && p.xid == xid && p.secs == secs && p.flags == flags && p.ciaddr == ciaddr && p.yiaddr == yiaddr
        && p.siaddr == siaddr && p.giaddr == giaddr && Arrays.equals(p.chaddr, chaddr) && p.sname.equals(sname)
        && p.file.equals(file) && p.options.equals(options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr,
        Arrays.hashCode(chaddr), sname, file, options);
  }

  @Override
  public String toString() {
    return "DhcpPacket[op=" + op + ", htype=" + htype + ", hlen=" + hlen + ", hops=" + hops
        + ", xid=0x" + Long.toHexString(xid) + ", secs=" + secs + ", flags=0x" + Integer.toHexString(flags)
        + ", ciaddr=" + Ip4.text(ciaddr) + ", yiaddr=" + Ip4.text(yiaddr) + ", siaddr=" + Ip4.text(siaddr)
        + ", giaddr=" + Ip4.text(giaddr) + ", chaddr=" + HexFormat.ofDelimiter(":").formatHex(chaddr)
        + ", sname=" + sname + ", file=" + file + ", options=" + options + "]";
  }

  /** The first option with this code. */
  public Optional<DhcpOption> option(int code) {
    for (DhcpOption o : options) {
      if (o.code() == code) return Optional.of(o);
    }
    return Optional.empty();
  }

  public Optional<byte[]> optionValue(int code) {
    return option(code).map(DhcpOption::value);
  }

  /** Option 53, {@link MessageType#UNKNOWN} when absent or malformed (a BOOTP packet has none). */
  public MessageType messageType() {
    return optionValue(OptionCode.MESSAGE_TYPE).filter(v -> v.length == 1).map(v -> MessageType.of(v[0] & 0xFF))
        .orElse(MessageType.UNKNOWN);
  }

  public boolean broadcastFlag() {
    return (flags & FLAG_BROADCAST) != 0;
  }

  /** A copy with other options (the rest of the header kept). */
  public DhcpPacket withOptions(List<DhcpOption> newOptions) {
    return new DhcpPacket(op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr, chaddr, sname, file,
        newOptions);
  }

  /** IPv4 helpers for the {@code int} address fields. */
  public static final class Ip4 {
    private Ip4() {}

    public static String text(int a) {
      return ((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    public static int of(Inet4Address a) {
      byte[] b = a.getAddress();
      return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    /** Parses a dotted quad; no DNS. */
    public static int parse(String s) {
      String[] p = s.trim().split("\\.", -1);
      if (p.length != 4) throw new IllegalArgumentException("'" + s + "' is not an IPv4 address");
      int v = 0;
      for (String o : p) {
        if (!o.matches("\\d{1,3}") || Integer.parseInt(o) > 255) {
          throw new IllegalArgumentException("'" + s + "' is not an IPv4 address");
        }
        v = (v << 8) | Integer.parseInt(o);
      }
      return v;
    }

    public static byte[] bytes(int a) {
      return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }

    public static int fromBytes(byte[] b, int off) {
      return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
  }
}
