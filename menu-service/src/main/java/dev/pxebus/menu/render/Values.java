package dev.pxebus.menu.render;

import java.util.regex.Pattern;

/**
 * The rules every menu language shares, applied before the language's own: what a text value, an entry id and a
 * file path may hold. Pure.
 *
 * <ul>
 *   <li>Text (titles, labels, command lines, comments): a tab becomes a space and the ends are trimmed (firmware
 *       consoles do not render tabs alike, and iPXE and the kernel treat a tab as a word separator anyway). Refused:
 *       every other control character (C0, DEL, C1: NUL, CR and LF end or cut a line in all three languages and no
 *       language has an escape for them), Unicode format characters (U+202E RIGHT-TO-LEFT OVERRIDE and the other bidi
 *       controls, zero-width characters: they make a label read differently from what it is, in GRUB's Unicode
 *       menu and in every log that shows it), line and paragraph separators, and lone surrogates. Other non-ASCII
 *       text (é) is written as UTF-8: GRUB shows it, iPXE and pxelinux show the bytes in their console code page,
 *       harmlessly.
 *   <li>Id ({@code item}/label names in iPXE, {@code LABEL} in pxelinux, {@code --id} in GRUB): {@code
 *       [a-z0-9][a-z0-9._-]*}, as the catalog defines ids; never {@link MenuModel#LOCAL_ID}, which every menu uses
 *       for its local-boot entry.
 *   <li>Path (kernel and initrds, relative to the boot namespace root): segments of {@code [A-Za-z0-9._+~@-]}
 *       joined by {@code /}; no leading or trailing {@code /}, no empty, {@code .} or {@code ..} segment, no space
 *       or comma. One path is written bare into an iPXE URL, a pxelinux {@code KERNEL}/{@code initrd=} list (comma
 *       separated) and a GRUB word, and is requested from TFTP and HTTP: a character set that needs no quoting in
 *       any of them is simpler and safer than escaping it four ways; {@code ..} would leave the boot namespace.
 * </ul>
 */
final class Values {
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._+~@-]+");

  private Values() {}

  /** The text with tabs as spaces and trimmed; refuses what {@linkplain Values no menu language can hold}. */
  static String text(String what, String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '\t') {
        out.append(' ');
        continue;
      }
      switch (Character.getType(cp)) {
        case Character.CONTROL -> throw refuse(what, "contains " + describe(cp)
            + ": control characters end or cut a line in every boot menu language and none can escape them");
        case Character.FORMAT -> throw refuse(what, "contains " + describe(cp)
            + ": invisible formatting characters make a menu read differently from what it is");
        case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> throw refuse(what, "contains "
            + describe(cp) + ": a line break cannot be written into a boot menu line");
        case Character.SURROGATE -> throw refuse(what, "contains a lone surrogate " + hex(cp) + ": not text");
        default -> out.appendCodePoint(cp);
      }
    }
    return out.toString().strip();
  }

  /** A display text that must not be empty (a menu item nobody can read). */
  static String label(String what, String value) {
    String t = text(what, value);
    if (t.isEmpty()) throw refuse(what, "is empty");
    return t;
  }

  static String id(String what, String value) {
    if (!ID.matcher(value).matches()) {
      throw refuse(what, quote(value) + " is not an id ([a-z0-9][a-z0-9._-]*)");
    }
    if (value.equals(MenuModel.LOCAL_ID)) {
      throw refuse(what, quote(value) + " is reserved for the local-boot entry");
    }
    return value;
  }

  static String path(String what, String value) {
    if (value.isEmpty()) throw refuse(what, "is empty");
    if (value.startsWith("/")) throw refuse(what, quote(value) + " starts with '/': paths are relative to the boot root");
    if (value.endsWith("/")) throw refuse(what, quote(value) + " ends with '/': not a file");
    for (String segment : value.split("/", -1)) {
      if (segment.isEmpty()) throw refuse(what, quote(value) + " has an empty segment (//)");
      if (segment.equals(".") || segment.equals("..")) {
        throw refuse(what, quote(value) + " has a '" + segment + "' segment: paths stay inside the boot root");
      }
      if (!SEGMENT.matcher(segment).matches()) {
        int bad = segment.codePoints().filter(c -> !SEGMENT.matcher(Character.toString(c)).matches()).findFirst()
            .orElseThrow();
        throw refuse(what, quote(value) + " contains " + describe(bad)
            + ": paths are [A-Za-z0-9._+~@-] segments joined by '/'");
      }
    }
    return value;
  }

  static MenuRenderException refuse(String what, String why) {
    return new MenuRenderException(what + ": " + why);
  }

  static String describe(int cp) {
    if (cp == ' ') return "a space";
    String name = Character.getName(cp);
    return hex(cp) + (name == null ? "" : " " + name);
  }

  private static String hex(int cp) {
    return String.format("U+%04X", cp);
  }

  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    value.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7f || Character.getType(c) == Character.FORMAT) out.append(hex(c));
      else out.appendCodePoint(c);
    });
    return out.append('"').toString();
  }
}
