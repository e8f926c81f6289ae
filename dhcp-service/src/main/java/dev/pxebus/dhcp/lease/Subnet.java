package dev.pxebus.dhcp.lease;

import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One subnet served in server mode: its network, the addresses it hands out (ranges minus exclusions), and what
 * its clients are told (router, DNS, lease time). The server's own address on it is the DHCP server identifier
 * (option 54) for local clients; relayed subnets use {@code serverId} as configured or the receiving interface's.
 */
public record Subnet(int network, int prefix, List<Range> ranges, List<Range> excluded, Optional<Integer> router,
    List<Integer> dns, Optional<String> domain, Duration leaseTime) {

  /** An inclusive address range. */
  public record Range(int first, int last) {
    public Range {
      if (Integer.compareUnsigned(first, last) > 0) throw new IllegalArgumentException("range first > last");
    }

    public boolean contains(int ip) {
      return Integer.compareUnsigned(ip, first) >= 0 && Integer.compareUnsigned(ip, last) <= 0;
    }

    public long size() {
      return Integer.toUnsignedLong(last) - Integer.toUnsignedLong(first) + 1;
    }

    @Override
    public String toString() {
      return Ip4.text(first) + "-" + Ip4.text(last);
    }
  }

  public Subnet {
    if (prefix < 0 || prefix > 30) throw new IllegalArgumentException("prefix /" + prefix + " is not 0..30");
    ranges = List.copyOf(ranges);
    excluded = List.copyOf(excluded);
    dns = List.copyOf(dns);
    if ((network & ~mask(prefix)) != 0) {
      throw new IllegalArgumentException(Ip4.text(network) + "/" + prefix + " has host bits set");
    }
    for (Range r : ranges) {
      if (!contains(r.first()) || !contains(r.last())) {
        throw new IllegalArgumentException("range " + r + " is not inside " + this.cidr());
      }
    }
  }

  public int mask() {
    return mask(prefix);
  }

  public static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  public boolean contains(int ip) {
    return (ip & mask()) == network;
  }

  public int broadcast() {
    return network | ~mask();
  }

  /** In a range, not excluded, not the network or broadcast address. */
  public boolean assignable(int ip) {
    if (!contains(ip) || ip == network || ip == broadcast()) return false;
    if (router.isPresent() && router.get() == ip) return false;
    boolean inRange = false;
    for (Range r : ranges) inRange |= r.contains(ip);
    if (!inRange) return false;
    for (Range r : excluded) {
      if (r.contains(ip)) return false;
    }
    return true;
  }

  public String cidr() {
    return Ip4.text(network) + "/" + prefix;
  }
}
