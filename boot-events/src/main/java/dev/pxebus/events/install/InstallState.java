package dev.pxebus.events.install;

import dev.pxebus.events.Mac;
import dev.pxebus.events.PxebusEvent;
import java.time.Instant;

/**
 * A machine's latest installation report, the value of the compacted {@code pxebus.boot.installs} topic (one per
 * MAC, kept as long as the topic: not subject to the boot events' retention). menu-service writes it when the
 * installed system calls back, next to the {@code InstalledEvent} step on the boot events, and reads it on every
 * start: boot once depends on it, so a machine that reported its installation keeps booting from its local disk
 * after a restart, however long ago the report was, until its host entry is written again.
 *
 * @param installedAt when menu-service received the report
 * @param profile the profile the machine had been given to install, as menu-service saw it; null if none
 * @param clientIp the address the callback came from
 */
public record InstallState(String mac, Instant installedAt, String profile, String clientIp) implements PxebusEvent {

  public InstallState {
    mac = Mac.canonical(mac);
    if (installedAt == null) throw new IllegalArgumentException("installedAt is missing");
  }

  @Override
  public String key() {
    return mac;
  }
}
