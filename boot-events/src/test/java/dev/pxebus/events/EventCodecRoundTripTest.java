package dev.pxebus.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.replica.TftpReplicaEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventCodecRoundTripTest {
  private final EventCodec codec = EventCodec.get();

  @Test
  void everyEventTypeHasAnExample() {
    List<EventType> missing = Arrays.stream(EventType.values()).filter(t -> EventExamples.find(t).isEmpty()).toList();
    assertTrue(missing.isEmpty(), "add an example to EventExamples (and docs/events.md) for " + missing);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void exampleIsOfItsType(EventType type) {
    Envelope<?> example = EventExamples.of(type);
    assertSame(type, example.type());
    assertSame(type.recordClass(), example.data().getClass());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void decodeOfEncodeIsTheOriginal(EventType type) throws EventDecodeException {
    Envelope<?> example = EventExamples.of(type);
    assertEquals(example, codec.decode(codec.encode(example)));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void decodeWithTheTopicValueTypeIsTheOriginal(EventType type) throws EventDecodeException {
    Envelope<?> example = EventExamples.of(type);
    assertEquals(example, codec.decode(codec.encode(example), type.topic().valueType()));
    assertEquals(example, codec.decode(codec.encode(example), type.recordClass()));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void encodingIsStable(EventType type) throws EventDecodeException {
    byte[] once = codec.encode(EventExamples.of(type));
    assertArrayEquals(once, codec.encode(codec.decode(once)));
  }

  @Test
  void mapFieldsAreWrittenInKeyOrder() {
    // Map.copyOf iterates in a per-JVM random order; the wire form must not.
    TftpTransferEvent t = new TftpTransferEvent(EventExamples.MAC, BootStage.TFTP_STARTED, "10.213.0.121", 2070,
        "tftp-1", "ipxe.efi", Map.of("windowsize", "4", "tsize", "0", "timeout", "5", "blksize", "1468"), 0, 0, 0,
        null, null);
    String json = new String(codec.encode(Envelope.of(EventExamples.TFTP_SOURCE, t, EventExamples.BOOT_ATTEMPT)));
    assertTrue(json.contains("\"options\":{\"blksize\":\"1468\",\"timeout\":\"5\",\"tsize\":\"0\",\"windowsize\":\"4\"}"),
        json);
  }

  @Test
  void envelopeOfRoundTripsWithItsGeneratedIdAndTime() throws EventDecodeException {
    Envelope<HostEvent> now = Envelope.of(EventExamples.CATALOG_SOURCE,
        (HostEvent) EventExamples.of(EventType.HOST).data());
    assertEquals(now, codec.decode(codec.encode(now)));
  }

  @Test
  void nanosecondTimesSurvive() throws EventDecodeException {
    Instant t = Instant.parse("2025-05-06T08:15:30.123456789Z");
    Envelope<TftpReplicaEvent> e = new Envelope<>("r-1", EventExamples.TFTP_SOURCE, EventType.TFTP_REPLICA, t,
        "tftp-1", null, Envelope.SCHEMA_VERSION,
        new TftpReplicaEvent("tftp-1", "lab-1", "10.213.0.1", 69, null, 0, 0, true, t));
    assertEquals(e, codec.decode(codec.encode(e)));
  }

  @Test
  void absentOptionalFieldsStayAbsent() throws EventDecodeException {
    // A DISCOVER from a ROM that sends no option 97 or 77: null fields are left out and read back as null.
    DhcpStepEvent discover = new DhcpStepEvent(EventExamples.MAC, BootStage.DHCP_DISCOVER, 0x38d7aa46L, null, null,
        null, null, "PXEClient:Arch:00007:UNDI:003016", 7, null, null, null, null, null);
    Envelope<DhcpStepEvent> e = Envelope.of(EventExamples.DHCP_SOURCE, discover, EventExamples.BOOT_ATTEMPT);
    String json = new String(codec.encode(e));
    assertTrue(!json.contains("uuid") && !json.contains("userClass") && !json.contains("null"), json);
    assertEquals(e, codec.decode(json.getBytes()));
  }
}
