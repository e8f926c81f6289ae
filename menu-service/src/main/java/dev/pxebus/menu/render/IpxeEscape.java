package dev.pxebus.menu.render;

import java.util.Set;

/**
 * How a value is written into an iPXE script, or refused. Pure; {@link #arg} is the {@code ipxe} Pebble escaping
 * strategy that every {@code {{ value }}} of {@code menu.ipxe.peb} goes through.
 *
 * <p>iPXE's script language (src/core/exec.c) has no quoting and no escape character. A line is split into words at
 * whitespace; a word that is exactly {@code ||}, {@code &&} or {@code ;} ends the command and starts the next, a word
 * starting with {@code #} ends the line (comment); then, in each remaining word, {@code ${name}} is replaced by the
 * setting's value, over and over until no {@code ${...}} is left; invalid or unknown setting names expand to nothing.
 * Hence, after {@linkplain Values the shared text rules}:
 *
 * <table>
 *   <caption>iPXE rules</caption>
 *   <tr><th>value</th><th>written as</th><th>why</th></tr>
 *   <tr><td>a word {@code ||}, {@code &&}, {@code ;} or {@code #...}</td><td>{@code ${}||}, {@code ${}#...}</td>
 *       <td>the word no longer is a terminator when lines are split; {@code ${}} then expands to nothing, so the
 *       menu and the kernel see exactly the original word</td></tr>
 *   <tr><td><code>${</code></td><td>refused</td><td>expansion repeats until no {@code ${...}} is left, so no spelling
 *       yields a literal {@code ${x}}: a label could show {@code ${net0/mac}} or a command line pick up any
 *       setting</td></tr>
 *   <tr><td>runs of spaces</td><td>one space</td><td>iPXE joins the words with one space anyway ({@code
 *       concat_args}, and the kernel command line)</td></tr>
 *   <tr><td>a title starting with {@code -}</td><td>refused</td><td>{@code menu} would parse it as an option; there is
 *       no escape since {@code ${}} is expanded before options are parsed (item labels follow the item's id, after
 *       which iPXE stops looking for options)</td></tr>
 *   <tr><td>{@code $(reboot)}, {@code '}, {@code "}, <code>}</code></td><td>as is</td><td>no meaning to iPXE</td></tr>
 *   <tr><td>comment</td><td>as is</td><td>a {@code #} line is never split or expanded</td></tr>
 * </table>
 *
 * <p>Entry ids are goto labels here, so besides {@code local} the script's own labels {@code start} and {@code
 * failed} are reserved.
 */
public final class IpxeEscape {
  /** Labels of the built-in script that an entry id must not take. */
  static final Set<String> RESERVED_IDS = Set.of("start", "failed");

  private IpxeEscape() {}

  /** A value written as one or more words of an iPXE command (title, item text, path, command line). */
  public static String arg(String what, String value) {
    String text = Values.text(what, value);
    if (text.contains("${")) {
      throw Values.refuse(what, Values.quote(value)
          + " contains \"${\": iPXE expands settings in it and has no escape for a literal \"${\"");
    }
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (String word : text.split(" +")) {
      if (word.isEmpty()) continue;
      if (out.length() > 0) out.append(' ');
      if (word.equals("||") || word.equals("&&") || word.equals(";") || word.startsWith("#")) out.append("${}");
      out.append(word);
    }
    return out.toString();
  }

  /** The argument of {@code menu}. */
  public static String title(String what, String value) {
    String t = arg(what, value);
    if (t.startsWith("-")) throw Values.refuse(what, Values.quote(value) + " starts with '-', which iPXE's menu "
        + "command would read as an option");
    return t;
  }

  /** A comment line's text: only the shared rules (iPXE neither splits nor expands a comment). */
  public static String comment(String what, String value) {
    return Values.text(what, value);
  }
}
