package dev.pxebus.events.catalog;

import dev.pxebus.events.PxebusEvent;
import java.time.Instant;
import java.util.Map;

/**
 * A group: selectors (keys {@code mac}, {@code arch}, {@code uuid}, {@code label.<name>}) mapped to a profile.
 * The most specific matching group wins; a group with no selector is the default.
 * Value of {@code pxebus.catalog.groups}, keyed by id.
 */
public record GroupEvent(
    String id, String name, String profile, Map<String, String> selector, long revision, Instant updated)
    implements PxebusEvent {

  public GroupEvent {
    selector = selector == null ? Map.of() : Map.copyOf(selector);
  }

  @Override
  public String key() {
    return id;
  }
}
