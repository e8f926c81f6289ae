package dev.pxebus.dhcp;

import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ConfigException;
import dev.pxebus.runtime.ConfigKey;
import dev.pxebus.runtime.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * dhcp-service configuration, built once in {@link Main}.
 *
 * <p>Safe by default on a shared LAN: the default mode is proxyDHCP, which never hands out addresses. A full DHCP
 * server must be asked for explicitly, with the interface it serves and the pool it hands out.
 */
public record DhcpConfig(
    CommonConfig common, Mode mode, Optional<String> iface, Optional<Pool> pool, Duration replicaStaleAfter) {

  public static final int DEFAULT_ADMIN_PORT = 9067;
  public static final String MODE = "dhcp.mode";
  public static final String INTERFACE = "dhcp.interface";
  public static final String POOL = "dhcp.pool";
  public static final String REPLICA_STALE_AFTER = "dhcp.replica-stale-after";

  /** proxyDHCP answers PXE clients with boot information only; server also assigns addresses. */
  public enum Mode { PROXY, SERVER }

  /** An inclusive IPv4 address range, written {@code 10.0.0.100-10.0.0.199}. */
  public record Pool(String first, String last) {
    static Pool parse(String text) {
      String[] parts = text.split("-");
      if (parts.length != 2) throw new ConfigException("'" + POOL + "' = '" + text + "' is not a range like 10.0.0.100-10.0.0.199");
      long a = ipv4(parts[0].trim(), text);
      long b = ipv4(parts[1].trim(), text);
      if (a > b) throw new ConfigException("'" + POOL + "' = '" + text + "': the first address is after the last");
      return new Pool(parts[0].trim(), parts[1].trim());
    }

    /**
     * Dotted-quad IPv4 only, parsed here: {@code InetAddress.getByName} would send anything that is not a valid
     * literal (an octet over 255, say) to DNS, and a resolver that answers for any name would turn a typo into an
     * address.
     */
    private static long ipv4(String s, String text) {
      if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        throw new ConfigException("'" + POOL + "' = '" + text + "': '" + s + "' is not an IPv4 address");
      }
      long v = 0;
      for (String octet : s.split("\\.")) {
        int o = Integer.parseInt(octet);
        if (o > 255) {
          throw new ConfigException("'" + POOL + "' = '" + text + "': '" + s + "' is not an IPv4 address (octet "
              + o + " > 255)");
        }
        v = (v << 8) | o;
      }
      return v;
    }
  }

  public static List<ConfigKey> keys() {
    List<ConfigKey> keys = new ArrayList<>(CommonConfig.keys(DEFAULT_ADMIN_PORT));
    keys.add(ConfigKey.of(MODE, "proxy",
        "proxy = proxyDHCP beside the network's own DHCP server (never hands out addresses); server = full DHCP server"));
    keys.add(ConfigKey.of(INTERFACE, "", "network interface to serve; required in server mode"));
    keys.add(ConfigKey.of(POOL, "", "addresses to hand out in server mode, e.g. 10.0.0.100-10.0.0.199; required in server mode"));
    keys.add(ConfigKey.of(REPLICA_STALE_AFTER, "15s",
        "a TFTP replica not heard from for this long is considered gone (3 announcement intervals)"));
    return List.copyOf(keys);
  }

  public static DhcpConfig from(Settings s) {
    Mode mode = s.enumValue(MODE, Mode.class);
    Optional<String> iface = s.optional(INTERFACE);
    Optional<Pool> pool = s.optional(POOL).map(Pool::parse);
    if (mode == Mode.SERVER && (iface.isEmpty() || pool.isEmpty())) {
      throw new ConfigException("dhcp.mode=server hands out addresses, so it needs an explicit interface and pool: set "
          + INTERFACE + " and " + POOL + " (or use the default dhcp.mode=proxy, which never assigns addresses)");
    }
    return new DhcpConfig(CommonConfig.from("dhcp-service", s), mode, iface, pool, s.duration(REPLICA_STALE_AFTER));
  }
}
