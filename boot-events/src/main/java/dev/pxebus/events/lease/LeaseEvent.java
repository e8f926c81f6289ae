package dev.pxebus.events.lease;

import dev.pxebus.events.Mac;
import dev.pxebus.events.PxebusEvent;
import java.time.Instant;

/** Current lease of a client. Value of the compacted {@code pxebus.dhcp.leases}, keyed by canonical MAC. */
public record LeaseEvent(
    String mac,
    String clientId,
    String ip,
    LeaseState state,
    String subnet,
    String hostname,
    Instant start,
    Instant expires,
    String server) implements PxebusEvent {

  public LeaseEvent {
    mac = Mac.canonical(mac);
    if (state == null) throw new IllegalArgumentException("lease state is missing");
  }

  @Override
  public String key() {
    return mac;
  }
}
