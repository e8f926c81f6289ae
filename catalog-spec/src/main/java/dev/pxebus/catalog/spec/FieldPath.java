package dev.pxebus.catalog.spec;

import java.util.regex.Pattern;

/** Paths of {@link ValidationError#field()}: {@code a.b}, {@code a[2].b}, {@code labels["odd key"]}. */
final class FieldPath {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private FieldPath() {}

  /** {@code child} seen from a document that holds its document at {@code parent}. */
  static String join(String parent, String child) {
    if (parent == null || parent.isEmpty()) return child;
    if (child == null || child.isEmpty()) return parent;
    return child.startsWith("[") ? parent + child : parent + "." + child;
  }

  /** The path of a JSON object key: plain keys dotted on, anything else quoted (escaped, bounded) in brackets. */
  static String key(String parent, String key) {
    if (key != null && PLAIN.matcher(key).matches()) return join(parent, key);
    return (parent == null ? "" : parent) + "[" + Text.quote(key, '"') + "]";
  }

  static String index(String parent, int i) {
    return (parent == null ? "" : parent) + "[" + i + "]";
  }

  /** {@code path} is {@code prefix} or inside it. */
  static boolean within(String path, String prefix) {
    if (prefix.isEmpty() || path.equals(prefix)) return true;
    return path.startsWith(prefix)
        && (path.charAt(prefix.length()) == '.' || path.charAt(prefix.length()) == '[');
  }
}
