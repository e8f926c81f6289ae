package dev.pxebus.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.lease.LeaseEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeTest {
  private static final Instant T = EventExamples.BOOT_TIME;
  private static final String MAC = EventExamples.MAC;
  private static final DhcpStepEvent ACK = (DhcpStepEvent) EventExamples.of(EventType.DHCP_STEP).data();
  private static final LeaseEvent LEASE = (LeaseEvent) EventExamples.of(EventType.LEASE).data();

  @ParameterizedTest(name = "''{0}''")
  @NullAndEmptySource
  @ValueSource(strings = {" "})
  void bootStepWithoutBootAttemptIsRejected(String attempt) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Envelope<>("e-1", EventExamples.DHCP_SOURCE, EventType.DHCP_STEP, T, MAC, attempt, 1, ACK));
    assertEquals("a boot-step event needs a boot-attempt id: dev.pxebus.boot.dhcp for " + MAC, e.getMessage());
  }

  @Test
  void envelopeOfWithoutAttemptRejectsABootStep() {
    // The two-argument Envelope.of accepts any event at compile time; a boot step still needs its attempt.
    assertThrows(IllegalArgumentException.class, () -> Envelope.of(EventExamples.DHCP_SOURCE, ACK));
  }

  @Test
  void nonBootEventsNeedNoAttempt() {
    Envelope<LeaseEvent> e = new Envelope<>("e-1", EventExamples.DHCP_SOURCE, EventType.LEASE, T, MAC, null, 1, LEASE);
    assertNull(e.bootAttemptId());
  }

  static Stream<Arguments> mismatches() {
    return Stream.of(
        Arguments.of("lease payload under the host type", EventType.HOST, LEASE,
            "type dev.pxebus.catalog.host does not carry LeaseEvent"),
        Arguments.of("DHCP step under the TFTP type", EventType.TFTP_TRANSFER, ACK,
            "type dev.pxebus.boot.tftp does not carry DhcpStepEvent"),
        Arguments.of("host payload under the lease type", EventType.LEASE, EventExamples.of(EventType.HOST).data(),
            "type dev.pxebus.dhcp.lease does not carry HostEvent"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mismatches")
  void typeAndDataMismatchIsRejected(String name, EventType type, PxebusEvent data, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Envelope<>("e-1", EventExamples.DHCP_SOURCE, type, T, data.key(), "attempt", 1, data));
    assertEquals(message, e.getMessage());
  }

  @Test
  void subjectMustBeThePayloadKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Envelope<>("e-1", EventExamples.DHCP_SOURCE, EventType.LEASE, T, "52:54:00:aa:bb:cc", null, 1, LEASE));
    assertEquals("subject '52:54:00:aa:bb:cc' is not the key '" + MAC + "' of its dev.pxebus.dhcp.lease payload",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {0, -1})
  void schemaVersionBelowOneIsRejected(int version) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Envelope<>("e-1", EventExamples.DHCP_SOURCE, EventType.LEASE, T, MAC, null, version, LEASE));
    assertEquals("schema version must be >= 1: " + version, e.getMessage());
  }

  @Test
  void olderSchemaVersionIsAccepted() {
    // Only a newer version than this code reads is refused, and that by the codec.
    assertEquals(Envelope.SCHEMA_VERSION,
        new Envelope<>("e-1", EventExamples.DHCP_SOURCE, EventType.LEASE, T, MAC, null, 1, LEASE).schemaVersion());
  }

  static Stream<Arguments> badIdOrSource() {
    return Stream.of(
        Arguments.of("blank id", " ", EventExamples.DHCP_SOURCE, "id is blank"),
        Arguments.of("empty source", "e-1", "", "source is empty"),
        Arguments.of("source not a URI", "e-1", "dhcp service on lab 1",
            "source is not a URI reference: 'dhcp service on lab 1'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badIdOrSource")
  void cloudEventsIdAndSourceRules(String name, String id, String source, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Envelope<>(id, source, EventType.LEASE, T, MAC, null, 1, LEASE));
    assertEquals(message, e.getMessage());
  }

  @Test
  void missingAttributesAreNamed() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> new Envelope<>("e-1", EventExamples.DHCP_SOURCE, EventType.LEASE, null, MAC, null, 1, LEASE));
    assertEquals("time", e.getMessage());
  }

  @Test
  void envelopeOfFillsTheAttributes() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Envelope<TftpTransferEvent> e = Envelope.of(EventExamples.TFTP_SOURCE,
        (TftpTransferEvent) EventExamples.of(EventType.TFTP_TRANSFER).data(), EventExamples.BOOT_ATTEMPT);
    assertEquals(EventType.TFTP_TRANSFER, e.type());
    assertEquals(MAC, e.subject());
    assertEquals(MAC, e.key());
    assertEquals(EventExamples.BOOT_ATTEMPT, e.bootAttemptId());
    assertEquals(Envelope.SCHEMA_VERSION, e.schemaVersion());
    assertEquals(Topics.BOOT_EVENTS, e.topic());
    assertEquals(0, e.time().getNano() % 1_000, "time is truncated to microseconds");
    assertTrue(!e.time().isBefore(before), "time is now");
  }

  @Test
  void envelopeOfGivesEachEventItsOwnId() {
    HostEvent host = (HostEvent) EventExamples.of(EventType.HOST).data();
    assertNotEquals(Envelope.of(EventExamples.CATALOG_SOURCE, host).id(),
        Envelope.of(EventExamples.CATALOG_SOURCE, host).id());
  }

  @Test
  void bootStepRecordsRefuseStagesOfAnotherFamily() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DhcpStepEvent(MAC, BootStage.TFTP_COMPLETED, 1, null, null, null, null, null, null, null, null,
            null, null, null));
    assertEquals("stage TFTP_COMPLETED is a TFTP stage, not DHCP", e.getMessage());
  }

  @Test
  void menuRenderedDefaultsItsOnlyStage() {
    MenuRenderedEvent m = new MenuRenderedEvent(MAC, null, MenuFormat.IPXE, "/boot.ipxe", null, null, null, null,
        null, 0);
    assertEquals(BootStage.MENU_RENDERED, m.stage());
  }

  @Test
  void newIdsAreDistinctVersionFourUuids() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Envelope.newId();
      java.util.UUID u = java.util.UUID.fromString(id);
      assertEquals(4, u.version(), id);
      assertEquals(2, u.variant(), id);
      assertEquals(u.toString(), id);
      assertTrue(seen.add(id), "repeated id " + id);
    }
  }

  @Test
  void aSourceThatIsNoUriIsRefusedAlsoAfterAValidOne() {
    HostEvent host = (HostEvent) EventExamples.of(dev.pxebus.events.EventType.HOST).data();
    Envelope.of(EventExamples.CATALOG_SOURCE, host);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Envelope.of("dhcp service on lab 1", host));
    assertTrue(e.getMessage().contains("not a URI reference"), e.getMessage());
    Envelope.of(EventExamples.CATALOG_SOURCE, host);
  }
}
