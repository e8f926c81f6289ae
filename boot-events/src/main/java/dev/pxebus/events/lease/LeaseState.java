package dev.pxebus.events.lease;

/** State of a lease as published on {@code pxebus.dhcp.leases}. */
public enum LeaseState {
  /** ACKed and not yet expired. */
  BOUND,
  /** The client sent DHCPRELEASE. */
  RELEASED,
  /** The lease time passed without renewal. */
  EXPIRED,
  /** The client sent DHCPDECLINE; the address is quarantined. */
  DECLINED
}
