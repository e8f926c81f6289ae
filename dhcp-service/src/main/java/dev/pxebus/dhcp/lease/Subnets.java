package dev.pxebus.dhcp.lease;

import dev.pxebus.dhcp.DhcpConfig;
import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.dhcp.net.InterfaceAddress4;
import dev.pxebus.runtime.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the served subnets from the configuration: each pool range belongs to the subnet of the interface that
 * contains it, or to the subnet its {@code /PREFIX} names (a subnet behind a relay); exclusions and routers go to the
 * subnet that contains them.
 */
public final class Subnets {
  private Subnets() {}

  public static List<Subnet> build(DhcpConfig.Serving s, List<InterfaceAddress4> interfaces) {
    record Key(int network, int prefix) {}
    Map<Key, List<Subnet.Range>> ranges = new LinkedHashMap<>();
    for (DhcpConfig.Pool p : s.pools()) {
      int first = Ip4.parse(p.first());
      int last = Ip4.parse(p.last());
      int prefix;
      if (p.prefix().isPresent()) {
        prefix = p.prefix().get();
      } else {
        Optional<InterfaceAddress4> ifa = interfaces.stream()
            .filter(i -> (first & Subnet.mask(i.prefix())) == i.network()).findFirst();
        if (ifa.isEmpty()) {
          throw new ConfigException("'" + DhcpConfig.POOL + "': " + p.first() + "-" + p.last()
              + " is on none of the served interfaces " + interfaces
              + "; for a subnet behind a relay write its prefix length, e.g. " + p.first() + "-" + p.last() + "/24");
        }
        prefix = ifa.get().prefix();
      }
      int network = first & Subnet.mask(prefix);
      if ((last & Subnet.mask(prefix)) != network) {
        throw new ConfigException("'" + DhcpConfig.POOL + "': " + p.first() + "-" + p.last() + " crosses the /"
            + prefix + " subnet boundary");
      }
      ranges.computeIfAbsent(new Key(network, prefix), k -> new ArrayList<>()).add(new Subnet.Range(first, last));
    }
    List<Integer> dns = s.dns().stream().map(Ip4::parse).toList();
    List<Subnet> out = new ArrayList<>();
    for (Map.Entry<Key, List<Subnet.Range>> e : ranges.entrySet()) {
      int network = e.getKey().network();
      int mask = Subnet.mask(e.getKey().prefix());
      List<Subnet.Range> excluded = new ArrayList<>();
      for (String x : s.exclude()) {
        String[] ab = x.split("-");
        int a = Ip4.parse(ab[0].trim());
        int b = ab.length > 1 ? Ip4.parse(ab[1].trim()) : a;
        if ((a & mask) == network) excluded.add(new Subnet.Range(a, b));
      }
      Optional<Integer> router = s.routers().stream().map(Ip4::parse).filter(r -> (r & mask) == network).findFirst();
      // The server's own addresses on this subnet are never handed out.
      for (InterfaceAddress4 i : interfaces) {
        if ((i.address() & mask) == network) excluded.add(new Subnet.Range(i.address(), i.address()));
      }
      out.add(new Subnet(network, e.getKey().prefix(), e.getValue(), excluded, router, dns, s.domain(),
          s.leaseTime()));
    }
    return out;
  }
}
