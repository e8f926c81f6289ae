package dev.pxebus.catalog.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.catalog.GroupEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.events.catalog.ProfileEvent;
import java.time.Instant;

/**
 * A catalog entity as an operator writes it, parsed, normalised and valid: a spec cannot be constructed otherwise
 * (every constructor validates and throws {@link ValidationException}). Its event form adds the revision and time.
 */
public sealed interface CatalogSpec permits ImageSpec, ProfileSpec, HostSpec, GroupSpec {

  EntityKind kind();

  /** The key on its compacted topic: the id, or a host's canonical MAC. */
  String key();

  /** The document form, exactly what {@code parse} accepts: {@code parse(toJson())} is this spec. */
  ObjectNode toJson();

  PxebusEvent toEvent(long revision, Instant updated);

  /**
   * The spec of a record read from the {@code kind}'s topic under {@code key}: validated as {@link #fromEvent}, and
   * refused when it is another kind or another key than the record's (a consumer skips such a record).
   *
   * @throws ValidationException for an invalid entity, {@link IllegalArgumentException} for a misplaced one
   */
  static CatalogSpec fromRecord(EntityKind kind, String key, PxebusEvent event) {
    CatalogSpec spec = fromEvent(event);
    if (spec.kind() != kind || !spec.key().equals(key)) {
      throw new IllegalArgumentException("a " + spec.kind() + " " + spec.key() + " under key " + key);
    }
    return spec;
  }

  /** The spec of a catalog event, validated as if an operator had written it (a consumer skips one that fails). */
  static CatalogSpec fromEvent(PxebusEvent event) {
    if (event instanceof ImageEvent e) return ImageSpec.fromEvent(e);
    if (event instanceof ProfileEvent e) return ProfileSpec.fromEvent(e);
    if (event instanceof HostEvent e) return HostSpec.fromEvent(e);
    if (event instanceof GroupEvent e) return GroupSpec.fromEvent(e);
    throw ValidationException.of("", ErrorCode.WRONG_TYPE,
        "not a catalog event: " + (event == null ? "null" : event.getClass().getSimpleName()));
  }
}
