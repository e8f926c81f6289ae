package dev.pxebus.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TopicsTest {

  @Test
  void namesAreUniqueAndPrefixed() {
    Set<String> seen = new HashSet<>();
    for (Topic<?> t : Topics.all()) {
      assertTrue(seen.add(t.name()), "duplicate topic " + t.name());
      assertTrue(t.name().startsWith("pxebus."), t.name());
      // Kafka: [a-zA-Z0-9._-], at most 249 characters; pxebus names use lower case and dots only.
      assertTrue(t.name().matches("[a-z0-9.]{1,249}"), t.name());
    }
  }

  @Test
  void valueTypesAreUnique() {
    // Topics.of and EventType.topic pick the first topic whose value type fits: two topics with one value type
    // would silently route every event to the first.
    Set<Class<?>> seen = new HashSet<>();
    for (Topic<?> t : Topics.all()) assertTrue(seen.add(t.valueType()), "two topics carry " + t.valueType());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void everyEventTypeTravelsOnExactlyOneTopic(EventType type) {
    List<Topic<?>> carriers =
        Topics.all().stream().filter(t -> t.valueType().isAssignableFrom(type.recordClass())).toList();
    assertEquals(1, carriers.size(), type + " fits " + carriers);
    assertSame(carriers.get(0), type.topic());
    assertSame(carriers.get(0), Topics.of(EventExamples.of(type).data()));
    assertSame(carriers.get(0), EventExamples.of(type).topic());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void theTypesProducerWritesItsTopic(EventType type) {
    assertTrue(type.topic().producer().contains(type.producer()),
        type + " is produced by " + type.producer() + " but " + type.topic() + " names " + type.topic().producer());
  }

  @Test
  void everyTopicCarriesAnEventType() {
    for (Topic<?> t : Topics.all()) {
      assertTrue(Arrays.stream(EventType.values()).anyMatch(e -> e.topic() == t), t + " carries no EventType");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void typeStringsAreUniqueAndFindable(EventType type) {
    assertEquals(Optional.of(type), EventType.ofType(type.type()));
    assertTrue(type.type().startsWith("dev.pxebus."), type.type());
  }

  @Test
  void unknownTypeStringIsEmpty() {
    assertEquals(Optional.empty(), EventType.ofType("dev.pxebus.boot.ftp"));
    assertEquals(Optional.empty(), EventType.ofType(null));
  }

  @Test
  void byName() {
    for (Topic<?> t : Topics.all()) assertEquals(Optional.of(t), Topics.byName(t.name()));
    assertEquals(Optional.empty(), Topics.byName("pxebus.boot"));
    assertEquals(Optional.empty(), Topics.byName("PXEBUS.BOOT.EVENTS"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      pxebus.catalog.images   | COMPACT  | ENTITY_ID
      pxebus.catalog.profiles | COMPACT  | ENTITY_ID
      pxebus.catalog.hosts    | COMPACT  | MAC
      pxebus.catalog.groups   | COMPACT  | ENTITY_ID
      pxebus.dhcp.leases      | COMPACT  | MAC
      pxebus.boot.events      | RETAINED | MAC
      pxebus.boot.installs    | COMPACT  | MAC
      pxebus.tftp.replicas    | COMPACT  | REPLICA_ID
      """)
  void cleanupAndKey(String name, Cleanup cleanup, KeyKind key) {
    Topic<?> t = Topics.byName(name).orElseThrow(() -> new AssertionError("no topic " + name));
    assertEquals(cleanup, t.cleanup());
    assertEquals(key, t.key());
  }

  @Test
  void tableAboveListsEveryTopic() {
    // keeps cleanupAndKey complete when a topic is added
    assertEquals(8, Topics.all().size());
  }

  @Test
  void cleanupPolicyNames() {
    assertEquals("compact", Cleanup.COMPACT.policy());
    assertEquals("delete", Cleanup.RETAINED.policy());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void macKeyedTopicsAreKeyedByCanonicalMac(EventType type) {
    String key = EventExamples.of(type).data().key();
    if (type.topic().key() == KeyKind.MAC) {
      assertEquals(Mac.canonical(key), key);
    } else {
      assertFalse(key.isBlank());
    }
  }
}
