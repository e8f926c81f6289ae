package dev.pxebus.menu.render;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a value is written into a GRUB config, or refused. Pure; {@link #word} is the {@code grub} Pebble escaping
 * strategy every {@code {{ value }}} of {@code grub.cfg.peb} goes through unless the value was escaped for its place
 * already (labels, command lines, comments).
 *
 * <p>GRUB's script language is shell-like: words split at whitespace; {@code $name} and {@code ${name}} expand in
 * bare words and double quotes; {@code ;}, newline, {@code { }}, {@code |}, {@code &}, {@code <}, {@code >} and
 * {@code #} are syntax; {@code \} escapes; inside single quotes every character is literal and a single quote cannot
 * occur, so {@code '} is written {@code '\''} (close, escaped quote, reopen). Options are recognised in any position
 * ({@code menuentry} parses its arguments with GRUB's option parser). When {@code linux} builds the kernel command
 * line from its words (grub-core/lib/cmdline.c) it puts a word holding a space in double quotes and puts a
 * backslash before each {@code \}, {@code '} and {@code "} in it. Hence, after {@linkplain Values the shared text
 * rules}:
 *
 * <table>
 *   <caption>GRUB rules</caption>
 *   <tr><th>value</th><th>written as</th><th>why</th></tr>
 *   <tr><td>label</td><td>always single-quoted, {@code '} as {@code '\''}</td><td>nothing is live inside single
 *       quotes: {@code $(reboot)}, {@code ${net0/mac}}, {@code ; reboot}, <code>}</code>, {@code #} stay text</td></tr>
 *   <tr><td>a label starting with {@code -}</td><td>refused</td><td>quotes are removed before {@code menuentry}
 *       parses options, so it would be read as one</td></tr>
 *   <tr><td>command line</td><td>split into kernel arguments (whitespace outside double quotes separates, double
 *       quotes group and are dropped, as the kernel parses it); each argument bare if it is made of
 *       {@code [A-Za-z0-9._,:/=+@%-]}, else single-quoted</td><td>GRUB hands the kernel each argument as one, in
 *       double quotes if it holds a space, which the kernel reads as the original {@code name="a b"}</td></tr>
 *   <tr><td>{@code '} or {@code \} in a command line, an unbalanced {@code "}</td><td>refused</td><td>GRUB would
 *       pass {@code \'} or {@code \\} to the kernel, which has no backslash escapes: the kernel would not get what
 *       the catalog says</td></tr>
 *   <tr><td>ids, paths, numbers</td><td>bare (their character set needs no quoting); anything else single-quoted
 *       </td><td>a word is always one word</td></tr>
 *   <tr><td>comment</td><td>as is</td><td>a comment runs to the end of the line</td></tr>
 * </table>
 */
public final class GrubEscape {
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9._,:/=+@%-]+");

  private GrubEscape() {}

  /** One GRUB word: bare when nothing in it needs quoting, else single-quoted. */
  public static String word(String what, String value) {
    String text = Values.text(what, value);
    return BARE.matcher(text).matches() ? text : singleQuoted(text);
  }

  /** A menu entry's title, always in single quotes. */
  public static String label(String what, String value) {
    String text = Values.label(what, value);
    if (text.startsWith("-")) {
      throw Values.refuse(what, Values.quote(value) + " starts with '-', which menuentry would read as an option");
    }
    return singleQuoted(text);
  }

  /** The words after {@code linux <kernel>} that give the kernel this command line. */
  public static String cmdline(String what, String value) {
    String text = Values.text(what, value);
    List<String> words = new ArrayList<>();
    for (String arg : kernelArgs(what, text)) {
      int bad = arg.indexOf('\'') >= 0 ? '\'' : arg.indexOf('\\') >= 0 ? '\\' : -1;
      if (bad >= 0) {
        throw Values.refuse(what, Values.quote(value) + " contains " + (bad == '\'' ? "'" : "\\")
            + ": GRUB would pass it to the kernel behind a backslash, changing the argument");
      }
      words.add(BARE.matcher(arg).matches() ? arg : singleQuoted(arg));
    }
    return String.join(" ", words);
  }

  /** A comment line's text. */
  public static String comment(String what, String value) {
    return Values.text(what, value);
  }

  /** Kernel-style arguments: whitespace outside double quotes separates, double quotes group and are dropped. */
  static List<String> kernelArgs(String what, String cmdline) {
    List<String> args = new ArrayList<>();
    StringBuilder arg = new StringBuilder();
    boolean quoted = false;
    boolean inArg = false;
    for (int i = 0; i < cmdline.length(); i++) {
      char c = cmdline.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        inArg = true;
      } else if (c == ' ' && !quoted) {
        if (inArg) args.add(arg.toString());
        arg.setLength(0);
        inArg = false;
      } else {
        arg.append(c);
        inArg = true;
      }
    }
    if (quoted) throw Values.refuse(what, Values.quote(cmdline) + " has an unbalanced '\"'");
    if (inArg) args.add(arg.toString());
    return args;
  }

  static String singleQuoted(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
