package dev.pxebus.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.replica.TftpReplicaEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link EventCodec#encode} writes its JSON itself; the CloudEvents SDK's {@link JsonFormat} is the reference it must
 * match byte for byte, so that every reader (kcat, an SDK in another language, events written by an older pxebus)
 * sees one wire form.
 */
class EventCodecSdkParityTest {
  private static final JsonFormat SDK = new JsonFormat();

  /** The SDK's structured-mode encoding of an envelope, with the payload serialised by pxebus' mapper. */
  private static byte[] sdk(Envelope<?> e) throws Exception {
    CloudEventBuilder b = CloudEventBuilder.v1()
        .withId(e.id())
        .withSource(URI.create(e.source()))
        .withType(e.type().type())
        .withTime(OffsetDateTime.ofInstant(e.time(), ZoneOffset.UTC))
        .withSubject(e.subject())
        .withExtension(EventCodec.EXT_SCHEMA_VERSION, e.schemaVersion())
        .withData(EventCodec.CONTENT_TYPE, EventCodec.get().mapper().writeValueAsBytes(e.data()));
    if (e.bootAttemptId() != null) b.withExtension(EventCodec.EXT_BOOT_ATTEMPT, e.bootAttemptId());
    return SDK.serialize(b.build());
  }

  private static void assertSameBytes(Envelope<?> e) throws Exception {
    assertEquals(new String(sdk(e), StandardCharsets.UTF_8),
        new String(EventCodec.get().encode(e), StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void everyExampleEncodesAsTheSdkDoes(EventType type) throws Exception {
    assertSameBytes(EventExamples.of(type));
  }

  static Stream<Instant> times() {
    // Whole seconds, a fraction with trailing zeros, micro- and nanoseconds, a leap-year date before 2000, midnight,
    // the years with the fewest and most digits written by hand, and years beyond them (the formatter's).
    return Stream.of("2025-05-06T08:15:30Z", "2025-05-06T08:15:30.480Z", "2025-05-06T08:15:30.000001Z",
        "2025-05-06T08:15:30.123456789Z", "1996-02-29T23:59:59.9Z", "2030-01-01T00:00:00.000000001Z",
        "0000-01-01T00:00:00Z", "0999-12-31T23:59:59.1Z", "9999-12-31T23:59:59.999999999Z",
        "+10000-01-01T00:00:00Z", "-0001-06-15T12:00:00.5Z", "1970-01-01T00:00:00Z").map(Instant::parse);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("times")
  void timesAreFormattedAsTheSdkDoes(Instant t) throws Exception {
    assertSameBytes(new Envelope<>("r-1", EventExamples.TFTP_SOURCE, EventType.TFTP_REPLICA, t, "tftp-1", null,
        Envelope.SCHEMA_VERSION, new TftpReplicaEvent("tftp-1", "lab-1", "10.213.0.1", 69, null, 0, 0, true, t)));
  }

  static List<String> awkwardStrings() {
    return List.of("quote \" and backslash \\", "tab\tnewline\ncontrol\u0001", "é ü ß 中文 \uD83D\uDE80",
        "</script>", "");
  }

  @ParameterizedTest
  @MethodSource("awkwardStrings")
  void stringsAreEscapedAsTheSdkDoes(String s) throws Exception {
    DhcpStepEvent step = new DhcpStepEvent(EventExamples.MAC, BootStage.DHCP_DISCOVER, 0xFFFFFFFFL, null, null, null,
        null, s, 7, null, s, null, null, null);
    assertSameBytes(new Envelope<>("id " + s, "/pxebus/dhcp-service/" + "host-1", EventType.of(step),
        EventExamples.BOOT_TIME, EventExamples.MAC, "attempt " + s, Envelope.SCHEMA_VERSION, step));
  }

  @ParameterizedTest(name = "schema version {0}")
  @MethodSource("schemaVersions")
  void schemaVersionsAreNumbersAsTheSdkWritesThem(int version) throws Exception {
    Envelope<?> ex = EventExamples.of(EventType.HOST);
    assertSameBytes(new Envelope<>(ex.id(), ex.source(), ex.type(), ex.time(), ex.subject(), null, version, ex.data()));
  }

  static Stream<Integer> schemaVersions() {
    return Stream.of(1, 2, Integer.MAX_VALUE);
  }
}
