package dev.pxebus.dhcp.lease;

import java.util.Optional;

/** A fixed address for one machine (by canonical MAC), from configuration or the catalog's hosts topic. */
public record Reservation(String mac, int ip, Optional<String> hostname, String source) {}
