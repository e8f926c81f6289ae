package dev.pxebus.menu.render;

import java.nio.charset.StandardCharsets;

/**
 * How a value is written into a pxelinux ({@code menu.c32}) config, or refused. Pure; {@link #line} is the {@code
 * pxelinux} Pebble escaping strategy every {@code {{ value }}} of {@code pxelinux.cfg.peb} goes through.
 *
 * <p>syslinux reads its config line by line (com32/menu/readconfig.c): a directive is a keyword and the rest of the
 * line, taken literally (no quoting, no expansion, no comment after a value); a CR or LF ends the line, and a line is
 * read in chunks of at most 4095 bytes, the rest of a longer line being read as the next directive. {@code MENU LABEL}
 * text marks its hotkey with {@code ^}. Hence, after {@linkplain Values the shared text rules}:
 *
 * <table>
 *   <caption>pxelinux rules</caption>
 *   <tr><th>value</th><th>written as</th><th>why</th></tr>
 *   <tr><td>{@code ${...}}, {@code $(...)}, {@code ;}, {@code '}, {@code #}, {@code &&}</td><td>as is</td>
 *       <td>no meaning in a directive's value</td></tr>
 *   <tr><td>{@code ^} in a menu label</td><td>refused</td><td>it would silently become the hotkey marker and vanish
 *       from the label; menu.c32 has no escape for it (allowed in titles and command lines)</td></tr>
 *   <tr><td>a value over {@value #MAX_VALUE_BYTES} bytes, an {@code APPEND} line over {@value #MAX_LINE_BYTES}
 *       bytes</td><td>refused</td><td>its tail would be read as a directive of its own</td></tr>
 * </table>
 */
public final class PxelinuxEscape {
  /** readconfig.c reads lines into a 4096-byte buffer, NUL included. */
  static final int MAX_LINE_BYTES = 4095;
  /** Room for the longest keyword ({@code   MENU LABEL }) in front of a value. */
  static final int MAX_VALUE_BYTES = 4000;

  private PxelinuxEscape() {}

  /** The value of a directive: the rest of its line. */
  public static String line(String what, String value) {
    String text = Values.text(what, value);
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      throw Values.refuse(what, "is longer than " + MAX_VALUE_BYTES
          + " bytes: pxelinux would read the rest of the line as a directive of its own");
    }
    return text;
  }

  /** The text of {@code MENU LABEL}. */
  public static String menuLabel(String what, String value) {
    String text = line(what, value);
    if (text.indexOf('^') >= 0) {
      throw Values.refuse(what, Values.quote(value)
          + " contains '^', which menu.c32 takes as the hotkey marker (there is no escape for it)");
    }
    return text;
  }

  /** Checks a whole {@code APPEND} line as written. */
  static void appendLine(String what, String line) {
    if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE_BYTES) {
      throw Values.refuse(what, "makes an APPEND line longer than " + MAX_LINE_BYTES
          + " bytes: pxelinux would read the rest as a directive of its own");
    }
  }
}
