package dev.pxebus.events;

import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.catalog.GroupEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.events.catalog.ProfileEvent;
import dev.pxebus.events.install.InstallState;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.replica.TftpReplicaEvent;
import java.util.List;
import java.util.Optional;

/** The registry of every pxebus topic. No other code spells a topic name. */
public final class Topics {
  private Topics() {}

  public static final Topic<ImageEvent> CATALOG_IMAGES = new Topic<>("pxebus.catalog.images", KeyKind.ENTITY_ID,
      ImageEvent.class, Cleanup.COMPACT, 1, "catalog-service", "boot images; latest value per image id, tombstone = deleted");
  public static final Topic<ProfileEvent> CATALOG_PROFILES = new Topic<>("pxebus.catalog.profiles", KeyKind.ENTITY_ID,
      ProfileEvent.class, Cleanup.COMPACT, 1, "catalog-service", "profiles (an image plus overrides); tombstone = deleted");
  public static final Topic<HostEvent> CATALOG_HOSTS = new Topic<>("pxebus.catalog.hosts", KeyKind.MAC,
      HostEvent.class, Cleanup.COMPACT, 1, "catalog-service", "known machines by MAC; tombstone = deleted");
  public static final Topic<GroupEvent> CATALOG_GROUPS = new Topic<>("pxebus.catalog.groups", KeyKind.ENTITY_ID,
      GroupEvent.class, Cleanup.COMPACT, 1, "catalog-service", "groups: selectors mapped to a profile; tombstone = deleted");
  public static final Topic<LeaseEvent> DHCP_LEASES = new Topic<>("pxebus.dhcp.leases", KeyKind.MAC,
      LeaseEvent.class, Cleanup.COMPACT, 3, "dhcp-service", "current lease state per client MAC");
  public static final Topic<BootStepEvent> BOOT_EVENTS = new Topic<>("pxebus.boot.events", KeyKind.MAC,
      BootStepEvent.class, Cleanup.RETAINED, 6, "dhcp-service, tftp-service, menu-service (each its own event types)",
      "one event per boot step, keyed by client MAC, with a boot-attempt id in the envelope");
  public static final Topic<InstallState> BOOT_INSTALLS = new Topic<>("pxebus.boot.installs", KeyKind.MAC,
      InstallState.class, Cleanup.COMPACT, 1, "menu-service",
      "latest installation report per client MAC (boot once), kept beyond the boot events' retention");
  public static final Topic<TftpReplicaEvent> TFTP_REPLICAS = new Topic<>("pxebus.tftp.replicas", KeyKind.REPLICA_ID,
      TftpReplicaEvent.class, Cleanup.COMPACT, 1, "tftp-service", "replica announcements: address and load, every few seconds");

  private static final List<Topic<?>> ALL =
      List.of(CATALOG_IMAGES, CATALOG_PROFILES, CATALOG_HOSTS, CATALOG_GROUPS, DHCP_LEASES, BOOT_EVENTS, BOOT_INSTALLS,
          TFTP_REPLICAS);

  public static List<Topic<?>> all() {
    return ALL;
  }

  public static Optional<Topic<?>> byName(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The topic a value of this type belongs on. */
  @SuppressWarnings("unchecked")
  public static <T extends PxebusEvent> Topic<? super T> of(T event) {
    for (Topic<?> t : ALL) {
      if (t.valueType().isInstance(event)) return (Topic<? super T>) t;
    }
    throw new IllegalArgumentException("no topic carries " + event.getClass().getName());
  }
}
