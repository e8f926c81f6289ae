package dev.pxebus.catalog.spec;

import dev.pxebus.events.Mac;
import java.util.Map;

/**
 * A machine asking to boot, as group selection sees it.
 *
 * @param mac its hardware address (any spelling {@link Mac} accepts; normalised)
 * @param arch from DHCP option 93 ({@link ClientArch#fromOption93}); null when unknown
 * @param uuid from DHCP option 97 or iPXE's {@code ${uuid}}, normalised; null when absent, unparseable or the
 *     nil/all-ones placeholder firmware sends when it has none (firmware input is tolerated, not refused)
 * @param labels its host entry's labels; empty when it has none
 * @throws IllegalArgumentException when {@code mac} is not a MAC address
 */
public record Machine(String mac, ClientArch arch, String uuid, Map<String, String> labels) {
  public Machine {
    mac = Mac.canonical(mac);
    uuid = Check.uuidOrNull(uuid);
    if (Check.NIL_UUID.equals(uuid) || Check.MAX_UUID.equals(uuid)) uuid = null;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A machine with its host entry's labels. */
  public static Machine of(String mac, ClientArch arch, String uuid, HostSpec host) {
    return new Machine(mac, arch, uuid, host == null ? Map.of() : host.labels());
  }
}
