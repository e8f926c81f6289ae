package dev.pxebus.catalog.spec;

import dev.pxebus.events.Mac;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The value rules shared by every entity: each normalises a value and returns it, or reports why it cannot and
 * returns null. Idempotent (a normalised value passes unchanged), so a record's constructor can apply them to what
 * a parser already normalised.
 */
final class Check {
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  /** A file name: no path separator, no leading dot (hidden, {@code .}, {@code ..}) or dash (an option to a tool). */
  static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]*");
  static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~:-]*");
  static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
  static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
  static final String NIL_UUID = "00000000-0000-0000-0000-000000000000";
  static final String MAX_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

  private Check() {}

  private static boolean tooLong(Errors e, String path, String v, int max) {
    if (v.length() <= max) return false;
    e.add(path, ErrorCode.TOO_LONG, Text.name(path) + " is " + v.length() + " characters, at most " + max);
    return true;
  }

  /** An id of an image, profile or group (also a reference to one). */
  static String id(Errors e, String path, String v, boolean required) {
    v = Text.stripToNull(v);
    if (v == null) {
      if (required) e.required(path);
      return null;
    }
    if (tooLong(e, path, v, Limits.ID_MAX)) return null;
    if (!ID.matcher(v).matches()) {
      e.add(path, ErrorCode.UNSAFE_NAME, Text.quote(v) + " is not a safe id: lower-case letters, digits, '.', '_' "
          + "and '-', starting with a letter or digit");
      return null;
    }
    return v;
  }

  /** A kernel or initrd file name: served as {@code /images/<image>/<name>}, so never a path. */
  static String fileName(Errors e, String path, String v) {
    v = Text.stripToNull(v);
    if (v == null) {
      e.required(path);
      return null;
    }
    if (tooLong(e, path, v, Limits.FILE_NAME_MAX)) return null;
    String why = null;
    if (v.indexOf('/') >= 0) why = "contains '/'";
    else if (v.indexOf('\\') >= 0) why = "contains '\\'";
    else if (v.indexOf('\0') >= 0) why = "contains NUL";
    else if (v.contains("..")) why = "contains '..'";
    else if (v.startsWith(".")) why = "starts with '.'";
    else if (v.startsWith("-")) why = "starts with '-'";
    else if (!FILE_NAME.matcher(v).matches()) why = "has a character other than letters, digits, '.', '_', '+' and '-'";
    if (why != null) {
      e.add(path, ErrorCode.UNSAFE_NAME, "file name " + Text.quote(v) + " " + why + " (it is served as "
          + "/images/<image>/<name>)");
      return null;
    }
    return v;
  }

  /** 64 hex digits, normalised to lower case. */
  static String sha256(Errors e, String path, String v) {
    v = Text.stripToNull(v);
    if (v == null) {
      e.required(path);
      return null;
    }
    String t = v.toLowerCase(Locale.ROOT);
    if (!HEX64.matcher(t).matches()) {
      e.add(path, ErrorCode.BAD_SHA256, Text.quote(v) + " is not a SHA-256 digest (64 hexadecimal digits)");
      return null;
    }
    return t;
  }

  static long size(Errors e, String path, long v) {
    if (v <= 0 || v > Limits.ARTIFACT_SIZE_MAX) {
      e.add(path, ErrorCode.BAD_SIZE, Text.name(path) + " must be between 1 and " + Limits.ARTIFACT_SIZE_MAX
          + " bytes, got " + v);
    }
    return v;
  }

  /** Display text (an image's or group's name, a menu label): any printable Unicode, bounded. */
  static String text(Errors e, String path, String v, int max) {
    v = Text.stripToNull(v);
    if (v == null) return null;
    if (tooLong(e, path, v, max)) return null;
    for (int i = 0; i < v.length(); ) {
      int cp = v.codePointAt(i);
      if (!printable(cp)) {
        e.add(path, ErrorCode.BAD_CHAR, Text.name(path) + " has character " + String.format("U+%04X", cp)
            + " at " + i + ": control, format and line-separator characters are not allowed");
        return null;
      }
      i += Character.charCount(cp);
    }
    return v;
  }

  static boolean printable(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
      default -> true;
    };
  }

  /** A kernel command line (part), normalised to single spaces between parameters; see {@link Cmdline}. */
  static String cmdline(Errors e, String path, String v) {
    v = Text.stripToNull(v);
    if (v == null) return null;
    if (tooLong(e, path, v, Limits.CMDLINE_MAX)) return null;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        e.add(path, ErrorCode.BAD_CHAR, Text.name(path) + " has character " + String.format("U+%04X", (int) c)
            + " at " + i + ": a kernel command line is printable ASCII");
        return null;
      }
    }
    try {
      String joined = String.join(" ", Cmdline.split(v));
      return joined.isEmpty() ? null : joined;
    } catch (IllegalArgumentException x) {
      e.add(path, ErrorCode.BAD_CMDLINE, Text.name(path) + ": " + x.getMessage());
      return null;
    }
  }

  static String version(Errors e, String path, String v) {
    v = Text.stripToNull(v);
    if (v == null) return null;
    if (tooLong(e, path, v, Limits.VERSION_MAX)) return null;
    if (!VERSION.matcher(v).matches()) {
      e.add(path, ErrorCode.INVALID_VERSION, Text.quote(v) + " is not a version: letters, digits and '.', '_', "
          + "'+', '~', ':', '-', starting with a letter or digit");
      return null;
    }
    return v;
  }

  static String mac(Errors e, String path, String v, boolean required) {
    v = Text.stripToNull(v);
    if (v == null) {
      if (required) e.required(path);
      return null;
    }
    if (v.length() <= 32 && Mac.isValid(v)) {
      String c = Mac.canonical(v);
      // A network card's own address is unicast (IEEE 802 I/G bit clear) and not all zeros (what tftp-service
      // reports for a client it cannot name).
      if ((Integer.parseInt(c.substring(0, 2), 16) & 1) != 0 || c.equals("00:00:00:00:00:00")) {
        e.add(path, ErrorCode.INVALID_MAC, Text.quote(v) + " is a " + (c.equals("00:00:00:00:00:00") ? "null"
            : c.equals("ff:ff:ff:ff:ff:ff") ? "broadcast" : "multicast") + " address, not a machine's");
        return null;
      }
      return c;
    }
    String hint = v.length() == 20 && v.startsWith("01-") ? "; drop pxelinux's 01- hardware-type prefix" : "";
    e.add(path, ErrorCode.INVALID_MAC, Text.quote(v) + " is not a MAC address (12 hex digits: 52:54:00:ab:cd:ef, "
        + "52-54-00-ab-cd-ef, 5254.00ab.cdef or 525400abcdef)" + hint);
    return null;
  }

  /** A UUID normalised to lower-case 8-4-4-4-12; null when it is not one (no error reported). */
  static String uuidOrNull(String v) {
    v = Text.stripToNull(v);
    if (v == null || v.length() > 40) return null;
    String t = v.toLowerCase(Locale.ROOT);
    if (t.startsWith("{") && t.endsWith("}")) t = t.substring(1, t.length() - 1);
    if (HEX32.matcher(t).matches()) {
      t = t.substring(0, 8) + "-" + t.substring(8, 12) + "-" + t.substring(12, 16) + "-" + t.substring(16, 20) + "-"
          + t.substring(20);
    }
    return UUID.matcher(t).matches() ? t : null;
  }

  /** A machine's UUID (SMBIOS, DHCP option 97). The nil and all-ones UUIDs are what firmware sends when it has none. */
  static String uuid(Errors e, String path, String v) {
    if (Text.stripToNull(v) == null) return null;
    String t = uuidOrNull(v);
    if (t == null) {
      e.add(path, ErrorCode.INVALID_UUID, Text.quote(v) + " is not a UUID (8-4-4-4-12 hexadecimal digits)");
      return null;
    }
    if (t.equals(NIL_UUID) || t.equals(MAX_UUID)) {
      e.add(path, ErrorCode.INVALID_UUID, t + " is the placeholder firmware sends when it has no UUID: it would "
          + "select every such machine");
      return null;
    }
    return t;
  }

  /** A dotted-quad unicast IPv4 address, no leading zeros (they read as octal to some tools). */
  static String ipv4(Errors e, String path, String v) {
    v = Text.stripToNull(v);
    if (v == null) return null;
    String why = null;
    String[] parts = v.length() > 15 ? new String[0] : v.split("\\.", -1);
    int[] octets = new int[4];
    if (parts.length != 4) why = "is not a dotted-quad IPv4 address";
    else {
      for (int i = 0; i < 4 && why == null; i++) {
        String p = parts[i];
        if (!p.matches("[0-9]{1,3}") || (p.length() > 1 && p.charAt(0) == '0')) {
          why = "is not a dotted-quad IPv4 address";
        }
        else if ((octets[i] = Integer.parseInt(p)) > 255) why = "has an octet over 255";
      }
    }
    if (why == null) {
      if (octets[0] == 0) why = "is in 0.0.0.0/8 (\"this network\")";
      else if (octets[0] == 127) why = "is a loopback address";
      else if (octets[0] >= 224) why = "is not a unicast address";
    }
    if (why != null) {
      e.add(path, ErrorCode.INVALID_IP, Text.quote(v) + " " + why);
      return null;
    }
    return v;
  }

  /** An RFC 1123 host name, normalised to lower case. */
  static String hostname(Errors e, String path, String v) {
    v = Text.stripToNull(v);
    if (v == null) return null;
    if (tooLong(e, path, v, Limits.HOSTNAME_MAX)) return null;
    String t = v.toLowerCase(Locale.ROOT);
    for (String label : t.split("\\.", -1)) {
      if (!HOST_LABEL.matcher(label).matches()) {
        e.add(path, ErrorCode.INVALID_HOSTNAME, Text.quote(v) + " is not a host name: dot-separated labels of "
            + "letters, digits and inner '-', 1 to 63 characters each");
        return null;
      }
    }
    return t;
  }

  /**
   * Labels, sorted by key. Paths are {@code <parent>.<key>} (or quoted), so the same rule serves a host's
   * {@code labels} and a group's {@code label.<key>} selectors.
   */
  static Map<String, String> labels(Errors e, String parent, Map<String, String> m, int max) {
    if (m == null || m.isEmpty()) return Map.of();
    if (m.size() > max) {
      e.add(parent, ErrorCode.TOO_MANY, Text.name(parent) + " has " + m.size() + " entries, at most " + max);
      return Map.of();
    }
    TreeMap<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> entry : m.entrySet()) {
      String key = entry.getKey();
      String path = FieldPath.key(parent, key);
      if (key == null || key.isEmpty()) {
        e.add(path, ErrorCode.INVALID_LABEL, "a label key is empty");
        continue;
      }
      if (tooLong(e, path, key, Limits.LABEL_KEY_MAX)) continue;
      if (!LABEL_KEY.matcher(key).matches()) {
        e.add(path, ErrorCode.INVALID_LABEL, "label key " + Text.quote(key) + ": lower-case letters, digits, '.', "
            + "'_' and '-', starting with a letter or digit");
        continue;
      }
      String value = Text.stripToNull(entry.getValue());
      if (value == null) {
        e.add(path, ErrorCode.REQUIRED, "label " + key + " has no value");
        continue;
      }
      if (tooLong(e, path, value, Limits.LABEL_VALUE_MAX)) continue;
      if (!LABEL_VALUE.matcher(value).matches()) {
        e.add(path, ErrorCode.INVALID_LABEL, "label value " + Text.quote(value) + ": letters, digits, '.', '_' and "
            + "'-', starting with a letter or digit");
        continue;
      }
      out.put(key, value);
    }
    return Collections.unmodifiableMap(out);
  }
}
