package dev.pxebus.catalog.blob;

import java.util.Locale;

/**
 * The part of a blob a {@code Range} header asks for (RFC 9110 §14.1.2): {@code bytes=a-b}, {@code bytes=a-},
 * {@code bytes=-n}. One range only: several, another unit, or a header that does not parse get the whole blob
 * (§14.2 lets a server ignore Range), as does {@code a-b} with b < a (invalid, §14.1.1). Pure.
 */
sealed interface ByteRange {

  /** The whole blob, 200. */
  record Whole() implements ByteRange {}

  /** Bytes {@code first..last} inclusive, 206. */
  record Part(long first, long last) implements ByteRange {
    long length() {
      return last - first + 1;
    }

    /** RFC 9110 §14.4. */
    String contentRange(long size) {
      return "bytes " + first + "-" + last + "/" + size;
    }
  }

  /** No byte of the blob is in range, 416 with {@code Content-Range: bytes *}{@code /size} (§15.5.17). */
  record Unsatisfiable() implements ByteRange {}

  ByteRange WHOLE = new Whole();
  ByteRange UNSATISFIABLE = new Unsatisfiable();

  static ByteRange parse(String header, long size) {
    if (header == null) return WHOLE;
    String h = header.trim();
    int eq = h.indexOf('=');
    if (eq < 0 || !h.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) return WHOLE;
    String spec = h.substring(eq + 1).trim();
    int dash = spec.indexOf('-');
    if (spec.indexOf(',') >= 0 || dash < 0) return WHOLE;
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    if (a.isEmpty()) {
      long suffix = number(b);
      if (suffix < 0) return WHOLE;
      if (suffix == 0 || size == 0) return UNSATISFIABLE;
      return new Part(Math.max(0, size - suffix), size - 1);
    }
    long first = number(a);
    if (first < 0) return WHOLE;
    long last = b.isEmpty() ? Long.MAX_VALUE : number(b);
    if (last < 0 || last < first) return WHOLE;
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
