package dev.pxebus.events;

import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.HttpFileEvent;
import dev.pxebus.events.boot.InstalledEvent;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.catalog.GroupEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.events.catalog.ProfileEvent;
import dev.pxebus.events.install.InstallState;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.replica.TftpReplicaEvent;
import java.util.Optional;

/** The CloudEvents {@code type} of every payload record, and the one service that produces it. */
public enum EventType {
  IMAGE("dev.pxebus.catalog.image", ImageEvent.class, "catalog-service"),
  PROFILE("dev.pxebus.catalog.profile", ProfileEvent.class, "catalog-service"),
  HOST("dev.pxebus.catalog.host", HostEvent.class, "catalog-service"),
  GROUP("dev.pxebus.catalog.group", GroupEvent.class, "catalog-service"),
  LEASE("dev.pxebus.dhcp.lease", LeaseEvent.class, "dhcp-service"),
  DHCP_STEP("dev.pxebus.boot.dhcp", DhcpStepEvent.class, "dhcp-service"),
  TFTP_TRANSFER("dev.pxebus.boot.tftp", TftpTransferEvent.class, "tftp-service"),
  HTTP_FILE("dev.pxebus.boot.http", HttpFileEvent.class, "tftp-service"),
  MENU_RENDERED("dev.pxebus.boot.menu", MenuRenderedEvent.class, "menu-service"),
  INSTALLED("dev.pxebus.boot.installed", InstalledEvent.class, "menu-service"),
  INSTALL_STATE("dev.pxebus.boot.install-state", InstallState.class, "menu-service"),
  TFTP_REPLICA("dev.pxebus.tftp.replica", TftpReplicaEvent.class, "tftp-service");

  private final String type;
  private final Class<? extends PxebusEvent> recordClass;
  private final String producer;

  EventType(String type, Class<? extends PxebusEvent> recordClass, String producer) {
    this.type = type;
    this.recordClass = recordClass;
    this.producer = producer;
  }

  /** The CloudEvents {@code type} attribute. */
  public String type() {
    return type;
  }

  public Class<? extends PxebusEvent> recordClass() {
    return recordClass;
  }

  public String producer() {
    return producer;
  }

  /** The topic this event travels on. */
  public Topic<?> topic() {
    return Topics.all().stream().filter(t -> t.valueType().isAssignableFrom(recordClass)).findFirst().orElseThrow();
  }

  public static Optional<EventType> ofType(String type) {
    for (EventType t : values()) {
      if (t.type.equals(type)) return Optional.of(t);
    }
    return Optional.empty();
  }

  public static EventType of(PxebusEvent event) {
    for (EventType t : values()) {
      if (t.recordClass == event.getClass()) return t;
    }
    throw new IllegalArgumentException("no event type for " + event.getClass().getName());
  }
}
