package dev.pxebus.events;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one canonical form of a client hardware address used as event key and subject:
 * six lower-case hex octets separated by colons ({@code 52:54:00:12:34:56}).
 * Accepts, in either case and with surrounding blanks, exactly the spellings operators and firmware use:
 * colons ({@code 52:54:00:12:34:56}), dashes ({@code 52-54-00-12-34-56}, pxelinux's {@code 01-…} file name without
 * the {@code 01-} ARP hardware type), dots ({@code 5254.0012.3456}) or none ({@code 525400123456}).
 * Anything else is rejected, including pxelinux's {@code 01-52-54-00-12-34-56} itself (seven octets: the caller
 * strips the hardware type it knows about), mixed separators and one-digit octets.
 */
public final class Mac {
  private static final Pattern SPELLINGS = Pattern.compile(
      "\\p{XDigit}{2}(?::\\p{XDigit}{2}){5}"
          + "|\\p{XDigit}{2}(?:-\\p{XDigit}{2}){5}"
          + "|\\p{XDigit}{4}(?:\\.\\p{XDigit}{4}){2}"
          + "|\\p{XDigit}{12}");
  private static final Pattern PXELINUX = Pattern.compile("01(?:-\\p{XDigit}{2}){6}");

  private Mac() {}

  /** @throws IllegalArgumentException naming the input when it is not a 48-bit MAC address */
  public static String canonical(String mac) {
    if (mac == null) throw new IllegalArgumentException("MAC address is missing");
    if (isCanonical(mac)) return mac; // the common case (every event built from a chaddr): no regex, no copy
    String s = mac.trim().toLowerCase(Locale.ROOT);
    if (!SPELLINGS.matcher(s).matches()) {
      String hint = PXELINUX.matcher(s).matches() ? "; drop pxelinux's 01- hardware-type prefix" : "";
      throw new IllegalArgumentException(
          "not a MAC address (want 12 hex digits, e.g. 52:54:00:12:34:56): '" + mac + "'" + hint);
    }
    String hex = s.replace(":", "").replace("-", "").replace(".", "");
    StringBuilder b = new StringBuilder(17);
    for (int i = 0; i < 12; i += 2) {
      if (i > 0) b.append(':');
      b.append(hex, i, i + 2);
    }
    return b.toString();
  }

  private static boolean isCanonical(String s) {
    if (s.length() != 17) return false;
    for (int i = 0; i < 17; i++) {
      char c = s.charAt(i);
      boolean ok = i % 3 == 2 ? c == ':' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!ok) return false;
    }
    return true;
  }

  /** Canonical form of a 6-byte hardware address (a DHCP chaddr). */
  public static String of(byte[] octets) {
    if (octets == null || octets.length < 6) throw new IllegalArgumentException("hardware address shorter than 6 octets");
    StringBuilder b = new StringBuilder(17);
    for (int i = 0; i < 6; i++) {
      if (i > 0) b.append(':');
      b.append(Character.forDigit((octets[i] >> 4) & 0xf, 16)).append(Character.forDigit(octets[i] & 0xf, 16));
    }
    return b.toString();
  }

  public static boolean isValid(String mac) {
    try {
      canonical(mac);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
