package dev.pxebus.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pxebus.events.boot.BootStepEvent;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What other tools (kcat, a CloudEvents SDK in another language) see: the structured-mode JSON itself. */
class EventWireShapeTest {
  /** Every attribute pxebus writes; anything else at the top level would be an undocumented change. */
  private static final Set<String> TOP_LEVEL = Set.of("specversion", "id", "source", "type", "time", "subject",
      "datacontenttype", "data", "bootattempt", "schemaversion");

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void requiredAttributes(EventType type) {
    Envelope<?> example = EventExamples.of(type);
    JsonNode json = EventExamples.tree(type);
    assertEquals("1.0", json.path("specversion").textValue());
    assertEquals(example.id(), json.path("id").textValue());
    assertEquals(example.source(), json.path("source").textValue());
    assertEquals(type.type(), json.path("type").textValue());
    assertEquals(example.time(), Instant.parse(json.path("time").textValue()));
    assertTrue(json.path("time").textValue().endsWith("Z"), "time in UTC: " + json.path("time"));
    assertEquals("application/json", json.path("datacontenttype").textValue());
    assertEquals(example.data().key(), json.path("subject").textValue());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void onlyKnownAttributes(EventType type) {
    Set<String> names = new TreeSet<>();
    EventExamples.tree(type).fieldNames().forEachRemaining(names::add);
    names.removeAll(TOP_LEVEL);
    assertTrue(names.isEmpty(), "unexpected attributes " + names);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void dataIsAnInlineJsonObject(EventType type) {
    JsonNode json = EventExamples.tree(type);
    assertTrue(json.path("data").isObject(), "data must be a JSON object, was " + json.path("data").getNodeType());
    assertFalse(json.has("data_base64"), "data must not be base64");
    // key() is derived, not a field of the contract
    assertFalse(json.path("data").has("key"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void schemaVersionIsTheNumberOne(EventType type) {
    JsonNode v = EventExamples.tree(type).path(EventCodec.EXT_SCHEMA_VERSION);
    assertTrue(v.isInt(), "schemaversion must be a JSON integer, was " + v.getNodeType());
    assertEquals(1, v.intValue());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void bootAttemptOnBootStepsOnly(EventType type) {
    JsonNode json = EventExamples.tree(type);
    if (BootStepEvent.class.isAssignableFrom(type.recordClass())) {
      assertEquals(EventExamples.BOOT_ATTEMPT, json.path(EventCodec.EXT_BOOT_ATTEMPT).textValue());
    } else {
      assertFalse(json.has(EventCodec.EXT_BOOT_ATTEMPT), "no bootattempt outside boot steps");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void machineEventsAreSubjectedByTheirMac(EventType type) {
    JsonNode json = EventExamples.tree(type);
    if (type.topic().key() == KeyKind.MAC) {
      assertEquals(EventExamples.MAC, json.path("subject").textValue());
      assertEquals(EventExamples.MAC, json.path("data").path("mac").textValue());
    } else {
      assertFalse(Mac.isValid(json.path("subject").textValue()), "an entity or replica id, not a MAC");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = EventType.class, names = {"DHCP_STEP", "TFTP_TRANSFER", "HTTP_FILE", "MENU_RENDERED"})
  void bootStageIsItsEnumName(EventType type) {
    BootStepEvent step = (BootStepEvent) EventExamples.of(type).data();
    assertEquals(step.stage().name(), EventExamples.tree(type).path("data").path("stage").textValue());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = EventType.class, names = {"IMAGE", "PROFILE", "HOST", "GROUP", "LEASE", "TFTP_REPLICA"})
  void instantsInDataAreIsoStrings(EventType type) {
    JsonNode data = EventExamples.tree(type).path("data");
    for (String field : List.of("updated", "start", "expires", "at")) {
      if (data.has(field)) {
        assertTrue(data.get(field).isTextual(), field + " must be an RFC 3339 string, was " + data.get(field));
        Instant.parse(data.get(field).textValue());
      }
    }
  }
}
