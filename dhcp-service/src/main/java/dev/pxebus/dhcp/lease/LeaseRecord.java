package dev.pxebus.dhcp.lease;

import java.util.Objects;

/**
 * One lease binding as journalled by {@link LeaseJournal}: the client, the address bound to it, and for how long.
 *
 * @param clientKey what identifies the client (RFC 2131 §4.2: the client identifier, option 61, else chaddr); the
 *     journal keeps the latest record per key
 * @param mac the client's hardware address as the server writes it (may be null)
 * @param ip the IPv4 address as an unsigned 32-bit value held in an int ({@code 10.0.0.1} is {@code 0x0A000001})
 * @param state where the binding is in its life
 * @param startMillis when the binding started, epoch millis
 * @param expiresMillis when it ends unless renewed, epoch millis
 * @param hostname option 12 as the client sent it; null and empty are kept apart
 */
public record LeaseRecord(String clientKey, String mac, int ip, State state, long startMillis, long expiresMillis,
    String hostname) {

  /** The life of a binding (RFC 2131 §4.3). */
  public enum State {
    /** Offered in a DHCPOFFER and not yet requested; held in memory only, never journalled. */
    OFFERED,
    /** Acknowledged with a DHCPACK: the address belongs to the client until {@code expiresMillis}. */
    BOUND,
    /** The client gave the address back with a DHCPRELEASE. */
    RELEASED,
    /** The lease ran out without a renewal. */
    EXPIRED,
    /** The client found the address in use and sent a DHCPDECLINE (RFC 2131 §3.1 step 5). */
    DECLINED
  }

  public LeaseRecord {
    Objects.requireNonNull(clientKey, "clientKey");
    Objects.requireNonNull(state, "state");
  }

  /** The address in dotted-quad form. */
  public String dottedIp() {
    return dotted(ip);
  }

  /** {@code ip} (unsigned 32-bit in an int) in dotted-quad form. */
  public static String dotted(int ip) {
    return (ip >>> 24) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
  }

  @Override
  public String toString() {
    return "LeaseRecord[" + clientKey + " " + mac + " " + dotted(ip) + " " + state + " " + startMillis + ".."
        + expiresMillis + (hostname == null ? "" : " \"" + hostname + "\"") + "]";
  }
}
