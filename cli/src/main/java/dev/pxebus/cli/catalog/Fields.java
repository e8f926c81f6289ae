package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The options of {@code add} and {@code update} that set a kind's fields. An option not given leaves its field
 * as it is; an empty value ({@code --profile ''}) removes it.
 */
interface Fields {
  /**
   * Applies the options given to {@code doc}.
   *
   * @return whether any option was given
   * @throws CatalogException (usage) for a malformed value
   */
  boolean apply(ObjectNode doc) throws CatalogException;

  /** Sets or (empty value) removes a text field; true if the option was given. */
  static boolean text(ObjectNode doc, String field, String value) {
    if (value == null) return false;
    if (value.isEmpty()) doc.remove(field);
    else doc.put(field, value);
    return true;
  }

  /**
   * Removes the keys in {@code unset} from an object field, then adds the {@code key=value} pairs (so that one
   * command can replace a key); the field goes when it ends up empty.
   */
  static boolean pairs(ObjectNode doc, String field, String option, List<String> set, List<String> unset)
      throws CatalogException {
    boolean given = false;
    ObjectNode map = doc.path(field).isObject() ? (ObjectNode) doc.get(field) : doc.objectNode();
    if (unset != null) {
      for (String k : unset) {
        map.remove(k);
        given = true;
      }
    }
    if (set != null) {
      for (String p : set) {
        int eq = p.indexOf('=');
        if (eq < 1) throw CatalogException.usage(option + " wants key=value, not '" + p + "'");
        map.put(p.substring(0, eq), p.substring(eq + 1));
        given = true;
      }
    }
    if (given) {
      if (map.isEmpty()) doc.remove(field);
      else doc.set(field, map);
    }
    return given;
  }
}
