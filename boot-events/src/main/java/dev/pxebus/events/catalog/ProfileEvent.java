package dev.pxebus.events.catalog;

import dev.pxebus.events.PxebusEvent;
import java.time.Instant;

/** A profile: an image plus command-line overrides and a menu label. Value of {@code pxebus.catalog.profiles}. */
public record ProfileEvent(
    String id, String image, String cmdline, String menuLabel, long revision, Instant updated) implements PxebusEvent {

  @Override
  public String key() {
    return id;
  }
}
