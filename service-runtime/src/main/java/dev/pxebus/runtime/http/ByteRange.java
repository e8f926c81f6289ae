package dev.pxebus.runtime.http;

import java.util.Locale;

/**
 * The part of a file a {@code Range} header asks for (RFC 9110 §14). Single ranges only: a request for several is
 * answered with the whole file (§14.2 lets a server ignore Range), as is one it cannot parse, one in a unit other
 * than bytes, and one whose last position comes before its first (an invalid range, §14.1.1). Pure.
 */
public sealed interface ByteRange {

  /** Serve the whole file, 200. */
  record Whole() implements ByteRange {}

  /** Serve bytes {@code first..last} (inclusive), 206 with {@link #contentRange}. */
  record Part(long first, long last) implements ByteRange {
    public long length() {
      return last - first + 1;
    }

    /** The Content-Range value (RFC 9110 §14.4). */
    public String contentRange(long size) {
      return "bytes " + first + "-" + last + "/" + size;
    }
  }

  /** No byte of the file is in the range: 416 with {@code Content-Range: bytes *}{@code /size}. */
  record Unsatisfiable() implements ByteRange {
    public String contentRange(long size) {
      return "bytes */" + size;
    }
  }

  ByteRange WHOLE = new Whole();
  ByteRange UNSATISFIABLE = new Unsatisfiable();

  /** Interprets a Range header (null: none) against a representation of {@code size} bytes. */
  public static ByteRange parse(String header, long size) {
    if (header == null) return WHOLE;
    String h = header.trim();
    int eq = h.indexOf('=');
    if (eq < 0 || !h.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) return WHOLE;
    String spec = h.substring(eq + 1).trim();
    if (spec.indexOf(',') >= 0) return WHOLE;
    int dash = spec.indexOf('-');
    if (dash < 0) return WHOLE;
    String a = spec.substring(0, dash);
    String b = spec.substring(dash + 1);
    if (a.isEmpty()) {
      long suffix = number(b);
      if (suffix < 0) return WHOLE;
      if (suffix == 0 || size == 0) return UNSATISFIABLE;
      return new Part(Math.max(0, size - suffix), size - 1);
    }
    long first = number(a);
    if (first < 0) return WHOLE;
    long last;
    if (b.isEmpty()) {
      last = Long.MAX_VALUE;
    } else {
      last = number(b);
      if (last < 0 || last < first) return WHOLE;
    }
    if (first >= size) return UNSATISFIABLE;
    return new Part(first, Math.min(last, size - 1));
  }

  /** A non-negative decimal, saturating at Long.MAX_VALUE; -1 when not all digits. */
  private static long number(String s) {
    if (s.isEmpty()) return -1;
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      int d = c - '0';
      n = n > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : n * 10 + d;
    }
    return n;
  }
}
