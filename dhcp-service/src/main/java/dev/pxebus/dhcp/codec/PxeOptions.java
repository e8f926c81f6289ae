package dev.pxebus.dhcp.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The option values PXE clients and servers speak, bytes to small records and back: option 43's PXE sub-options
 * (PXE spec 2.1 §2.2.5), 93/94/97 (RFC 4578 §2), 77 (RFC 3004, and iPXE's raw form), and iPXE's encapsulated
 * option 175. Pure functions over {@link DhcpOption#value()} bytes. Malformed values throw
 * {@link DhcpCodecException}, except the UUID (97), which real ROMs omit or truncate and which is only ever a hint.
 * Text is ISO-8859-1 so every byte maps to one char and back.
 */
public final class PxeOptions {
  private PxeOptions() {}

  /** Encapsulated-option pad and end (same framing as RFC 2132 §3, PXE spec 2.1 Table 2-1 PXE_END). */
  public static final int PAD = 0;
  public static final int END = 255;

  /** Option 43 sub-option codes, PXE spec 2.1 Table 2-1. */
  public static final int DISCOVERY_CONTROL = 6;
  public static final int BOOT_SERVERS = 8;
  public static final int BOOT_MENU = 9;
  public static final int MENU_PROMPT = 10;
  public static final int BOOT_ITEM = 71;

  /** Bits of sub-option 6 (PXE spec 2.1 §2.2.5). */
  public static final int DISABLE_BROADCAST_DISCOVERY = 1;
  public static final int DISABLE_MULTICAST_DISCOVERY = 2;
  /** Only use/accept servers in sub-option 8. */
  public static final int SERVER_LIST_ONLY = 4;
  /** A boot file in the offer is downloaded without prompt, menu or discovery. */
  public static final int BOOT_FILE_NO_PROMPT = 8;

  /** iPXE's option 175 sub-options (iPXE include/ipxe/dhcp.h). */
  public static final int IPXE_NO_PXEDHCP = 176;
  public static final int IPXE_BUS_ID = 177;
  public static final int IPXE_VERSION = 235;

  /** RFC 4578 §2.2: NDI type 1 = UNDI. */
  public static final int NDI_UNDI = 1;

  /** One encapsulated option (option 43, 175): a code 1..254 and its value bytes. */
  public record SubOption(int code, byte[] value) {
    public SubOption {
      if (code < 1 || code > 254) throw new IllegalArgumentException("sub-option code " + code + " is not 1..254");
      if (value.length > 255) throw new IllegalArgumentException("sub-option " + code + " longer than 255 bytes");
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SubOption s && s.code == code && Arrays.equals(s.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * code + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return code + "=" + HexFormat.of().formatHex(value);
    }
  }

  /** Sub-option 8 entry: a boot server type and its addresses (IPv4 as in {@link DhcpPacket.Ip4}). */
  public record BootServer(int type, List<Integer> addresses) {
    public BootServer {
      addresses = List.copyOf(addresses);
    }
  }

  /** Sub-option 9 entry: a boot server type and the menu line shown for it. */
  public record MenuItem(int type, String description) {}

  /**
   * Sub-option 10: seconds before the first menu item is taken (0: at once, no prompt; 255: wait for the user) and
   * the prompt text.
   */
  public record MenuPrompt(int timeout, String prompt) {}

  /** Sub-option 71: the boot server type asked for or answered, and the layer (bit 15: credentials wanted). */
  public record BootItem(int type, int layer) {}

  /** Option 94 (RFC 4578 §2.2): interface type (1 = UNDI) and its version, e.g. UNDI 2.1. */
  public record Ndi(int type, int major, int minor) {}

  // ------------------------------------------------------------------------------------------ encapsulated lists

  /**
   * Decodes encapsulated options: pads skipped, stops at end (255) or the value's end (iPXE sends no end in 175,
   * dnsmasq does), unknown codes kept in order.
   *
   * @throws DhcpCodecException if a sub-option runs past the value
   */
  public static List<SubOption> decodeSubOptions(byte[] value) {
    List<SubOption> out = new ArrayList<>();
    int i = 0;
    while (i < value.length) {
      int code = value[i] & 0xFF;
      if (code == PAD) {
        i++;
        continue;
      }
      if (code == END) break;
      if (i + 1 >= value.length) {
        throw new DhcpCodecException("sub-option " + code + " at offset " + i + " has no length byte");
      }
      int len = value[i + 1] & 0xFF;
      if (i + 2 + len > value.length) {
        throw new DhcpCodecException("sub-option " + code + " at offset " + i + ": length " + len
            + " runs past the end (" + (value.length - i - 2) + " bytes left)");
      }
      out.add(new SubOption(code, Arrays.copyOfRange(value, i + 2, i + 2 + len)));
      i += 2 + len;
    }
    return out;
  }

  /** Encodes sub-options followed by end (255), as PXE spec 2.1 §2.2.5 lays out option 43. */
  public static byte[] encodeSubOptions(List<SubOption> subOptions) {
    return encodeSubOptions(subOptions, true);
  }

  /** Encodes sub-options; {@code end = false} gives iPXE's own form of 175 (no end byte). */
  public static byte[] encodeSubOptions(List<SubOption> subOptions, boolean end) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (SubOption s : subOptions) {
      out.write(s.code());
      out.write(s.value.length);
      out.write(s.value, 0, s.value.length);
    }
    if (end) out.write(END);
    return out.toByteArray();
  }

  /** The first sub-option with this code. */
  public static Optional<SubOption> find(List<SubOption> subOptions, int code) {
    return subOptions.stream().filter(s -> s.code() == code).findFirst();
  }

  // ------------------------------------------------------------------------------------------ option 43 values

  /** Sub-option 6: the discovery control bits. */
  public static int decodeDiscoveryControl(byte[] v) {
    exactly(v, 1, "discovery control (43.6)");
    return v[0] & 0xFF;
  }

  public static byte[] encodeDiscoveryControl(int bits) {
    return new byte[] {u8(bits, "discovery control bits")};
  }

  /** Sub-option 8: entries of type (2 bytes), count (1), count IPv4 addresses. */
  public static List<BootServer> decodeBootServers(byte[] v) {
    List<BootServer> out = new ArrayList<>();
    int i = 0;
    while (i < v.length) {
      if (i + 3 > v.length) throw new DhcpCodecException("boot servers (43.8): entry at offset " + i + " truncated");
      int type = u16(v, i);
      int n = v[i + 2] & 0xFF;
      i += 3;
      if (i + 4 * n > v.length) {
        throw new DhcpCodecException("boot servers (43.8): " + n + " addresses at offset " + i + " run past the end");
      }
      List<Integer> ips = new ArrayList<>(n);
      for (int k = 0; k < n; k++, i += 4) ips.add(DhcpPacket.Ip4.fromBytes(v, i));
      out.add(new BootServer(type, ips));
    }
    return out;
  }

  public static byte[] encodeBootServers(List<BootServer> servers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BootServer s : servers) {
      out.writeBytes(u16(s.type(), "boot server type"));
      out.write(u8(s.addresses().size(), "boot server address count"));
      for (int ip : s.addresses()) out.writeBytes(DhcpPacket.Ip4.bytes(ip));
    }
    return out.toByteArray();
  }

  /** Sub-option 9: entries of type (2 bytes), description length (1), description. */
  public static List<MenuItem> decodeBootMenu(byte[] v) {
    List<MenuItem> out = new ArrayList<>();
    int i = 0;
    while (i < v.length) {
      if (i + 3 > v.length) throw new DhcpCodecException("boot menu (43.9): entry at offset " + i + " truncated");
      int type = u16(v, i);
      int n = v[i + 2] & 0xFF;
      i += 3;
      if (i + n > v.length) {
        throw new DhcpCodecException("boot menu (43.9): description of " + n + " bytes at offset " + i
            + " runs past the end");
      }
      out.add(new MenuItem(type, new String(v, i, n, StandardCharsets.ISO_8859_1)));
      i += n;
    }
    return out;
  }

  public static byte[] encodeBootMenu(List<MenuItem> items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (MenuItem m : items) {
      byte[] d = latin1(m.description(), "boot menu description");
      out.writeBytes(u16(m.type(), "boot menu type"));
      out.write(u8(d.length, "boot menu description length"));
      out.writeBytes(d);
    }
    return out.toByteArray();
  }

  /** Sub-option 10: timeout (1 byte), prompt. */
  public static MenuPrompt decodeMenuPrompt(byte[] v) {
    if (v.length < 1) throw new DhcpCodecException("menu prompt (43.10) is empty, needs a timeout byte");
    return new MenuPrompt(v[0] & 0xFF, new String(v, 1, v.length - 1, StandardCharsets.ISO_8859_1));
  }

  public static byte[] encodeMenuPrompt(MenuPrompt p) {
    byte[] text = latin1(p.prompt(), "menu prompt");
    ByteBuffer b = ByteBuffer.allocate(1 + text.length);
    b.put(u8(p.timeout(), "menu prompt timeout")).put(text);
    return b.array();
  }

  /** Sub-option 71: type (2 bytes), layer (2 bytes). */
  public static BootItem decodeBootItem(byte[] v) {
    exactly(v, 4, "boot item (43.71)");
    return new BootItem(u16(v, 0), u16(v, 2));
  }

  public static byte[] encodeBootItem(BootItem item) {
    ByteBuffer b = ByteBuffer.allocate(4);
    b.put(u16(item.type(), "boot item type")).put(u16(item.layer(), "boot item layer"));
    return b.array();
  }

  // ------------------------------------------------------------------------------------------ RFC 4578

  /** Option 93 (RFC 4578 §2.1): a list of 16-bit architecture types (0 = BIOS, 7 = EFI x64, …). */
  public static List<Integer> decodeClientArch(byte[] v) {
    if (v.length % 2 != 0) throw new DhcpCodecException("client arch (93) has odd length " + v.length);
    List<Integer> out = new ArrayList<>(v.length / 2);
    for (int i = 0; i < v.length; i += 2) out.add(u16(v, i));
    return out;
  }

  public static byte[] encodeClientArch(List<Integer> types) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int t : types) out.writeBytes(u16(t, "client arch"));
    return out.toByteArray();
  }

  /** Option 94 (RFC 4578 §2.2): type, major, minor. */
  public static Ndi decodeNdi(byte[] v) {
    exactly(v, 3, "client NDI (94)");
    return new Ndi(v[0] & 0xFF, v[1] & 0xFF, v[2] & 0xFF);
  }

  public static byte[] encodeNdi(Ndi ndi) {
    return new byte[] {u8(ndi.type(), "NDI type"), u8(ndi.major(), "NDI major"), u8(ndi.minor(), "NDI minor")};
  }

  /**
   * Option 97 (RFC 4578 §2.3): type 0 then 16 bytes, read in network order as Wireshark shows it. Empty when the
   * value is absent ({@code null}), shorter than 17 bytes or of another type — real ROMs send those, and the UUID
   * is never needed to boot. Extra bytes after the 17 are ignored.
   */
  public static Optional<UUID> decodeUuid(byte[] v) {
    if (v == null || v.length < 17 || v[0] != 0) return Optional.empty();
    ByteBuffer b = ByteBuffer.wrap(v, 1, 16);
    return Optional.of(new UUID(b.getLong(), b.getLong()));
  }

  public static byte[] encodeUuid(UUID uuid) {
    return ByteBuffer.allocate(17).put((byte) 0).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits()).array();
  }

  // ------------------------------------------------------------------------------------------ option 77

  /**
   * Option 77: RFC 3004 §4 defines a list of length-prefixed classes, but iPXE sends the bare string {@code iPXE}.
   * The value is read as RFC 3004 when it parses exactly that way (every length ≥ 1, nothing left over), else as
   * one raw class: {@code iPXE} starts with 'i' (105), far longer than what follows, so it reads raw.
   */
  public static List<String> decodeUserClasses(byte[] v) {
    List<String> classes = new ArrayList<>();
    int i = 0;
    while (i < v.length) {
      int n = v[i] & 0xFF;
      if (n == 0 || i + 1 + n > v.length) {
        return v.length == 0 ? List.of() : List.of(new String(v, StandardCharsets.ISO_8859_1));
      }
      classes.add(new String(v, i + 1, n, StandardCharsets.ISO_8859_1));
      i += 1 + n;
    }
    return classes;
  }

  /** RFC 3004 form: each class as length, bytes. */
  public static byte[] encodeUserClasses(List<String> classes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String c : classes) {
      byte[] b = latin1(c, "user class");
      if (b.length == 0) throw new DhcpCodecException("user class is empty (RFC 3004 §4: length at least 1)");
      out.write(u8(b.length, "user class length"));
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  /** iPXE's form: the class bytes alone. */
  public static byte[] encodeUserClassRaw(String userClass) {
    return latin1(userClass, "user class");
  }

  // ------------------------------------------------------------------------------------------ bytes

  private static void exactly(byte[] v, int n, String what) {
    if (v.length != n) throw new DhcpCodecException(what + " has length " + v.length + ", expected " + n);
  }

  private static int u16(byte[] v, int i) {
    return ((v[i] & 0xFF) << 8) | (v[i + 1] & 0xFF);
  }

  private static byte[] u16(int x, String what) {
    if (x < 0 || x > 0xFFFF) throw new DhcpCodecException(what + " " + x + " is not 0..65535");
    return new byte[] {(byte) (x >>> 8), (byte) x};
  }

  private static byte u8(int x, String what) {
    if (x < 0 || x > 0xFF) throw new DhcpCodecException(what + " " + x + " is not 0..255");
    return (byte) x;
  }

  private static byte[] latin1(String s, String what) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xFF) throw new DhcpCodecException(what + " has a character outside ISO-8859-1");
    }
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
