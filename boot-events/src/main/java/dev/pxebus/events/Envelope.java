package dev.pxebus.events;

import dev.pxebus.events.boot.BootStepEvent;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A payload in its CloudEvents 1.0 envelope.
 *
 * @param id unique event id (CloudEvents {@code id})
 * @param source the emitting service instance, e.g. {@code /pxebus/dhcp-service/lab-1} (CloudEvents {@code source})
 * @param type what the payload is (CloudEvents {@code type})
 * @param time when it happened (CloudEvents {@code time})
 * @param subject the record key: client MAC for machine events, entity or replica id otherwise; always equal to
 *     {@code data.key()}
 * @param bootAttemptId joins the steps of one boot across services (extension {@code bootattempt}); boot-step
 *     events only, may be null elsewhere
 * @param schemaVersion the contract version the payload was written with (extension {@code schemaversion}), >= 1
 */
public record Envelope<T extends PxebusEvent>(
    String id, String source, EventType type, Instant time, String subject, String bootAttemptId, int schemaVersion,
    T data) {

  /** Version of the payload contract written by this code. Bumped only for an incompatible change. */
  public static final int SCHEMA_VERSION = 1;

  /** The last source that parsed as a URI reference (a benign race: at worst one is parsed twice). */
  private static volatile String lastValidSource;

  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(data, "data");
    // CloudEvents 1.0 §3.1.1: id is a non-empty string, source a non-empty URI-reference. Checked here so that a
    // bad envelope fails where it is built, not later inside encode().
    if (id.isBlank()) throw new IllegalArgumentException("id is blank");
    if (source.isEmpty()) throw new IllegalArgumentException("source is empty");
    // A process writes one source on every event: parse it once (a DHCP server builds five envelopes an exchange).
    if (!source.equals(lastValidSource)) {
      try {
        URI.create(source);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("source is not a URI reference: '" + source + "'", e);
      }
      lastValidSource = source;
    }
    if (schemaVersion < 1) throw new IllegalArgumentException("schema version must be >= 1: " + schemaVersion);
    if (type.recordClass() != data.getClass()) {
      throw new IllegalArgumentException("type " + type.type() + " does not carry " + data.getClass().getSimpleName());
    }
    // The subject is the Kafka key: if it disagreed with the payload, compaction would keep (or a tombstone
    // delete) the state of a different machine or entity than the one the payload describes.
    if (!subject.equals(data.key())) {
      throw new IllegalArgumentException("subject '" + subject + "' is not the key '" + data.key() + "' of its "
          + type.type() + " payload");
    }
    if (data instanceof BootStepEvent && (bootAttemptId == null || bootAttemptId.isBlank())) {
      throw new IllegalArgumentException("a boot-step event needs a boot-attempt id: " + type.type() + " for " + subject);
    }
  }

  /** A new envelope for a catalog, lease or replica event, now. */
  public static <T extends PxebusEvent> Envelope<T> of(String source, T data) {
    return new Envelope<>(newId(), source, EventType.of(data), now(), data.key(), null,
        SCHEMA_VERSION, data);
  }

  /** A new envelope for a boot step, now, within the given boot attempt. */
  public static <T extends BootStepEvent> Envelope<T> of(String source, T data, String bootAttemptId) {
    return new Envelope<>(newId(), source, EventType.of(data), now(), data.key(), bootAttemptId,
        SCHEMA_VERSION, data);
  }

  /** The topic this envelope is published on. */
  @SuppressWarnings("unchecked")
  public Topic<? super T> topic() {
    return (Topic<? super T>) type.topic();
  }

  /** The Kafka record key. */
  public String key() {
    return subject;
  }

  /**
   * A new event id: a random (version 4) UUID. CloudEvents asks ids to be unique per source, not unguessable, so the
   * 122 random bits come from {@link ThreadLocalRandom} rather than {@link UUID#randomUUID()}'s SecureRandom, which
   * locks and hashes on every call (six times per DHCP exchange, on the event loop).
   */
  public static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  private static Instant now() {
    // CloudEvents times are RFC 3339; microseconds are plenty and keep the JSON short.
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
