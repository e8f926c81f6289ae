package dev.pxebus.dhcp.net;

import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.runtime.net.LinkState;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** An interface served by dhcp-service and its first IPv4 address with prefix (the server's address there). */
public record InterfaceAddress4(String name, int address, int prefix) {

  public int network() {
    return prefix == 0 ? 0 : address & (-1 << (32 - prefix));
  }

  @Override
  public String toString() {
    return name + " " + Ip4.text(address) + "/" + prefix;
  }

  /** The named interface, which must exist, be up and have an IPv4 address. */
  public static InterfaceAddress4 of(String name) {
    try {
      NetworkInterface ni = NetworkInterface.getByName(name);
      if (ni == null) throw new IllegalArgumentException("no network interface named '" + name + "'");
      if (!LinkState.isAdminUp(ni)) throw new IllegalArgumentException("network interface '" + name + "' is down");
      return firstIpv4(ni).orElseThrow(() -> new IllegalArgumentException(
          "network interface '" + name + "' has no IPv4 address: the DHCP server needs one on each interface it serves"));
    } catch (SocketException e) {
      throw new IllegalArgumentException("cannot read network interface '" + name + "': " + e.getMessage(), e);
    }
  }

  /** Every up, non-loopback interface with an IPv4 address (proxy mode without {@code dhcp.interface}). */
  public static List<InterfaceAddress4> all() {
    List<InterfaceAddress4> out = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (LinkState.isAdminUp(ni) && !ni.isLoopback()) firstIpv4(ni).ifPresent(out::add);
      }
    } catch (SocketException e) {
      throw new IllegalArgumentException("cannot list network interfaces: " + e.getMessage(), e);
    }
    return out;
  }

  private static Optional<InterfaceAddress4> firstIpv4(NetworkInterface ni) {
    for (InterfaceAddress a : ni.getInterfaceAddresses()) {
      if (a.getAddress() instanceof Inet4Address v4) {
        return Optional.of(new InterfaceAddress4(ni.getName(), Ip4.of(v4), a.getNetworkPrefixLength()));
      }
    }
    return Optional.empty();
  }
}
