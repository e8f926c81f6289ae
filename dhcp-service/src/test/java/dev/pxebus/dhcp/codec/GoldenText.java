package dev.pxebus.dhcp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One stable, human-readable rendering of a decoded packet for golden files: the header, the message type, and each
 * option as {@code code = hex} plus a decoded form for the ones pxebus reads. Golden files live in
 * {@code src/test/resources/golden/}; {@code -Dgolden.update=true} rewrites them (then read the diff by hand).
 */
final class GoldenText {
  private static final HexFormat HEX = HexFormat.of();

  private GoldenText() {}

  /**
   * @param maskVolatile replace what differs on every run of a live client (xid, secs) by placeholders
   */
  static String render(DhcpPacket p, boolean maskVolatile) {
    StringBuilder s = new StringBuilder();
    s.append("  op=").append(p.op()).append(p.op() == 1 ? " BOOTREQUEST" : p.op() == 2 ? " BOOTREPLY" : "")
        .append(" htype=").append(p.htype()).append(" hlen=").append(p.hlen()).append(" hops=").append(p.hops())
        .append(" xid=").append(maskVolatile ? "<xid>" : String.format("0x%08x", p.xid()))
        .append(" secs=").append(maskVolatile ? "<secs>" : String.valueOf(p.secs()))
        .append(String.format(" flags=0x%04x", p.flags())).append(p.broadcastFlag() ? " (broadcast)" : "")
        .append('\n');
    s.append("  ciaddr=").append(ip(p.ciaddr())).append(" yiaddr=").append(ip(p.yiaddr()))
        .append(" siaddr=").append(ip(p.siaddr())).append(" giaddr=").append(ip(p.giaddr())).append('\n');
    s.append("  chaddr=").append(HexFormat.ofDelimiter(":").formatHex(p.chaddr()))
        .append(" sname=").append(quote(p.sname().getBytes(StandardCharsets.ISO_8859_1)))
        .append(" file=").append(quote(p.file().getBytes(StandardCharsets.ISO_8859_1))).append('\n');
    s.append("  message type ").append(p.messageType()).append('\n');
    for (DhcpOption o : p.options()) {
      s.append(String.format("  %3d = %s", o.code(), HEX.formatHex(o.value())));
      String d = describe(o);
      if (!d.isEmpty()) s.append("\n        ").append(d);
      s.append('\n');
    }
    return s.toString();
  }

  /** The decoded form of an option pxebus knows, or "" for unknown ones. */
  static String describe(DhcpOption o) {
    byte[] v = o.value();
    try {
      return switch (o.code()) {
        case OptionCode.SUBNET_MASK, OptionCode.BROADCAST_ADDRESS, OptionCode.REQUESTED_IP, OptionCode.SERVER_ID ->
            name(o.code()) + " " + ips(v);
        case OptionCode.ROUTER, OptionCode.DNS_SERVERS -> name(o.code()) + " " + ips(v);
        case OptionCode.HOSTNAME, OptionCode.DOMAIN_NAME, OptionCode.MESSAGE, OptionCode.VENDOR_CLASS,
            OptionCode.TFTP_SERVER_NAME, OptionCode.BOOTFILE_NAME -> name(o.code()) + " " + quote(v);
        case OptionCode.LEASE_TIME, OptionCode.RENEWAL_TIME, OptionCode.REBINDING_TIME ->
            name(o.code()) + " " + u32(v) + " s";
        case OptionCode.MAX_MESSAGE_SIZE -> name(o.code()) + " " + u16(v);
        case OptionCode.MESSAGE_TYPE -> name(o.code()) + " "
            + (v.length == 1 ? MessageType.of(v[0] & 0xFF) + " (" + (v[0] & 0xFF) + ")" : "malformed");
        case OptionCode.PARAMETER_REQUEST_LIST -> name(o.code()) + " " + codes(v);
        case OptionCode.CLIENT_ID -> name(o.code()) + " type " + (v.length > 0 ? v[0] & 0xFF : "?") + " "
            + (v.length > 1 ? HexFormat.ofDelimiter(":").formatHex(v, 1, v.length) : "");
        case OptionCode.VENDOR_SPECIFIC -> name(o.code()) + " " + pxe(v);
        case OptionCode.USER_CLASS -> {
          List<String> classes = PxeOptions.decodeUserClasses(v);
          boolean rfc3004 = Arrays.equals(PxeOptions.encodeUserClasses(classes), v);
          yield name(o.code()) + " " + classes.stream().map(c -> quote(c.getBytes(StandardCharsets.ISO_8859_1)))
              .toList() + (rfc3004 ? " (RFC 3004)" : " (raw, not RFC 3004)");
        }
        case OptionCode.CLIENT_ARCH -> name(o.code()) + " " + PxeOptions.decodeClientArch(v);
        case OptionCode.CLIENT_NDI -> {
          PxeOptions.Ndi n = PxeOptions.decodeNdi(v);
          yield name(o.code()) + " type " + n.type() + (n.type() == PxeOptions.NDI_UNDI ? " (UNDI)" : "") + " version "
              + n.major() + "." + n.minor();
        }
        case OptionCode.CLIENT_UUID -> name(o.code()) + " "
            + PxeOptions.decodeUuid(v).map(Object::toString).orElse("(absent or malformed)");
        case OptionCode.IPXE_ENCAP -> name(o.code()) + " " + PxeOptions.decodeSubOptions(v)
            + (v.length > 0 && (v[v.length - 1] & 0xFF) == PxeOptions.END ? " +end" : "");
        default -> "";
      };
    } catch (DhcpCodecException e) {
      return name(o.code()) + " (malformed: " + e.getMessage() + ")";
    }
  }

  private static String pxe(byte[] v) {
    List<String> parts = new ArrayList<>();
    for (PxeOptions.SubOption s : PxeOptions.decodeSubOptions(v)) {
      byte[] x = s.value();
      String d = switch (s.code()) {
        case PxeOptions.DISCOVERY_CONTROL -> "discovery-control " + PxeOptions.decodeDiscoveryControl(x);
        case PxeOptions.BOOT_SERVERS -> "boot-servers " + PxeOptions.decodeBootServers(x).stream()
            .map(b -> String.format("type 0x%04x %s", b.type(),
                b.addresses().stream().map(GoldenText::ip).toList()))
            .toList();
        case PxeOptions.BOOT_MENU -> "boot-menu " + PxeOptions.decodeBootMenu(x).stream()
            .map(m -> String.format("type 0x%04x %s", m.type(), quote(m.description().getBytes(
                StandardCharsets.ISO_8859_1))))
            .toList();
        case PxeOptions.MENU_PROMPT -> {
          PxeOptions.MenuPrompt p = PxeOptions.decodeMenuPrompt(x);
          yield "menu-prompt timeout " + p.timeout() + " " + quote(p.prompt().getBytes(StandardCharsets.ISO_8859_1));
        }
        case PxeOptions.BOOT_ITEM -> {
          PxeOptions.BootItem b = PxeOptions.decodeBootItem(x);
          yield String.format("boot-item type 0x%04x layer %d", b.type(), b.layer());
        }
        default -> s.toString();
      };
      parts.add(s.code() + ": " + d);
    }
    return "[" + String.join("; ", parts) + "]"
        + (v.length > 0 && (v[v.length - 1] & 0xFF) == PxeOptions.END ? " +end" : "");
  }

  private static String name(int code) {
    return switch (code) {
      case OptionCode.SUBNET_MASK -> "subnet-mask";
      case OptionCode.ROUTER -> "router";
      case OptionCode.DNS_SERVERS -> "dns";
      case OptionCode.HOSTNAME -> "hostname";
      case OptionCode.DOMAIN_NAME -> "domain";
      case OptionCode.BROADCAST_ADDRESS -> "broadcast";
      case OptionCode.VENDOR_SPECIFIC -> "vendor-specific (PXE)";
      case OptionCode.REQUESTED_IP -> "requested-ip";
      case OptionCode.LEASE_TIME -> "lease-time";
      case OptionCode.MESSAGE_TYPE -> "message-type";
      case OptionCode.SERVER_ID -> "server-id";
      case OptionCode.PARAMETER_REQUEST_LIST -> "parameter-request-list";
      case OptionCode.MESSAGE -> "message";
      case OptionCode.MAX_MESSAGE_SIZE -> "max-message-size";
      case OptionCode.RENEWAL_TIME -> "renewal-time";
      case OptionCode.REBINDING_TIME -> "rebinding-time";
      case OptionCode.VENDOR_CLASS -> "vendor-class";
      case OptionCode.CLIENT_ID -> "client-id";
      case OptionCode.TFTP_SERVER_NAME -> "tftp-server";
      case OptionCode.BOOTFILE_NAME -> "bootfile";
      case OptionCode.USER_CLASS -> "user-class";
      case OptionCode.CLIENT_ARCH -> "client-arch";
      case OptionCode.CLIENT_NDI -> "client-ndi";
      case OptionCode.CLIENT_UUID -> "client-uuid";
      case OptionCode.IPXE_ENCAP -> "ipxe-encap";
      default -> "option " + code;
    };
  }

  static String ip(int a) {
    return DhcpPacket.Ip4.text(a);
  }

  private static String ips(byte[] v) {
    if (v.length % 4 != 0) return "(malformed: " + v.length + " bytes)";
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.length; i += 4) out.add(ip(DhcpPacket.Ip4.fromBytes(v, i)));
    return String.join(",", out);
  }

  private static String codes(byte[] v) {
    List<String> out = new ArrayList<>();
    for (byte b : v) out.add(String.valueOf(b & 0xFF));
    return String.join(",", out);
  }

  private static String u16(byte[] v) {
    return v.length == 2 ? String.valueOf(((v[0] & 0xFF) << 8) | (v[1] & 0xFF)) : "(malformed)";
  }

  private static String u32(byte[] v) {
    return v.length == 4 ? String.valueOf(DhcpPacket.Ip4.fromBytes(v, 0) & 0xFFFFFFFFL) : "(malformed)";
  }

  /** A quoted string: printable ASCII as is, everything else (NUL included) as \xNN. */
  static String quote(byte[] v) {
    StringBuilder s = new StringBuilder("\"");
    for (byte b : v) {
      int c = b & 0xFF;
      if (c == '"' || c == '\\') s.append('\\').append((char) c);
      else if (c >= 0x20 && c < 0x7F) s.append((char) c);
      else s.append(String.format("\\x%02x", c));
    }
    return s.append('"').toString();
  }

  // ---------------------------------------------------------------------------------------------- golden files

  /** Compares with {@code golden/<name>}, or writes it under -Dgolden.update=true. */
  static void assertGolden(String name, String actual) {
    if (Boolean.getBoolean("golden.update")) {
      try {
        Path p = Path.of("src/test/resources/golden", name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, actual, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    String expected;
    try (InputStream in = GoldenText.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        throw new AssertionError("no golden file golden/" + name + "; run with -Dgolden.update=true, then read it");
      }
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(expected, actual, "golden/" + name + " differs (-Dgolden.update=true rewrites it)");
  }
}
