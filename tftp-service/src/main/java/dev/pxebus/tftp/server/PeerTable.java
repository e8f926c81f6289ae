package dev.pxebus.tftp.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Single-port mode's read transfers by client address and port, looked up once per packet. Indexed by port first:
 * a boot storm's clients often share one address (behind a relay, or a test's namespace) and differ by port, and a
 * hash map keyed by {@link InetSocketAddress} spent a sixth of the event loop's Java time in its lookups
 * (JFR on bench/storm). Not thread-safe: one event loop owns it.
 */
final class PeerTable<T> {
  private final Function<T, InetSocketAddress> peerOf;
  private final Object[][] byPort = new Object[65536][];
  private int size;

  PeerTable(Function<T, InetSocketAddress> peerOf) {
    this.peerOf = peerOf;
  }

  /** The transfer of this client address and port, or null. */
  @SuppressWarnings("unchecked")
  T get(InetSocketAddress peer) {
    Object[] here = byPort[peer.getPort()];
    if (here == null) return null;
    InetAddress ip = peer.getAddress();
    for (Object d : here) {
      if (peerOf.apply((T) d).getAddress().equals(ip)) return (T) d;
    }
    return null;
  }

  /** Adds {@code d} under its peer; the caller has ended any transfer that had that peer. */
  void put(T d) {
    InetSocketAddress peer = peerOf.apply(d);
    if (get(peer) != null) throw new IllegalStateException("a transfer for " + peer + " is already registered");
    int port = peer.getPort();
    Object[] here = byPort[port] == null ? new Object[0] : byPort[port];
    Object[] grown = Arrays.copyOf(here, here.length + 1);
    grown[here.length] = d;
    byPort[port] = grown;
    size++;
  }

  /** Removes {@code d}, if it is the one registered under its peer. */
  void remove(T d) {
    int port = peerOf.apply(d).getPort();
    Object[] here = byPort[port];
    if (here == null) return;
    for (int i = 0; i < here.length; i++) {
      if (here[i] != d) continue;
      if (here.length == 1) {
        byPort[port] = null;
      } else {
        Object[] shrunk = new Object[here.length - 1];
        System.arraycopy(here, 0, shrunk, 0, i);
        System.arraycopy(here, i + 1, shrunk, i, here.length - i - 1);
        byPort[port] = shrunk;
      }
      size--;
      return;
    }
  }

  int size() {
    return size;
  }
}
