package dev.pxebus.menu.select;

import dev.pxebus.catalog.spec.HostSpec;

/**
 * Whether a boot-once host has finished its install. The I/O layer answers it from the "installed" signals it has
 * seen newer than the host's last update (so re-writing the host re-arms boot once); the planner only asks, and only
 * about hosts flagged {@link HostSpec#bootOnce()}.
 */
@FunctionalInterface
public interface BootOnce {
  /** No host has reported an install: every boot-once host still gets its install entry. */
  BootOnce NOTHING_INSTALLED = host -> false;

  boolean installed(HostSpec host);
}
