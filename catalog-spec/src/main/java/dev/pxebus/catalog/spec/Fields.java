package dev.pxebus.catalog.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads the fields of one JSON object by type, reporting the shape errors (wrong type, unknown field, too many
 * entries) to an {@link Errors}. A getter returns null for an absent field, a JSON {@code null}, or a value of the
 * wrong type (then reported): the record's constructor decides what absent means.
 */
final class Fields {
  private final JsonNode node;
  private final Errors errors;

  private Fields(JsonNode node, Errors errors) {
    this.node = node;
    this.errors = errors;
  }

  static Fields of(JsonNode json, Errors errors, Set<String> allowed) {
    if (json == null || json.isMissingNode() || json.isNull()) {
      errors.add("", ErrorCode.REQUIRED, "expected a JSON object, got nothing");
      return new Fields(null, errors);
    }
    if (!json.isObject()) {
      errors.add("", ErrorCode.WRONG_TYPE, "expected a JSON object, got " + kind(json));
      return new Fields(null, errors);
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        errors.add(FieldPath.key("", name), ErrorCode.UNKNOWN_FIELD,
            "unknown field " + Text.quote(name) + "; known fields: " + String.join(", ", new TreeSet<>(allowed)));
      }
    }
    return new Fields(json, errors);
  }

  /** The JSON type of a node, for messages. */
  static String kind(JsonNode n) {
    if (n == null || n.isMissingNode()) return "nothing";
    return switch (n.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> n.isIntegralNumber() ? "an integer" : "a fractional number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private JsonNode get(String name) {
    if (node == null) return null;
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? null : v;
  }

  private void wrongType(String path, String want, JsonNode got) {
    errors.add(path, ErrorCode.WRONG_TYPE, "expected " + want + ", got " + kind(got));
  }

  String text(String name) {
    JsonNode v = get(name);
    if (v == null) return null;
    if (!v.isTextual()) {
      wrongType(name, "a string", v);
      return null;
    }
    return v.textValue();
  }

  Boolean bool(String name) {
    JsonNode v = get(name);
    if (v == null) return null;
    if (!v.isBoolean()) {
      wrongType(name, "true or false", v);
      return null;
    }
    return v.booleanValue();
  }

  /** An integral JSON number; one beyond a long reads as {@link Long#MAX_VALUE} (every limit rejects it). */
  Long integer(String name) {
    JsonNode v = get(name);
    if (v == null) return null;
    if (!v.isIntegralNumber()) {
      wrongType(name, "an integer", v);
      return null;
    }
    if (v.canConvertToLong()) return v.longValue();
    return v.bigIntegerValue().signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
  }

  /** A nested document, parsed by {@code parser} (which reports a non-object itself); its errors are prefixed. */
  <T> T object(String name, Function<JsonNode, T> parser) {
    JsonNode v = get(name);
    if (v == null) return null;
    try {
      return parser.apply(v);
    } catch (ValidationException e) {
      errors.addAll(name, e);
      return null;
    }
  }

  /**
   * A list of nested documents. An element that fails leaves a null in its place, so that indices in later errors
   * stay those of the document. Over {@code max} elements: reported, and none parsed.
   */
  <T> List<T> list(String name, int max, Function<JsonNode, T> parser) {
    JsonNode v = get(name);
    if (v == null) return null;
    if (!v.isArray()) {
      wrongType(name, "an array", v);
      return null;
    }
    if (v.size() > max) {
      errors.add(name, ErrorCode.TOO_MANY, name + " has " + v.size() + " entries, at most " + max);
      return null;
    }
    List<T> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      String at = FieldPath.index(name, i);
      try {
        out.add(parser.apply(v.get(i)));
      } catch (ValidationException e) {
        errors.addAll(at, e);
        out.add(null);
      }
    }
    return out;
  }

  /** A JSON object of strings, in document order. Over {@code max} entries: reported, and none read. */
  Map<String, String> strings(String name, int max) {
    JsonNode v = get(name);
    if (v == null) return null;
    if (!v.isObject()) {
      wrongType(name, "an object of strings", v);
      return null;
    }
    if (v.size() > max) {
      errors.add(name, ErrorCode.TOO_MANY, name + " has " + v.size() + " entries, at most " + max);
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (e.getValue().isTextual()) out.put(e.getKey(), e.getValue().textValue());
      else wrongType(FieldPath.key(name, e.getKey()), "a string", e.getValue());
    }
    return out;
  }
}
