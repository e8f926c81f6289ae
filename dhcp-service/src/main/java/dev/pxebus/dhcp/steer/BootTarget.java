package dev.pxebus.dhcp.steer;

import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.events.replica.TftpReplicaEvent;
import java.util.List;
import java.util.Optional;

/**
 * Where a new boot client is sent (next-server, option 66, and the HTTP base of its boot files), as a pure function:
 * the least-loaded live tftp-service replica that gives a usable IPv4 address, else the configured next server, else
 * the address of the interface the request came in on.
 */
public final class BootTarget {
  private BootTarget() {}

  /** @param server TFTP server address; @param httpBase HTTP base URL without a trailing slash */
  public record Target(int server, String httpBase, String why) {}

  /**
   * @param liveLeastLoadedFirst live replicas in order of preference ({@link ReplicaSelector#live})
   * @param httpBaseTemplate {@code dhcp.http-base}, with {@code {server}}
   */
  public static Target choose(List<TftpReplicaEvent> liveLeastLoadedFirst, Optional<Integer> nextServer,
      int localAddress, String httpBaseTemplate) {
    for (TftpReplicaEvent r : liveLeastLoadedFirst) {
      int a;
      try {
        a = Ip4.parse(r.tftpAddress());
      } catch (IllegalArgumentException | NullPointerException e) {
        continue; // a replica bound to a host name cannot be given as next-server
      }
      if (a == 0) continue; // bound to 0.0.0.0: it did not say which address clients reach it on
      String http = r.httpUrl() == null || r.httpUrl().isBlank() ? base(httpBaseTemplate, a) : strip(r.httpUrl());
      return new Target(a, http, "replica " + r.replicaId() + " (" + r.activeTransfers() + " active transfers)");
    }
    if (nextServer.isPresent()) {
      return new Target(nextServer.get(), base(httpBaseTemplate, nextServer.get()), "dhcp.next-server");
    }
    return new Target(localAddress, base(httpBaseTemplate, localAddress), "this server");
  }

  private static String base(String template, int server) {
    return strip(template.replace("{server}", Ip4.text(server)));
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
