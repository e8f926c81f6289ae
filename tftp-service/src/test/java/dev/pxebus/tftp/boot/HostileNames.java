package dev.pxebus.tftp.boot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The corpus of hostile names: {@code hostile-names.txt} (one per line) plus what a text file cannot hold or would
 * be tedious to write — NUL and control characters, Unicode look-alikes of {@code .} and {@code /}, very long
 * names, traversal at every depth.
 */
public final class HostileNames {
  /** One hostile name and where it comes from, for test display names. */
  public record Case(String label, String name) {
    @Override
    public String toString() {
      return label;
    }
  }

  private HostileNames() {}

  public static List<Case> all() {
    List<Case> all = new ArrayList<>(fromResource());
    all.addAll(generated());
    return all;
  }

  public static List<Case> fromResource() {
    List<Case> cases = new ArrayList<>();
    try (InputStream in = HostileNames.class.getResourceAsStream("hostile-names.txt")) {
      if (in == null) throw new IllegalStateException("hostile-names.txt is missing from the test resources");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isEmpty() || line.startsWith("# ") || line.equals("#")) continue;
        cases.add(new Case("line " + n + ": " + printable(line), line));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }

  public static List<Case> generated() {
    List<Case> c = new ArrayList<>();
    for (int depth = 1; depth <= 12; depth++) {
      c.add(new Case("../ x" + depth, "../".repeat(depth) + "outside/secret.txt"));
      c.add(new Case("..\\ x" + depth, "..\\".repeat(depth) + "outside\\secret.txt"));
      c.add(new Case("%2e%2e%2f x" + depth, "%2e%2e%2f".repeat(depth) + "outside%2fsecret.txt"));
      c.add(new Case("....// x" + depth, "....//".repeat(depth) + "outside/secret.txt"));
      c.add(new Case("sub/../ x" + depth, "sub/" + "../".repeat(depth) + "outside/secret.txt"));
    }
    // NUL and control characters, which a line-based file cannot carry.
    c.add(new Case("NUL alone", "\0"));
    c.add(new Case("NUL after a good name", "pxelinux.0\0../outside/secret.txt"));
    c.add(new Case("NUL in traversal", "..\0/outside/secret.txt"));
    c.add(new Case("NUL then traversal", "\0../../outside/secret.txt"));
    c.add(new Case("newline", "pxelinux.0\n../outside/secret.txt"));
    c.add(new Case("carriage return", "../outside/secret.txt\r"));
    c.add(new Case("tab", "..\t/outside/secret.txt"));
    c.add(new Case("DEL", "..\u007f/outside/secret.txt"));
    c.add(new Case("escape sequence", "\u001b[31m../outside/secret.txt"));
    c.add(new Case("leading space", " ../outside/secret.txt"));
    c.add(new Case("trailing space", "../outside/secret.txt "));
    c.add(new Case("dots and spaces", ". ./outside/secret.txt"));
    c.add(new Case("trailing dot", "pxelinux.0."));
    // Unicode look-alikes of '.', '/' and '\' (refused as non-ASCII; never normalised into separators).
    String[][] lookalikes = {
        {"ONE DOT LEADER", "\u2024"}, {"TWO DOT LEADER", "\u2025"}, {"FULLWIDTH FULL STOP", "\uff0e"},
        {"IDEOGRAPHIC FULL STOP", "\u3002"}, {"SMALL FULL STOP", "\ufe52"}, {"HALFWIDTH IDEOGRAPHIC FULL STOP", "\uff61"},
        {"ARABIC FULL STOP", "\u06d4"}};
    for (String[] d : lookalikes) {
      c.add(new Case(d[0] + " as dot-dot", d[1] + d[1] + "/outside/secret.txt"));
      c.add(new Case(d[0] + " mixed with a dot", "." + d[1] + "/outside/secret.txt"));
    }
    String[][] slashes = {
        {"DIVISION SLASH", "\u2215"}, {"FULLWIDTH SOLIDUS", "\uff0f"}, {"FRACTION SLASH", "\u2044"},
        {"BIG SOLIDUS", "\u29f8"}, {"FULLWIDTH REVERSE SOLIDUS", "\uff3c"}, {"REVERSE SOLIDUS OPERATOR", "\u29f5"},
        {"SMALL REVERSE SOLIDUS", "\ufe68"}};
    for (String[] s : slashes) {
      c.add(new Case(s[0] + " as separator", ".." + s[1] + "outside" + s[1] + "secret.txt"));
    }
    c.add(new Case("combining dot", ".\u0307./outside/secret.txt"));
    c.add(new Case("zero-width space", ".\u200b./outside/secret.txt"));
    c.add(new Case("right-to-left override", "\u202e../outside/secret.txt"));
    c.add(new Case("BOM", "\ufeff../outside/secret.txt"));
    c.add(new Case("Latin-1 decoded overlong dot", "\u00c0\u00ae\u00c0\u00ae/outside/secret.txt"));
    c.add(new Case("replacement character", "\ufffd\ufffd/outside/secret.txt"));
    c.add(new Case("surrogate pair", "\ud83d\ude00/../outside/secret.txt"));
    c.add(new Case("lone surrogate", "\ud800../outside/secret.txt"));
    // Long names.
    c.add(new Case("segment of 256", "a".repeat(256)));
    c.add(new Case("name of 1025", "a/".repeat(512) + "a"));
    c.add(new Case("name of 64 KiB", "a".repeat(65_536)));
    c.add(new Case("traversal of 1 MiB", "../".repeat(349_526)));
    c.add(new Case("long traversal under the limit", "../".repeat(300) + "outside/secret.txt"));
    c.add(new Case("long padding then traversal", "a/".repeat(400) + "../".repeat(401) + "outside/secret.txt"));
    c.add(new Case("encoded traversal of 3 KiB", "%2e%2e%2f".repeat(340) + "outside%2fsecret.txt"));
    return c;
  }

  /** A name with control and non-ASCII characters made visible, cut for display. */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 80; i++) {
      char ch = s.charAt(i);
      if (ch < 0x20 || ch >= 0x7f) b.append(String.format("\\u%04x", (int) ch));
      else b.append(ch);
    }
    if (b.length() >= 80) b.append("...(").append(s.length()).append(" chars)");
    return b.toString();
  }
}
