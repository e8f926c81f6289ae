package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Documents as text for people: an aligned table for lists, {@code key: value} lines for one document. Pure. */
public final class Render {
  private Render() {}

  /** A table column: its header and how a document yields the cell (empty = shown as {@code -}). */
  public record Column(String header, Function<JsonNode, String> cell) {}

  static Column column(String header, Function<JsonNode, String> cell) {
    return new Column(header, cell);
  }

  /**
   * The rows under a header line, columns two blanks apart, each as wide as its widest cell; the last column is
   * not padded (no trailing blanks). Missing values show as {@code -}; line breaks inside a cell become blanks.
   */
  public static List<String> table(List<Column> columns, List<JsonNode> rows) {
    List<String[]> cells = new ArrayList<>();
    String[] header = new String[columns.size()];
    for (int i = 0; i < header.length; i++) header[i] = columns.get(i).header();
    cells.add(header);
    for (JsonNode row : rows) {
      String[] r = new String[columns.size()];
      for (int i = 0; i < r.length; i++) {
        String v = columns.get(i).cell().apply(row);
        r[i] = v == null || v.isEmpty() ? "-" : CatalogException.oneLine(v);
      }
      cells.add(r);
    }
    int[] width = new int[columns.size()];
    for (String[] r : cells) {
      for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
    }
    List<String> lines = new ArrayList<>();
    for (String[] r : cells) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        if (i > 0) b.append("  ");
        b.append(r[i]);
        if (i < r.length - 1) b.append(" ".repeat(width[i] - r[i].length()));
      }
      lines.add(b.toString().stripTrailing());
    }
    return lines;
  }

  /**
   * One document as {@code key: value} lines, values aligned. Nested objects flatten to dotted keys
   * ({@code kernel.sha256}, {@code labels.rack}), arrays to indexed ones ({@code initrds[0].name}); nulls, empty
   * objects and empty arrays are left out.
   */
  public static List<String> fields(JsonNode document) {
    List<String[]> pairs = new ArrayList<>();
    flatten("", document, pairs);
    int width = 0;
    for (String[] p : pairs) width = Math.max(width, p[0].length() + 1);
    List<String> lines = new ArrayList<>();
    for (String[] p : pairs) {
      String key = p[0] + ":";
      lines.add((key + " ".repeat(width - key.length()) + " " + p[1]).stripTrailing());
    }
    return lines;
  }

  private static void flatten(String prefix, JsonNode node, List<String[]> out) {
    if (node == null || node.isNull() || node.isMissingNode()) return;
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      boolean scalars = true;
      for (JsonNode e : node) scalars &= e.isValueNode();
      if (scalars && !node.isEmpty()) {
        List<String> v = new ArrayList<>();
        node.forEach(e -> v.add(e.asText()));
        out.add(new String[] {prefix, String.join(", ", v)});
      } else {
        for (int i = 0; i < node.size(); i++) flatten(prefix + "[" + i + "]", node.get(i), out);
      }
    } else {
      out.add(new String[] {prefix, CatalogException.oneLine(node.asText())});
    }
  }
}
