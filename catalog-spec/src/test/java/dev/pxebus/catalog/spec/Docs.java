package dev.pxebus.catalog.spec;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Valid documents of each kind, and edits of them by JSON pointer, for the table-driven tests. */
final class Docs {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SHA_A = "9f2c4b7e1a0d3f8c6b5e2d1a4c7f0e3b8a6d9c2f5e1b4a7d0c3f6e9b2a5d8c1f";
  static final String SHA_B = "1e7a3c9f5b2d8e4a6c0f3b9d7e1a5c2f8b4d6e0a3c9f7b1d5e2a8c4f6b0d3e9a";
  static final String MAC = "52:54:00:12:34:56";
  static final String UUID = "4c4c4544-0042-4d10-8057-b4c04f4e3632";

  private Docs() {}

  /** JSON written with single quotes, for readable tables. */
  static ObjectNode json(String singleQuoted) {
    try {
      return (ObjectNode) JSON.readTree(singleQuoted.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(singleQuoted, e);
    }
  }

  static JsonNode anyJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static ObjectNode image() {
    return json("{'id': 'debian-12-amd64', 'name': 'Debian 12 netboot installer', 'version': '12.10', "
        + "'arch': 'x86_64', 'kernel': {'name': 'linux', 'sha256': '" + SHA_A + "', 'size': 8247232}, "
        + "'initrds': [{'name': 'initrd.gz', 'sha256': '" + SHA_B + "', 'size': 41232384}], "
        + "'cmdline': 'priority=critical auto=true', 'labels': {'os': 'debian'}}");
  }

  static ObjectNode profile() {
    return json("{'id': 'debian-12-install', 'image': 'debian-12-amd64', 'cmdline': 'console=ttyS0,115200n8', "
        + "'menuLabel': 'Install Debian 12 (unattended)'}");
  }

  static ObjectNode host() {
    return json("{'mac': '" + MAC + "', 'hostname': 'lab-node-1', 'labels': {'rack': 'r1', 'role': 'worker'}, "
        + "'reservedIp': '10.213.0.121', 'profile': 'debian-12-install', 'bootOnce': true}");
  }

  /** A group using every kind of selector. */
  static ObjectNode group() {
    return json("{'id': 'uefi-workers', 'name': 'UEFI workers', 'profile': 'debian-12-install', "
        + "'selector': {'mac': '" + MAC + "', 'uuid': '" + UUID + "', 'arch': 'efi-x86_64', 'label.role': 'worker'}}");
  }

  static ObjectNode base(EntityKind kind) {
    return switch (kind) {
      case IMAGE -> image();
      case PROFILE -> profile();
      case HOST -> host();
      case GROUP -> group();
    };
  }

  /** A copy of {@code doc} with the value at {@code pointer} (e.g. {@code /initrds/0/name}) replaced or added. */
  static ObjectNode with(ObjectNode doc, String pointer, JsonNode value) {
    ObjectNode copy = doc.deepCopy();
    JsonPointer p = JsonPointer.compile(pointer);
    JsonNode parent = copy.at(p.head());
    String last = p.last().getMatchingProperty();
    if (parent.isArray()) ((ArrayNode) parent).set(p.last().getMatchingIndex(), value);
    else ((ObjectNode) parent).set(last, value);
    return copy;
  }

  static ObjectNode with(ObjectNode doc, String pointer, String value) {
    return with(doc, pointer, JSON.getNodeFactory().textNode(value));
  }

  static ObjectNode without(ObjectNode doc, String pointer) {
    ObjectNode copy = doc.deepCopy();
    JsonPointer p = JsonPointer.compile(pointer);
    JsonNode parent = copy.at(p.head());
    if (parent.isArray()) ((ArrayNode) parent).remove(p.last().getMatchingIndex());
    else ((ObjectNode) parent).remove(p.last().getMatchingProperty());
    return copy;
  }

  /** Every value in a document, as JSON pointers, containers before their contents. */
  static List<String> pointers(JsonNode doc) {
    List<String> out = new ArrayList<>();
    walk(doc, "", out);
    return out;
  }

  private static void walk(JsonNode n, String at, List<String> out) {
    if (n.isObject()) {
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        String p = at + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
        out.add(p);
        walk(e.getValue(), p, out);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        out.add(at + "/" + i);
        walk(n.get(i), at + "/" + i, out);
      }
    }
  }

  /** The {@link ValidationError#field()} of a pointer into {@code doc}: {@code /initrds/0/name} → {@code initrds[0].name}. */
  static String field(JsonNode doc, String pointer) {
    StringBuilder b = new StringBuilder();
    JsonNode n = doc;
    for (String seg : pointer.substring(1).split("/")) {
      seg = seg.replace("~1", "/").replace("~0", "~");
      if (n.isArray()) {
        b.append('[').append(seg).append(']');
        n = n.get(Integer.parseInt(seg));
      } else {
        if (b.length() > 0) b.append('.');
        b.append(seg);
        n = n.get(seg);
      }
    }
    return b.toString();
  }

  /** {@code field code} of each error, in order: what the tables compare. */
  static List<String> codes(ValidationException e) {
    return e.errors().stream().map(x -> x.field() + " " + x.code()).toList();
  }

  static List<String> codes(List<ValidationError> errors) {
    return errors.stream().map(x -> x.field() + " " + x.code()).toList();
  }

  static String repeat(String s, int n) {
    return s.repeat(n);
  }
}
