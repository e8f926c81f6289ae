package dev.pxebus.catalog.spec;

/** Quoting untrusted values into messages: bounded, and nothing that could break a log line or a terminal. */
final class Text {
  static final int QUOTE_MAX = 40;

  private Text() {}

  static String quote(String s) {
    return quote(s, '\'');
  }

  static String quote(String s, char q) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder(Math.min(s.length(), QUOTE_MAX) + 8).append(q);
    int n = 0;
    for (int i = 0; i < s.length() && n < QUOTE_MAX; i++, n++) {
      char c = s.charAt(i);
      if (c == q || c == '\\') b.append('\\').append(c);
      else if (c >= 0x20 && c < 0x7f) b.append(c);
      else b.append(String.format("\\u%04x", (int) c));
    }
    b.append(q);
    if (s.length() > QUOTE_MAX) b.append("… (").append(s.length()).append(" characters)");
    return b.toString();
  }

  /** The field name for a message: the path, or "the document". */
  static String name(String path) {
    return path == null || path.isEmpty() ? "the document" : path;
  }

  /** Strips leading and trailing spaces (U+0020 only: a control character is an error, not whitespace). */
  static String strip(String s) {
    if (s == null) return null;
    int b = 0;
    int e = s.length();
    while (b < e && s.charAt(b) == ' ') b++;
    while (e > b && s.charAt(e - 1) == ' ') e--;
    return s.substring(b, e);
  }

  /** Stripped, or null when nothing is left. */
  static String stripToNull(String s) {
    String t = strip(s);
    return t == null || t.isEmpty() ? null : t;
  }
}
