package dev.pxebus.catalog.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Kernel command lines as Linux reads them ({@code Documentation/admin-guide/kernel-parameters.rst}): parameters
 * separated by spaces, a double-quoted stretch keeps its spaces ({@code foo="a b"}), and everything after a lone
 * {@code --} goes to init.
 */
public final class Cmdline {
  private Cmdline() {}

  /** The parameters of a command line. @throws IllegalArgumentException on an unbalanced double quote */
  public static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    if (line == null) return out;
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') quoted = !quoted;
      if (c == ' ' && !quoted) {
        if (cur.length() > 0) out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) throw new IllegalArgumentException("unbalanced double quote");
    if (cur.length() > 0) out.add(cur.toString());
    return out;
  }

  /** The name of a parameter: what comes before its first {@code =}, or all of it ({@code quiet}). */
  public static String key(String param) {
    int eq = param.indexOf('=');
    return eq < 0 ? param : param.substring(0, eq);
  }

  /**
   * A profile's command line over its image's: every kernel parameter the profile names replaces all of the image's
   * parameters of that name (so {@code console=ttyS0} in the profile drops the image's {@code console=tty0}; a profile
   * that wants two consoles names both); other image parameters stay, in their order, and the profile's follow.
   * Arguments after {@code --} (for init) are not merged: the image's come first, then the profile's.
   *
   * @return the merged line, or null when both are empty
   */
  public static String merge(String image, String profile) {
    List<String> base = split(image);
    List<String> over = split(profile);
    List<String> baseInit = initPart(base);
    List<String> overInit = initPart(over);
    Set<String> replaced = new HashSet<>();
    for (String p : over) replaced.add(key(p));
    List<String> out = new ArrayList<>();
    for (String p : base) if (!replaced.contains(key(p))) out.add(p);
    out.addAll(over);
    if (!baseInit.isEmpty() || !overInit.isEmpty()) {
      out.add("--");
      out.addAll(baseInit);
      out.addAll(overInit);
    }
    return out.isEmpty() ? null : String.join(" ", out);
  }

  /** Removes and returns what follows the first {@code --}. */
  private static List<String> initPart(List<String> params) {
    int dd = params.indexOf("--");
    if (dd < 0) return List.of();
    List<String> init = new ArrayList<>(params.subList(dd + 1, params.size()));
    params.subList(dd, params.size()).clear();
    return init;
  }
}
