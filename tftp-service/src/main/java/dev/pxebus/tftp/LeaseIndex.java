package dev.pxebus.tftp;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.lease.LeaseState;
import dev.pxebus.runtime.ServiceHost;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which client holds which address: TFTP only sees an IP, events and menus want the MAC. The lease topic says it
 * for the leases dhcp-service hands out (server mode), rebuilt from the compacted topic on start. A proxyDHCP
 * segment has no leases of ours (the router's DHCP server hands out the addresses), so the addresses machines
 * were seen to take in DHCP steps on the boot-events topic ({@link #observedIp}) answer where no lease does; a
 * lease always wins. Readable from any event loop.
 */
final class LeaseIndex {
  private final Map<String, LeaseEvent> byMac = new ConcurrentHashMap<>();
  private final Map<String, LeaseEvent> byIp = new ConcurrentHashMap<>();
  /** Address → MAC, the latest DHCP step naming that address. */
  private final Map<String, String> observed = new ConcurrentHashMap<>();

  LeaseIndex(ServiceHost host) {
    host.subscribe(Topics.DHCP_LEASES, null, this::apply);
    host.subscribe(Topics.BOOT_EVENTS, null, (mac, envelope, offset) -> observe(envelope));
  }

  private void observe(Envelope<BootStepEvent> envelope) {
    if (envelope == null || !(envelope.data() instanceof DhcpStepEvent step)) return;
    observedIp(step).ifPresent(ip -> observed.put(ip, step.mac()));
  }

  /**
   * The address a DHCP step shows its machine taking: the one a DHCPACK of ours gives, the one a client asks for or
   * holds in a DHCPREQUEST (to any server: in proxy mode the router's), or states to the boot server (PROXY_ACK's
   * client address, DHCPINFORM). Empty for steps that name none, and for 0.0.0.0.
   */
  static Optional<String> observedIp(DhcpStepEvent step) {
    String ip = switch (step.stage()) {
      case DHCP_ACK -> step.yourIp();
      case DHCP_REQUEST, DHCP_INFORM, PROXY_ACK -> step.clientIp();
      default -> null;
    };
    return ip == null || ip.isBlank() || ip.equals("0.0.0.0") ? Optional.empty() : Optional.of(ip);
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

  /** The MAC at {@code ip}: its lease's, else the machine last seen taking that address. */
  Optional<String> macOf(String ip) {
    Optional<String> leased = byIp(ip).map(LeaseEvent::mac);
    return leased.isPresent() || ip == null ? leased : Optional.ofNullable(observed.get(ip));
  }
}
