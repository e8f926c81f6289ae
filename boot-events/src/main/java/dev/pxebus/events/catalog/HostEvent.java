package dev.pxebus.events.catalog;

import dev.pxebus.events.Mac;
import dev.pxebus.events.PxebusEvent;
import java.time.Instant;
import java.util.Map;

/** A known machine. Value of {@code pxebus.catalog.hosts}, keyed by canonical MAC. */
public record HostEvent(
    String mac,
    String hostname,
    Map<String, String> labels,
    String reservedIp,
    String profile,
    boolean bootOnce,
    long revision,
    Instant updated) implements PxebusEvent {

  public HostEvent {
    mac = Mac.canonical(mac);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  @Override
  public String key() {
    return mac;
  }
}
