package dev.pxebus.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.jackson.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Events on the wire: a CloudEvents 1.0 JSON document (structured mode) whose {@code data} is the
 * Jackson-serialised payload record. Pure: bytes in, records out. Thread-safe.
 */
public final class EventCodec {
  /** CloudEvents extension carrying the boot-attempt id. */
  public static final String EXT_BOOT_ATTEMPT = "bootattempt";
  /** CloudEvents extension carrying {@link Envelope#schemaVersion()}. */
  public static final String EXT_SCHEMA_VERSION = "schemaversion";
  public static final String CONTENT_TYPE = "application/json";

  private static final EventCodec INSTANCE = new EventCodec();

  private final ObjectMapper mapper;
  private final JsonFormat format = new JsonFormat();

  private EventCodec() {
    mapper = new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        // Records copy their maps with Map.copyOf, whose iteration order changes from one JVM run to the next:
        // sorted keys make the same event the same bytes (golden files, docs, dedup by content).
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        // Fields are added to the contract, never reused: a reader ignores what a newer writer added.
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .setSerializationInclusion(JsonInclude.Include.NON_NULL);
  }

  public static EventCodec get() {
    return INSTANCE;
  }

  /** The mapper used for payloads (also handy for rendering events as JSON). */
  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * The structured-mode CloudEvents JSON of an envelope. Written in one pass with a Jackson generator, in the order
   * and form the CloudEvents SDK's {@code JsonFormat} writes (specversion, id, source, type, datacontenttype,
   * subject, time, bootattempt, schemaversion, data; the time as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} in
   * UTC, see {@link #rfc3339}), byte for byte: {@code EventCodecSdkParityTest} compares the two. The SDK's builder (URI and time objects,
   * the payload serialised first and copied in) cost a busy DHCP server more CPU than the rest of an exchange.
   */
  public byte[] encode(Envelope<?> envelope) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("specversion", SpecVersion.V1.toString());
      g.writeStringField("id", envelope.id());
      g.writeStringField("source", envelope.source());
      g.writeStringField("type", envelope.type().type());
      g.writeStringField("datacontenttype", CONTENT_TYPE);
      g.writeStringField("subject", envelope.subject());
      g.writeStringField("time", rfc3339(envelope.time()));
      if (envelope.bootAttemptId() != null) g.writeStringField(EXT_BOOT_ATTEMPT, envelope.bootAttemptId());
      g.writeNumberField(EXT_SCHEMA_VERSION, envelope.schemaVersion());
      g.writeFieldName("data");
      mapper.writeValue(g, envelope.data());
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise " + envelope.type().type() + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * {@code ISO_OFFSET_DATE_TIME} of the instant in UTC, as the SDK writes it: seconds always, the fraction only when
   * not zero and without trailing zeros, {@code Z}. Written by hand for years 0–9999 (the formatter took a third of
   * the encoding's CPU); other years go through the formatter.
   */
  static String rfc3339(Instant t) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
    int year = d.getYear();
    if (year < 0 || year > 9999) {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }
    StringBuilder b = new StringBuilder(30);
    digits(b, year, 4).append('-');
    digits(b, d.getMonthValue(), 2).append('-');
    digits(b, d.getDayOfMonth(), 2).append('T');
    digits(b, d.getHour(), 2).append(':');
    digits(b, d.getMinute(), 2).append(':');
    digits(b, d.getSecond(), 2);
    int nano = d.getNano();
    if (nano != 0) {
      int width = 9;
      while (nano % 10 == 0) {
        nano /= 10;
        width--;
      }
      digits(b.append('.'), nano, width);
    }
    return b.append('Z').toString();
  }

  /** Appends {@code value} zero-padded to {@code width} digits (value has at most that many). */
  private static StringBuilder digits(StringBuilder b, int value, int width) {
    int at = b.length();
    for (int i = 0; i < width; i++, value /= 10) {
      b.insert(at, (char) ('0' + value % 10));
    }
    return b;
  }

  /** Decodes any pxebus event. */
  public Envelope<PxebusEvent> decode(byte[] bytes) throws EventDecodeException {
    return decode(bytes, PxebusEvent.class);
  }

  /** Decodes an event that must be of the given payload type (e.g. the value type of the topic it came from). */
  @SuppressWarnings("unchecked")
  public <T extends PxebusEvent> Envelope<T> decode(byte[] bytes, Class<T> expected) throws EventDecodeException {
    if (bytes == null || bytes.length == 0) throw new EventDecodeException("empty record value");
    CloudEvent ce;
    try {
      ce = format.deserialize(bytes);
    } catch (RuntimeException e) {
      throw new EventDecodeException("not a CloudEvents JSON document: " + rootMessage(e), e);
    }
    // The JSON literal null deserialises to no event at all rather than failing.
    if (ce == null) throw new EventDecodeException("not a CloudEvents JSON document: the JSON value null");
    if (ce.getSpecVersion() != SpecVersion.V1) {
      throw new EventDecodeException("unsupported CloudEvents specversion " + ce.getSpecVersion());
    }
    EventType type = EventType.ofType(ce.getType())
        .orElseThrow(() -> new EventDecodeException("unknown event type '" + ce.getType() + "'"));
    if (!expected.isAssignableFrom(type.recordClass())) {
      throw new EventDecodeException("event type " + type.type() + " is not a " + expected.getSimpleName());
    }
    int version = intExtension(ce, EXT_SCHEMA_VERSION);
    if (version > Envelope.SCHEMA_VERSION) {
      throw new EventDecodeException("schema version " + version + " of " + type.type()
          + " is newer than the " + Envelope.SCHEMA_VERSION + " this service reads");
    }
    if (ce.getTime() == null) throw new EventDecodeException("event " + ce.getId() + " has no time");
    if (ce.getSubject() == null) throw new EventDecodeException("event " + ce.getId() + " has no subject");
    CloudEventData data = ce.getData();
    if (data == null) throw new EventDecodeException("event " + ce.getId() + " has no data");
    T payload;
    try {
      payload = (T) mapper.readValue(data.toBytes(), type.recordClass());
    } catch (IOException | RuntimeException e) {
      throw new EventDecodeException("bad " + type.type() + " data in event " + ce.getId() + ": " + rootMessage(e), e);
    }
    // "data": null (or data_base64 of the text null) reads as no record rather than failing.
    if (payload == null) throw new EventDecodeException("event " + ce.getId() + " has null data");
    Object attempt = ce.getExtension(EXT_BOOT_ATTEMPT);
    try {
      return new Envelope<>(ce.getId(), ce.getSource().toString(), type, ce.getTime().toInstant(), ce.getSubject(),
          attempt == null ? null : attempt.toString(), version, payload);
    } catch (IllegalArgumentException e) {
      throw new EventDecodeException("invalid event " + ce.getId() + ": " + e.getMessage(), e);
    }
  }

  private static int intExtension(CloudEvent ce, String name) throws EventDecodeException {
    Object v = ce.getExtension(name);
    if (v == null) throw new EventDecodeException("event " + ce.getId() + " has no " + name + " extension");
    if (v instanceof Number n) return n.intValue();
    try {
      return Integer.parseInt(v.toString());
    } catch (NumberFormatException e) {
      throw new EventDecodeException("event " + ce.getId() + " has a non-numeric " + name + ": " + v);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = t.getMessage();
    if (m == null) return t.getClass().getSimpleName();
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }
}
