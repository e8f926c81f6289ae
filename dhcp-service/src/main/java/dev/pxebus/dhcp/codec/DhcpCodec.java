package dev.pxebus.dhcp.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DHCPv4 wire format (RFC 2131 §2, RFC 2132, RFC 3396): bytes to {@link DhcpPacket} and back. Pure: no I/O, no
 * threads, no state.
 *
 * <h2>Decoding</h2>
 * <ul>
 *   <li>The fixed 236-byte BOOTP header, then the magic cookie 99.130.83.99 (RFC 2131 §3), then options. Anything
 *       else fails with a {@link DhcpCodecException} whose message says what is wrong; the decoder throws nothing
 *       else, whatever the input.</li>
 *   <li>Pad (0) is skipped and end (255) stops the options; bytes after end are ignored (senders pad to the BOOTP
 *       minimum of 300 bytes). A missing end option is tolerated when the packet ends exactly on an option boundary
 *       — the same rule inside overloaded {@code file}/{@code sname} fields, which end with their fixed size: the
 *       intent is unambiguous and rejecting it would only drop a client. An option that runs past the end is an
 *       error.</li>
 *   <li>Unknown codes are kept, value bytes untouched, in wire order.</li>
 *   <li>Option overload (52, RFC 2132 §9.3): options continue in {@code file} (1), {@code sname} (2) or both (3),
 *       read in the order options → file → sname (RFC 2131 §4.1, RFC 3396 §5). They are appended to
 *       {@code options}, the overloaded fields read as empty, and option 52 itself is consumed: it is framing, like
 *       pad, end and RFC 3396 splitting, and the encoder decides on its own whether it needs it. 52 inside
 *       {@code file}/{@code sname}, a value other than 1..3 or a length other than 1 are errors.</li>
 *   <li>Several instances of one code are concatenated in order into one option at the first instance's place
 *       (RFC 3396 §7), across all three areas.</li>
 *   <li>{@code sname}/{@code file} are read up to their first NUL as ISO-8859-1, so every byte maps to one char and
 *       back; {@code chaddr} is the first {@code hlen} bytes of its field ({@code hlen} &gt; 16 is an error).</li>
 * </ul>
 *
 * <h2>Encoding</h2>
 * The header, the cookie, every option in list order — values over 255 bytes split into consecutive instances
 * (RFC 3396 §6) — and end; then zeros up to the BOOTP minimum of 300 bytes (RFC 1542 §2.1: some relays and
 * clients drop shorter packets). {@link #encode(DhcpPacket)} never overloads; {@link #encode(DhcpPacket, int)} does,
 * into empty {@code file} then {@code sname} fields, when the options would not fit in the size limit.
 *
 * <h2>Round trip</h2>
 * {@code encode(decode(b))} equals {@code b} byte for byte when {@code b} is what a careful sender writes: no option
 * 52, no pad options between options, no option repeated, sname/file/chaddr zero after their content, and after end
 * only the zeros up to 300 bytes (none when longer). That holds for every captured firmware packet in the tests.
 * Otherwise the re-encoding is the canonical form of the same packet: {@code decode(encode(p))} equals {@code p} for
 * every decoded {@code p}.
 */
public final class DhcpCodec {
  /** RFC 2131 §2: op through file. */
  public static final int HEADER_LENGTH = 236;
  /** RFC 2131 §3: 99.130.83.99. */
  public static final int MAGIC_COOKIE = 0x63825363;
  /** RFC 1542 §2.1: a BOOTP message is at least 300 bytes; encode pads to this. */
  public static final int MIN_PACKET_LENGTH = 300;
  /** RFC 2131 §2: a client must accept at least 576-byte messages (IP datagram), i.e. 548 bytes of DHCP. */
  public static final int MIN_MAX_SIZE = 548;

  private static final int CHADDR_OFFSET = 28;
  private static final int CHADDR_LENGTH = 16;
  private static final int SNAME_OFFSET = 44;
  private static final int SNAME_LENGTH = 64;
  private static final int FILE_OFFSET = 108;
  private static final int FILE_LENGTH = 128;
  private static final int OPTIONS_OFFSET = HEADER_LENGTH + 4;
  private static final int PAD = 0;
  private static final int END = 255;
  private static final int MAX_INSTANCE = 255;

  private DhcpCodec() {}

  // ---------------------------------------------------------------------------------------------------- decoding

  /**
   * Decodes the bytes from the buffer's position to its limit. The buffer's position, limit and order are not
   * changed.
   *
   * @throws DhcpCodecException if the bytes are not a DHCP packet; never any other exception
   */
  public static DhcpPacket decode(ByteBuffer buffer) {
    if (buffer == null) throw new DhcpCodecException("no packet (null buffer)");
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return decode(b);
  }

  /**
   * Decodes a whole datagram.
   *
   * @throws DhcpCodecException if the bytes are not a DHCP packet; never any other exception
   */
  public static DhcpPacket decode(byte[] b) {
    if (b == null) throw new DhcpCodecException("no packet (null)");
    if (b.length == 0) throw new DhcpCodecException("empty packet");
    if (b.length < HEADER_LENGTH) {
      throw new DhcpCodecException("packet too short: " + b.length + " bytes, the BOOTP header alone is "
          + HEADER_LENGTH);
    }
    if (b.length < OPTIONS_OFFSET) {
      throw new DhcpCodecException("no DHCP magic cookie: the packet ends " + (b.length - HEADER_LENGTH)
          + " bytes after the header");
    }
    int cookie = int32(b, HEADER_LENGTH);
    if (cookie != MAGIC_COOKIE) {
      throw new DhcpCodecException(String.format("bad DHCP magic cookie 0x%08x, expected 0x%08x (99.130.83.99)",
          cookie, MAGIC_COOKIE));
    }
    int hlen = u8(b, 2);
    if (hlen > CHADDR_LENGTH) {
      throw new DhcpCodecException("hlen " + hlen + " is longer than the 16-byte chaddr field");
    }

    // RFC 3396 §5, §7: instances of one code are joined in the order options -> file -> sname; a LinkedHashMap keeps
    // each code at its first instance's place.
    Map<Integer, ByteArrayOutputStream> joined = new LinkedHashMap<>();
    readOptions(b, OPTIONS_OFFSET, b.length, "options", true, joined);

    int overload = 0;
    ByteArrayOutputStream ov = joined.remove(OptionCode.OVERLOAD);
    if (ov != null) {
      byte[] v = ov.toByteArray();
      if (v.length != 1) {
        throw new DhcpCodecException("option overload (52) has length " + v.length + ", expected 1");
      }
      overload = v[0] & 0xFF;
      if (overload < 1 || overload > 3) {
        throw new DhcpCodecException("invalid option overload value " + overload + " (RFC 2132 §9.3 allows 1, 2, 3)");
      }
    }
    boolean fileHasOptions = (overload & 1) != 0;
    boolean snameHasOptions = (overload & 2) != 0;
    if (fileHasOptions) readOptions(b, FILE_OFFSET, FILE_OFFSET + FILE_LENGTH, "file field", false, joined);
    if (snameHasOptions) readOptions(b, SNAME_OFFSET, SNAME_OFFSET + SNAME_LENGTH, "sname field", false, joined);

    List<DhcpOption> options = new ArrayList<>(joined.size());
    for (Map.Entry<Integer, ByteArrayOutputStream> e : joined.entrySet()) {
      options.add(new DhcpOption(e.getKey(), e.getValue().toByteArray()));
    }
    byte[] chaddr = new byte[hlen];
    System.arraycopy(b, CHADDR_OFFSET, chaddr, 0, hlen);
    return new DhcpPacket(
        u8(b, 0), u8(b, 1), hlen, u8(b, 3),
        int32(b, 4) & 0xFFFFFFFFL, u16(b, 8), u16(b, 10),
        int32(b, 12), int32(b, 16), int32(b, 20), int32(b, 24),
        chaddr,
        snameHasOptions ? "" : text(b, SNAME_OFFSET, SNAME_LENGTH),
        fileHasOptions ? "" : text(b, FILE_OFFSET, FILE_LENGTH),
        options);
  }

  /**
   * Reads options in {@code [from, to)} until end (255) or the area's end. {@code main} is the options field,
   * where 52 may appear; in file/sname it would be a loop (RFC 2132 §9.3 puts it in the options field only).
   */
  private static void readOptions(byte[] b, int from, int to, String area, boolean main,
      Map<Integer, ByteArrayOutputStream> joined) {
    int i = from;
    while (i < to) {
      int code = u8(b, i);
      if (code == PAD) {
        i++;
        continue;
      }
      if (code == END) return;
      if (i + 1 >= to) {
        throw new DhcpCodecException("option " + code + " at offset " + i + " in the " + area + " has no length byte");
      }
      int len = u8(b, i + 1);
      if (i + 2 + len > to) {
        throw new DhcpCodecException("option " + code + " at offset " + i + " in the " + area + ": length " + len
            + " runs past the end (" + (to - i - 2) + " bytes left)");
      }
      if (code == OptionCode.OVERLOAD && !main) {
        throw new DhcpCodecException("option overload loop: option 52 inside the " + area);
      }
      joined.computeIfAbsent(code, c -> new ByteArrayOutputStream(len)).write(b, i + 2, len);
      i += 2 + len;
    }
    // Reaching the area's end without an end option: tolerated, see the class comment.
  }

  private static String text(byte[] b, int off, int len) {
    int n = 0;
    while (n < len && b[off + n] != 0) n++;
    return new String(b, off, n, StandardCharsets.ISO_8859_1);
  }

  // ---------------------------------------------------------------------------------------------------- encoding

  /**
   * Encodes without a size limit: all options in the options field, never overloaded.
   *
   * @throws DhcpCodecException if a header field does not fit its wire field
   */
  public static byte[] encode(DhcpPacket p) {
    return encode(p, Integer.MAX_VALUE);
  }

  /**
   * Encodes into at most {@code maxSize} bytes of DHCP message (UDP payload) — for a reply, e.g. the client's
   * option 57 less 28 bytes of IP and UDP headers (RFC 2132 §9.10 counts the datagram: its minimum is 576). When the
   * options do not fit, they continue in the {@code file} field and then the {@code sname} field, if the packet
   * leaves those empty, with option 52 first in the options field (RFC 2131 §4.1); options are split where an area
   * is full (RFC 3396 §6).
   *
   * @param maxSize at least {@link #MIN_MAX_SIZE}
   * @throws DhcpCodecException if a header field does not fit its wire field or the options do not fit
   */
  public static byte[] encode(DhcpPacket p, int maxSize) {
    if (maxSize < MIN_MAX_SIZE) {
      throw new DhcpCodecException("max size " + maxSize + " is below the RFC 2131 minimum of " + MIN_MAX_SIZE);
    }
    byte[] sname = field(p.sname(), SNAME_LENGTH, "sname");
    byte[] file = field(p.file(), FILE_LENGTH, "file");
    byte[] chaddr = p.chaddr();
    if (p.hlen() < 0 || p.hlen() > CHADDR_LENGTH) {
      throw new DhcpCodecException("hlen " + p.hlen() + " is not 0..16");
    }
    if (chaddr.length != p.hlen()) {
      throw new DhcpCodecException("chaddr has " + chaddr.length + " bytes but hlen is " + p.hlen());
    }

    List<DhcpOption> options = new ArrayList<>();
    for (DhcpOption o : p.options()) {
      // 52 is framing that this encoder owns (see the class comment); a caller's copy would contradict the layout.
      if (o.code() != OptionCode.OVERLOAD) options.add(o);
    }
    int plainLength = OPTIONS_OFFSET + wireLength(options) + 1;

    ByteBuffer out;
    if (plainLength <= maxSize) {
      out = ByteBuffer.allocate(Math.max(plainLength, MIN_PACKET_LENGTH));
      header(out, p, chaddr, sname, file);
      Area main = new Area(out, OPTIONS_OFFSET, plainLength - 1);
      for (DhcpOption o : options) main.putWhole(o);
      main.end();
    } else {
      out = overloaded(p, chaddr, sname, file, options, maxSize);
    }
    return out.array();
  }

  /** RFC 2131 §4.1 / RFC 2132 §9.3: options field first, then file, then sname, each closed by end. */
  private static ByteBuffer overloaded(DhcpPacket p, byte[] chaddr, byte[] sname, byte[] file,
      List<DhcpOption> options, int maxSize) {
    boolean fileFree = p.file().isEmpty();
    boolean snameFree = p.sname().isEmpty();
    int mainLength = maxSize - OPTIONS_OFFSET;
    ByteBuffer out = ByteBuffer.allocate(Math.max(maxSize, MIN_PACKET_LENGTH));
    header(out, p, chaddr, sname, file);

    // Try file alone first: a packet that needs only the file field keeps sname for the server name.
    for (int overload : new int[] {1, 3, 2}) {
      boolean useFile = (overload & 1) != 0;
      boolean useSname = (overload & 2) != 0;
      if ((useFile && !fileFree) || (useSname && !snameFree)) continue;
      if (!layOut(options, areas(null, mainLength, useFile, useSname))) continue;

      // It fits: write for real into zeroed file/sname fields.
      if (useFile) out.put(FILE_OFFSET, new byte[FILE_LENGTH]);
      if (useSname) out.put(SNAME_OFFSET, new byte[SNAME_LENGTH]);
      out.put(OPTIONS_OFFSET, (byte) OptionCode.OVERLOAD).put(OPTIONS_OFFSET + 1, (byte) 1)
          .put(OPTIONS_OFFSET + 2, (byte) overload);
      List<Area> real = areas(out, mainLength, useFile, useSname);
      layOut(options, real);
      Area main = real.get(0);
      main.end();
      for (int i = 1; i < real.size(); i++) real.get(i).end();
      // Trim the options field to what was used (at least the BOOTP minimum).
      int used = Math.max(main.pos, MIN_PACKET_LENGTH);
      return ByteBuffer.wrap(Arrays.copyOf(out.array(), used));
    }
    throw new DhcpCodecException("options need " + wireLength(options) + " bytes and do not fit in " + maxSize
        + " bytes" + (fileFree && snameFree ? " even with file and sname overloaded" : " (file/sname in use)"));
  }

  /** The areas in RFC 2131 §4.1 order; in the options field 3 bytes go to option 52 itself, 1 in each to end. */
  private static List<Area> areas(ByteBuffer out, int mainLength, boolean file, boolean sname) {
    List<Area> areas = new ArrayList<>(3);
    areas.add(new Area(out, OPTIONS_OFFSET + 3, OPTIONS_OFFSET + mainLength - 1));
    if (file) areas.add(new Area(out, FILE_OFFSET, FILE_OFFSET + FILE_LENGTH - 1));
    if (sname) areas.add(new Area(out, SNAME_OFFSET, SNAME_OFFSET + SNAME_LENGTH - 1));
    return areas;
  }

  /**
   * Fills the areas in order. An option that fits an area whole goes there whole, or whole into a later area if one
   * can hold it (PXE ROMs and other small clients rarely implement RFC 3396 joining); only a value no single area
   * can hold is split where an area is full (RFC 3396 §6). Options never go back to an earlier area: the decoder
   * reads the areas in order, so that keeps the list order.
   *
   * @return false if the options do not fit
   */
  private static boolean layOut(List<DhcpOption> options, List<Area> areas) {
    int a = 0;
    for (DhcpOption o : options) {
      byte[] v = o.value();
      int off = 0;
      boolean placed = false;
      while (!placed || off < v.length) {
        Area area = areas.get(a);
        int left = v.length - off;
        int want = Math.min(left, MAX_INSTANCE);
        int room = area.room();
        if (want <= room) {
          area.put(o.code(), v, off, want);
          off += want;
          placed = true;
          continue;
        }
        boolean wholeLater = false;
        if (off == 0 && left <= MAX_INSTANCE) {
          for (int k = a + 1; k < areas.size(); k++) wholeLater |= areas.get(k).room() >= left;
        }
        if (room >= 1 && !wholeLater) {
          area.put(o.code(), v, off, room);
          off += room;
          placed = true;
        }
        if (++a >= areas.size()) return false;
      }
    }
    return true;
  }

  private static void header(ByteBuffer out, DhcpPacket p, byte[] chaddr, byte[] sname, byte[] file) {
    out.put(0, u8("op", p.op())).put(1, u8("htype", p.htype())).put(2, u8("hlen", p.hlen()))
        .put(3, u8("hops", p.hops()));
    if (p.xid() < 0 || p.xid() > 0xFFFFFFFFL) throw new DhcpCodecException("xid " + p.xid() + " is not 32-bit");
    out.putInt(4, (int) p.xid());
    out.putShort(8, u16("secs", p.secs())).putShort(10, u16("flags", p.flags()));
    out.putInt(12, p.ciaddr()).putInt(16, p.yiaddr()).putInt(20, p.siaddr()).putInt(24, p.giaddr());
    out.put(CHADDR_OFFSET, chaddr);
    out.put(SNAME_OFFSET, sname);
    out.put(FILE_OFFSET, file);
    out.putInt(HEADER_LENGTH, MAGIC_COOKIE);
  }

  private static byte[] field(String s, int size, String name) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xFF) {
        throw new DhcpCodecException(name + " has a character outside ISO-8859-1 at index " + i);
      }
    }
    byte[] v = s.getBytes(StandardCharsets.ISO_8859_1);
    // A field may be full without a NUL: the decoder reads at most the field's size.
    if (v.length > size) throw new DhcpCodecException(name + " is " + v.length + " bytes, the field holds " + size);
    return v;
  }

  /** Bytes the options take in one unbounded area: 2 per instance plus the value. */
  private static int wireLength(List<DhcpOption> options) {
    int n = 0;
    for (DhcpOption o : options) n += instances(o.length()) * 2 + o.length();
    return n;
  }

  private static int instances(int length) {
    return length == 0 ? 1 : (length + MAX_INSTANCE - 1) / MAX_INSTANCE;
  }

  /** A region of the packet options are written into: {@code [pos, limit)}, with one byte after limit for end. */
  private static final class Area {
    final ByteBuffer out;
    int pos;
    final int limit;

    Area(ByteBuffer out, int pos, int limit) {
      this.out = out;
      this.pos = pos;
      this.limit = limit;
    }

    /** Value bytes one more instance can carry here; negative when not even an empty instance fits. */
    int room() {
      return limit - pos - 2;
    }

    void putWhole(DhcpOption o) {
      byte[] v = o.value();
      int off = 0;
      do {
        int chunk = Math.min(v.length - off, MAX_INSTANCE);
        put(o.code(), v, off, chunk);
        off += chunk;
      } while (off < v.length);
    }

    void put(int code, byte[] v, int off, int len) {
      if (out != null) {
        out.put(pos, (byte) code).put(pos + 1, (byte) len).put(pos + 2, v, off, len);
      }
      pos += 2 + len;
    }

    void end() {
      out.put(pos++, (byte) END);
    }
  }

  // ---------------------------------------------------------------------------------------------------- bytes

  private static int u8(byte[] b, int i) {
    return b[i] & 0xFF;
  }

  private static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  private static int int32(byte[] b, int i) {
    return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
  }

  private static byte u8(String name, int v) {
    if (v < 0 || v > 0xFF) throw new DhcpCodecException(name + " " + v + " is not 0..255");
    return (byte) v;
  }

  private static short u16(String name, int v) {
    if (v < 0 || v > 0xFFFF) throw new DhcpCodecException(name + " " + v + " is not 0..65535");
    return (short) v;
  }
}
