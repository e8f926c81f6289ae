package dev.pxebus.events.boot;

/** Why menu-service chose what it rendered for a machine. */
public enum MenuSelection {
  /** The host entry's own profile. */
  HOST,
  /** The most specific matching group. */
  GROUP,
  /** The group with no selector. */
  DEFAULT_GROUP,
  /** No group at all: a menu of every image plus local boot. */
  DEFAULT_MENU,
  /** A boot-once host already installed: local boot. */
  LOCAL_BOOT
}
