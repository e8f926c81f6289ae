package dev.pxebus.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.lease.LeaseEvent;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A consumer logs, counts and skips a record it cannot read; the message must say why. */
class EventDecodeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DHCP_ID = EventExamples.of(EventType.DHCP_STEP).id();

  private final EventCodec codec = EventCodec.get();

  static Stream<Arguments> malformed() {
    return Stream.of(
        // not a document at all
        bad("null value (a tombstone)", null, "empty record value"),
        bad("empty bytes", new byte[0], "empty record value"),
        bad("not JSON", "DHCPACK 10.213.0.121".getBytes(UTF_8), "not a CloudEvents JSON document: Unrecognized token"),
        bad("truncated JSON", prefix(EventType.DHCP_STEP, 60), "not a CloudEvents JSON document: Unexpected end-of-input"),
        bad("JSON null", "null".getBytes(UTF_8), "not a CloudEvents JSON document: the JSON value null"),
        bad("JSON array", "[1,2]".getBytes(UTF_8), "not a CloudEvents JSON document: Cannot deserialize"),
        bad("JSON string", "\"52:54:00:12:34:56\"".getBytes(UTF_8), "not a CloudEvents JSON document"),
        // JSON, but not a CloudEvent
        bad("object without specversion", "{\"mac\":\"52:54:00:12:34:56\"}".getBytes(UTF_8),
            "not a CloudEvents JSON document: Missing mandatory specversion attribute"),
        bad("no id", dhcp(j -> j.remove("id")), "not a CloudEvents JSON document: Missing mandatory id attribute"),
        bad("no type", dhcp(j -> j.remove("type")), "not a CloudEvents JSON document: Missing mandatory type attribute"),
        bad("specversion 0.3", dhcp(j -> j.put("specversion", "0.3")), "unsupported CloudEvents specversion 0.3"),
        bad("specversion 2.0", dhcp(j -> j.put("specversion", "2.0")),
            "not a CloudEvents JSON document: Invalid specversion: 2.0"),
        bad("time not RFC 3339", dhcp(j -> j.put("time", "yesterday")),
            "not a CloudEvents JSON document: Invalid attribute/extension value for \"time\": yesterday"),
        // a CloudEvent, but not a pxebus event this code reads
        bad("unknown type", dhcp(j -> j.put("type", "dev.pxebus.boot.ftp")), "unknown event type 'dev.pxebus.boot.ftp'"),
        bad("schemaversion newer than supported", dhcp(j -> j.put("schemaversion", 2)),
            "schema version 2 of dev.pxebus.boot.dhcp is newer than the 1 this service reads"),
        bad("schemaversion missing", dhcp(j -> j.remove("schemaversion")),
            "event " + DHCP_ID + " has no schemaversion extension"),
        bad("schemaversion not a number", dhcp(j -> j.put("schemaversion", "v1")),
            "event " + DHCP_ID + " has a non-numeric schemaversion: v1"),
        bad("schemaversion zero", dhcp(j -> j.put("schemaversion", 0)),
            "invalid event " + DHCP_ID + ": schema version must be >= 1: 0"),
        bad("no time", dhcp(j -> j.remove("time")), "event " + DHCP_ID + " has no time"),
        bad("no subject", dhcp(j -> j.remove("subject")), "event " + DHCP_ID + " has no subject"),
        bad("no data", dhcp(j -> j.remove("data")), "event " + DHCP_ID + " has no data"),
        bad("data null", dhcp(j -> j.putNull("data")), "event " + DHCP_ID + " has null data"),
        // data that does not make the record
        bad("data a string", dhcp(j -> j.put("data", "DHCPACK")),
            "bad dev.pxebus.boot.dhcp data in event " + DHCP_ID + ": Cannot construct instance"),
        bad("boot step with a stage of the wrong family", dhcp(j -> data(j).put("stage", "TFTP_STARTED")),
            "bad dev.pxebus.boot.dhcp data in event " + DHCP_ID + ": stage TFTP_STARTED is a TFTP stage, not DHCP"),
        bad("boot step with an unknown stage", dhcp(j -> data(j).put("stage", "DHCP_LEASEQUERY")),
            "bad dev.pxebus.boot.dhcp data in event " + DHCP_ID + ": Cannot deserialize value of type "
                + "`dev.pxebus.events.boot.BootStage` from String \"DHCP_LEASEQUERY\""),
        bad("boot step without stage", dhcp(j -> data(j).remove("stage")),
            "bad dev.pxebus.boot.dhcp data in event " + DHCP_ID + ": stage is missing"),
        bad("boot step without MAC", dhcp(j -> data(j).remove("mac")),
            "bad dev.pxebus.boot.dhcp data in event " + DHCP_ID + ": MAC address is missing"),
        bad("boot step with a bad MAC", dhcp(j -> data(j).put("mac", "52:54:00:12:34")),
            "bad dev.pxebus.boot.dhcp data in event " + DHCP_ID + ": not a MAC address"),
        bad("xid not a number", dhcp(j -> data(j).put("xid", "0x38d7aa46")),
            "bad dev.pxebus.boot.dhcp data in event " + DHCP_ID + ": Cannot deserialize value of type `long`"),
        bad("lease without state", mutate(EventType.LEASE, j -> data(j).remove("state")),
            "bad dev.pxebus.dhcp.lease data in event " + EventExamples.of(EventType.LEASE).id()
                + ": lease state is missing"),
        // a readable record in an envelope that breaks the rules
        bad("boot step without bootattempt", dhcp(j -> j.remove("bootattempt")),
            "invalid event " + DHCP_ID + ": a boot-step event needs a boot-attempt id: dev.pxebus.boot.dhcp for "
                + EventExamples.MAC),
        bad("subject is another MAC", dhcp(j -> j.put("subject", "52:54:00:aa:bb:cc")),
            "invalid event " + DHCP_ID + ": subject '52:54:00:aa:bb:cc' is not the key '" + EventExamples.MAC
                + "' of its dev.pxebus.boot.dhcp payload"),
        bad("subject is the MAC in another spelling", dhcp(j -> j.put("subject", "52-54-00-12-34-56")),
            "invalid event " + DHCP_ID + ": subject '52-54-00-12-34-56' is not the key"),
        bad("type names another record", dhcp(j -> j.put("type", EventType.TFTP_TRANSFER.type())),
            "bad dev.pxebus.boot.tftp data in event " + DHCP_ID + ": stage DHCP_ACK is a DHCP stage, not TFTP"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedRecordIsRejectedWithItsReason(String name, byte[] bytes, String expected) {
    EventDecodeException e = assertThrows(EventDecodeException.class, () -> codec.decode(bytes));
    assertTrue(e.getMessage().startsWith(expected), () -> "want '" + expected + "…', got '" + e.getMessage() + "'");
  }

  @Test
  void wrongExpectedClassIsRejected() {
    byte[] dhcp = EventExamples.encoded(EventType.DHCP_STEP);
    EventDecodeException e = assertThrows(EventDecodeException.class, () -> codec.decode(dhcp, LeaseEvent.class));
    assertEquals("event type dev.pxebus.boot.dhcp is not a LeaseEvent", e.getMessage());
  }

  @Test
  void anyBootStepIsReadFromTheBootTopic() throws EventDecodeException {
    Envelope<BootStepEvent> e =
        codec.decode(EventExamples.encoded(EventType.DHCP_STEP), Topics.BOOT_EVENTS.valueType());
    assertEquals(EventExamples.of(EventType.DHCP_STEP), e);
    Envelope<DhcpStepEvent> exact = codec.decode(EventExamples.encoded(EventType.DHCP_STEP), DhcpStepEvent.class);
    assertEquals(0x38d7aa46L, exact.data().xid());
  }

  @Test
  void unknownDataFieldsAreIgnored() throws EventDecodeException {
    // A newer writer added fields (a scalar, an object, an array); this reader must still read the record.
    byte[] newer = mutate(EventType.DHCP_STEP, j -> {
      ObjectNode d = data(j);
      d.put("circuitId", "eth0:100");
      d.putObject("option82").put("remoteId", "sw-1").putArray("suboptions").add(1).add(2);
      d.putArray("paramRequestList").add(1).add(3).add(6).add(67);
    });
    assertEquals(EventExamples.of(EventType.DHCP_STEP), codec.decode(newer));
  }

  @Test
  void unknownFieldsInNestedRecordsAreIgnored() throws EventDecodeException {
    byte[] newer = mutate(EventType.IMAGE, j -> ((ObjectNode) data(j).get("kernel")).put("mediaType", "application/x-linux"));
    assertEquals(EventExamples.of(EventType.IMAGE), codec.decode(newer));
  }

  @Test
  void unknownExtensionsAreIgnored() throws EventDecodeException {
    // e.g. W3C trace context added by an instrumented producer
    byte[] traced = dhcp(j -> j.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    assertEquals(EventExamples.of(EventType.DHCP_STEP), codec.decode(traced));
  }

  @Test
  void olderWriterWithoutANewerFieldIsRead() throws EventDecodeException {
    // A field this reader knows but an older writer did not send reads as null (or 0 for a primitive).
    HostEvent host = (HostEvent) codec.decode(mutate(EventType.HOST, j -> data(j).remove("reservedIp"))).data();
    assertEquals(null, host.reservedIp());
    assertEquals(EventExamples.MAC, host.mac());
  }

  @Test
  void schemaVersionAsAStringIsRead() throws EventDecodeException {
    // Other CloudEvents SDKs may write extension values as strings.
    assertEquals(EventExamples.of(EventType.DHCP_STEP), codec.decode(dhcp(j -> j.put("schemaversion", "1"))));
  }

  @Test
  void base64DataIsRead() throws EventDecodeException {
    // A producer that sends data as bytes (data_base64) instead of inline JSON still produces a readable record.
    byte[] b64 = dhcp(j -> {
      byte[] data = j.get("data").toString().getBytes(UTF_8);
      j.remove("data");
      j.remove("datacontenttype");
      j.put("data_base64", java.util.Base64.getEncoder().encodeToString(data));
    });
    assertEquals(EventExamples.of(EventType.DHCP_STEP), codec.decode(b64));
  }

  @Test
  void nonCanonicalMacInDataIsCanonicalised() throws EventDecodeException {
    // The subject must already be canonical; the MAC inside the payload is normalised by the record.
    Envelope<PxebusEvent> e = codec.decode(dhcp(j -> data(j).put("mac", "52-54-00-12-34-56")));
    assertEquals(EventExamples.of(EventType.DHCP_STEP), e);
  }

  private static Arguments bad(String name, byte[] bytes, String expected) {
    return Arguments.of(name, bytes, expected);
  }

  private static byte[] dhcp(Consumer<ObjectNode> change) {
    return mutate(EventType.DHCP_STEP, change);
  }

  private static ObjectNode data(ObjectNode event) {
    return (ObjectNode) event.get("data");
  }

  private static byte[] mutate(EventType type, Consumer<ObjectNode> change) {
    ObjectNode json = (ObjectNode) EventExamples.tree(type);
    change.accept(json);
    try {
      return JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] prefix(EventType type, int length) {
    byte[] all = EventExamples.encoded(type);
    return java.util.Arrays.copyOf(all, length);
  }
}
