package dev.pxebus.tftp;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.Topics;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.lease.LeaseState;
import dev.pxebus.runtime.ServiceHost;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which client holds which address, from the lease topic: TFTP only sees an IP, events and menus want the MAC.
 * Rebuilt from the compacted topic on start; readable from any event loop.
 */
final class LeaseIndex {
  private final Map<String, LeaseEvent> byMac = new ConcurrentHashMap<>();
  private final Map<String, LeaseEvent> byIp = new ConcurrentHashMap<>();

  LeaseIndex(ServiceHost host) {
    host.subscribe(Topics.DHCP_LEASES, null, this::apply);
  }

  private void apply(String mac, Envelope<LeaseEvent> envelope, long offset) {
    LeaseEvent old = byMac.remove(mac);
    if (old != null && old.ip() != null) byIp.remove(old.ip(), old);
    if (envelope == null) return;
    LeaseEvent lease = envelope.data();
    byMac.put(mac, lease);
    if (lease.state() == LeaseState.BOUND && lease.ip() != null) byIp.put(lease.ip(), lease);
  }

  Optional<LeaseEvent> byIp(String ip) {
    return Optional.ofNullable(byIp.get(ip));
  }

  Optional<String> macOf(String ip) {
    return byIp(ip).map(LeaseEvent::mac);
  }
}
