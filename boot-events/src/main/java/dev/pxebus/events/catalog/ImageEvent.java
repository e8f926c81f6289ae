package dev.pxebus.events.catalog;

import dev.pxebus.events.PxebusEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A boot image as catalog-service holds it. Value of {@code pxebus.catalog.images}, keyed by id. */
public record ImageEvent(
    String id,
    String name,
    String version,
    String arch,
    Artifact kernel,
    List<Artifact> initrds,
    String cmdline,
    Map<String, String> labels,
    long revision,
    Instant updated) implements PxebusEvent {

  public ImageEvent {
    initrds = initrds == null ? List.of() : List.copyOf(initrds);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  @Override
  public String key() {
    return id;
  }
}
