package dev.pxebus.catalog.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input written to hurt: JSON of the wrong type at every field, path tricks where names become paths, huge strings
 * and control characters everywhere, garbage documents, and seeded random mutations. Each must fail with a
 * {@link ValidationException} naming the field — never another exception, never a spec.
 */
class HostileInputTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String HUGE = "a".repeat(1 << 20);

  private record Hostile(EntityKind kind, JsonNode doc, String field) {}

  private static Arguments row(String name, EntityKind kind, JsonNode doc, String field) {
    return Arguments.of(named(name, new Hostile(kind, doc, field)));
  }

  /** One value of each JSON type. */
  private static List<JsonNode> everyType() {
    return List.of(F.booleanNode(true), F.numberNode(1), F.numberNode(1.5), F.numberNode(BigInteger.TEN.pow(40)),
        F.textNode("x"), F.arrayNode().add("x"), F.objectNode().put("x", "y"));
  }

  private static boolean sameType(JsonNode a, JsonNode b) {
    JsonNodeType ta = a.getNodeType();
    JsonNodeType tb = b.getNodeType();
    if (ta != tb) return false;
    return ta != JsonNodeType.NUMBER || a.isIntegralNumber() == b.isIntegralNumber();
  }

  /** Every field of every kind, at every depth, given a value of every other JSON type. */
  static Stream<Arguments> wrongTypeAtEveryField() {
    List<Arguments> rows = new ArrayList<>();
    for (EntityKind kind : EntityKind.values()) {
      ObjectNode base = Docs.base(kind);
      for (String pointer : Docs.pointers(base)) {
        JsonNode original = base.at(pointer);
        for (JsonNode value : everyType()) {
          if (sameType(original, value)) continue;
          rows.add(row(kind + " " + pointer + " = " + Fields.kind(value), kind, Docs.with(base, pointer, value),
              Docs.field(base, pointer)));
        }
      }
    }
    return rows.stream();
  }

  @ParameterizedTest
  @MethodSource("wrongTypeAtEveryField")
  void wrongTypeAtEveryFieldIsNamed(Hostile h) {
    ValidationException e = assertThrows(ValidationException.class, () -> h.kind().parse(h.doc()));
    assertTrue(Docs.codes(e).contains(h.field() + " wrong-type"), e.getMessage());
  }

  /** Every string value each kind has, replaced by text no string field accepts. */
  static Stream<Arguments> hostileStringAtEveryStringField() {
    List<String> strings = List.of(HUGE, "../".repeat(100_000), "\u0000", "x\ny", "x\r\ny", "\u001b[2J", "x\u007f",
        "x\u0085", "x\u2028y", "x\u202ey", "\ud800", "x\ufeff", "x\u200by", "%00\u0000");
    List<Arguments> rows = new ArrayList<>();
    for (EntityKind kind : EntityKind.values()) {
      ObjectNode base = Docs.base(kind);
      for (String pointer : Docs.pointers(base)) {
        if (!base.at(pointer).isTextual()) continue;
        for (String s : strings) {
          rows.add(row(kind + " " + pointer + " = " + Text.quote(s), kind, Docs.with(base, pointer, s),
              Docs.field(base, pointer)));
        }
      }
    }
    return rows.stream();
  }

  @ParameterizedTest
  @MethodSource("hostileStringAtEveryStringField")
  void hostileStringsAreRefusedAtTheirField(Hostile h) {
    ValidationException e = assertThrows(ValidationException.class, () -> h.kind().parse(h.doc()));
    assertTrue(e.errors().stream().anyMatch(x -> x.field().equals(h.field())), e.getMessage());
    for (ValidationError x : e.errors()) assertTrue(x.message().length() < 400, x.message());
  }

  /** Names that become paths ({@code /images/<image>/<file>}) or keys. */
  static Stream<Arguments> pathTricks() {
    List<String> tricks = List.of("..", ".", "../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "C:\\boot.ini",
        "a/../b", "....//", "%2e%2e%2f", "..%c0%af", "linux\u0000.txt", "~root", "linux/", " ../x", "\u2024\u2024",
        "\uff0e\uff0e\uff0f", "con:", "a b", "*", "$(reboot)", "`id`", "x;rm -rf", "${net0/mac}");
    List<String> pointers = List.of("/kernel/name", "/initrds/0/name", "/id");
    List<Arguments> rows = new ArrayList<>();
    for (String pointer : pointers) {
      for (String t : tricks) {
        rows.add(row("image " + pointer + " = " + Text.quote(t), EntityKind.IMAGE, Docs.with(Docs.image(), pointer, t),
            Docs.field(Docs.image(), pointer)));
      }
    }
    for (String t : tricks) {
      rows.add(row("profile /image = " + Text.quote(t), EntityKind.PROFILE, Docs.with(Docs.profile(), "/image", t),
          "image"));
      rows.add(row("group /id = " + Text.quote(t), EntityKind.GROUP, Docs.with(Docs.group(), "/id", t), "id"));
    }
    return rows.stream();
  }

  @ParameterizedTest
  @MethodSource("pathTricks")
  void pathTricksAreUnsafeNames(Hostile h) {
    ValidationException e = assertThrows(ValidationException.class, () -> h.kind().parse(h.doc()));
    assertEquals(List.of(h.field() + " unsafe-name"), Docs.codes(e));
  }

  static Stream<Arguments> garbageDocuments() {
    ObjectNode deep = F.objectNode();
    ObjectNode cur = deep;
    for (int i = 0; i < 500; i++) cur = cur.putObject("kernel");
    ObjectNode wide = F.objectNode();
    for (int i = 0; i < 100_000; i++) wide.put("f" + i, i);
    ArrayNode longArray = F.arrayNode();
    for (int i = 0; i < 100_000; i++) longArray.add(i);
    ObjectNode hostileKey = Docs.profile();
    hostileKey.put("\u0000\n" + HUGE, 1);
    List<Arguments> rows = new ArrayList<>();
    for (EntityKind kind : EntityKind.values()) {
      rows.add(Arguments.of(named(kind + ": Java null", new Hostile(kind, null, ""))));
      rows.add(Arguments.of(named(kind + ": missing node", new Hostile(kind, F.missingNode(), ""))));
      rows.add(Arguments.of(named(kind + ": empty object", new Hostile(kind, F.objectNode(), null))));
      rows.add(Arguments.of(named(kind + ": 500 nested objects", new Hostile(kind, deep, null))));
      rows.add(Arguments.of(named(kind + ": 100 000 unknown fields", new Hostile(kind, wide, null))));
      rows.add(Arguments.of(named(kind + ": a long array", new Hostile(kind, longArray, ""))));
      rows.add(Arguments.of(named(kind + ": a huge string", new Hostile(kind, F.textNode(HUGE), ""))));
      rows.add(Arguments.of(named(kind + ": every field null", new Hostile(kind, nulls(Docs.base(kind)), null))));
      rows.add(Arguments.of(named(kind + ": every list 100 000 long", new Hostile(kind, longLists(kind), null))));
    }
    rows.add(Arguments.of(named("profile: a huge key with control characters",
        new Hostile(EntityKind.PROFILE, hostileKey, null))));
    return rows.stream();
  }

  private static ObjectNode nulls(ObjectNode doc) {
    ObjectNode copy = doc.deepCopy();
    copy.fieldNames().forEachRemaining(n -> copy.set(n, F.nullNode()));
    return copy;
  }

  private static ObjectNode longLists(EntityKind kind) {
    ObjectNode doc = Docs.base(kind);
    ArrayNode many = F.arrayNode();
    for (int i = 0; i < 100_000; i++) many.add(Docs.image().get("kernel"));
    ObjectNode manyLabels = F.objectNode();
    for (int i = 0; i < 100_000; i++) manyLabels.put("k" + i, "v");
    if (kind == EntityKind.IMAGE) {
      doc.set("initrds", many);
      doc.set("labels", manyLabels);
    } else if (kind == EntityKind.HOST) {
      doc.set("labels", manyLabels);
    } else if (kind == EntityKind.GROUP) {
      doc.set("selector", manyLabels);
    } else {
      doc.set("menuLabel", many);
    }
    return doc;
  }

  @ParameterizedTest
  @MethodSource("garbageDocuments")
  void garbageDocumentsAreRefused(Hostile h) {
    ValidationException e = assertThrows(ValidationException.class, () -> h.kind().parse(h.doc()));
    if (h.field() != null) assertEquals(List.of(h.field()), e.errors().stream().map(ValidationError::field).toList());
    assertTrue(e.errors().size() <= Limits.ERRORS_MAX);
    for (ValidationError x : e.errors()) {
      assertTrue(x.field().length() < 100, x.field());
      assertTrue(x.message().length() < 400, x.message());
    }
  }

  // ------------------------------------------------------------------ seeded random mutations

  private static final String ALPHABET = "aZ09._-:/\\ \"'=\u0000\n\t\u00e9\u202e\ud800{}[]%$";

  private static JsonNode randomValue(Random r, int depth) {
    switch (r.nextInt(depth > 2 ? 6 : 8)) {
      case 0: return F.nullNode();
      case 1: return F.booleanNode(r.nextBoolean());
      case 2: return F.numberNode(r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(100) - 10);
      case 3: return F.numberNode(r.nextDouble() * 1e6);
      case 4:
      case 5: return F.textNode(randomString(r));
      case 6: {
        ArrayNode a = F.arrayNode();
        for (int i = r.nextInt(4); i > 0; i--) a.add(randomValue(r, depth + 1));
        return a;
      }
      default: {
        ObjectNode o = F.objectNode();
        for (int i = r.nextInt(4); i > 0; i--) o.set(randomString(r), randomValue(r, depth + 1));
        return o;
      }
    }
  }

  private static String randomString(Random r) {
    int n = r.nextInt(10) == 0 ? 70 + r.nextInt(3000) : r.nextInt(12);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    return b.toString();
  }

  /** Replace, add or remove values at random places of a valid document, many times over, from fixed seeds. */
  @Test
  void randomMutationsEitherParseOrFailWithAValidationException() {
    int accepted = 0;
    int refused = 0;
    for (EntityKind kind : EntityKind.values()) {
      Random r = new Random(0x5eed + kind.ordinal());
      for (int round = 0; round < 2000; round++) {
        ObjectNode doc = Docs.base(kind);
        for (int m = 1 + r.nextInt(3); m > 0; m--) {
          List<String> pointers = Docs.pointers(doc);
          String p = pointers.get(r.nextInt(pointers.size()));
          int what = r.nextInt(5);
          if (what == 0) doc = Docs.without(doc, p);
          else if (what == 1) doc.set(randomString(r), randomValue(r, 0));
          else doc = Docs.with(doc, p, randomValue(r, 0));
        }
        CatalogSpec spec;
        try {
          spec = kind.parse(doc);
        } catch (ValidationException e) {
          refused++;
          continue;
        } catch (RuntimeException e) {
          fail(kind + " " + doc + " threw " + e, e);
          return;
        }
        accepted++;
        // What is accepted is normalised for good: its own forms parse back to it.
        assertEquals(spec, kind.parse(spec.toJson()), doc.toString());
        assertEquals(spec, CatalogSpec.fromEvent(spec.toEvent(1, SpecEventsTest.T)), doc.toString());
      }
    }
    assertTrue(refused > 1000 && accepted > 100, "accepted " + accepted + ", refused " + refused);
  }
}
