package dev.pxebus.tftp.server;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.OptionalInt;

/** The MTU that limits TFTP blocks: the listening address's interface, or for a wildcard the smallest of all. */
public final class Mtu {
  private Mtu() {}

  /** The MTU for a listen address; 1500 when it cannot be told. */
  public static int forListenAddress(String host) {
    try {
      InetAddress a = InetAddress.getByName(host);
      if (!a.isAnyLocalAddress()) {
        NetworkInterface nic = NetworkInterface.getByInetAddress(a);
        if (nic != null) return nic.getMTU();
      }
      OptionalInt smallest = OptionalInt.empty();
      int loopback = -1;
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!dev.pxebus.runtime.net.LinkState.isAdminUp(nic)) continue;
        if (nic.isLoopback()) {
          loopback = nic.getMTU();
          continue;
        }
        int mtu = nic.getMTU();
        if (mtu > 0 && (smallest.isEmpty() || mtu < smallest.getAsInt())) smallest = OptionalInt.of(mtu);
      }
      if (smallest.isPresent()) return smallest.getAsInt();
      return loopback > 0 ? loopback : 1500;
    } catch (SocketException | UnknownHostException e) {
      return 1500;
    }
  }
}
