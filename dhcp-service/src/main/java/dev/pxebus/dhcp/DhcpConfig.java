package dev.pxebus.dhcp;

import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ConfigException;
import dev.pxebus.runtime.ConfigKey;
import dev.pxebus.runtime.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.nio.file.Path;
import dev.pxebus.dhcp.pxe.BootPolicy;

/**
 * dhcp-service configuration, built once in {@link Main}.
 *
 * <p>Safe by default on a shared LAN: the default mode is proxyDHCP, which never hands out addresses. A full DHCP
 * server must be asked for explicitly, with the interface it serves and the pool it hands out.
 */
public record DhcpConfig(
    CommonConfig common, Mode mode, Optional<String> iface, Optional<Pool> pool, Duration replicaStaleAfter,
    Serving serving) {

  /**
   * Everything about serving beyond mode, interface and pool.
   *
   * @param interfaces the interfaces to serve, one socket each; empty = every interface with an IPv4 address but
   *     loopback (proxy mode only); {@code none} in the configuration = serve nothing (for tests and for a service
   *     kept only for its events)
   * @param pools every range of {@code dhcp.pool} (the first is {@link #pool()})
   */
  public record Serving(boolean enabled, List<String> interfaces, List<Pool> pools, List<String> exclude,
      List<String> routers, List<String> dns, Optional<String> domain, Duration leaseTime, Duration offerHold,
      Duration declineQuarantine, Optional<String> serverId, List<String> reservations, Path journalDir,
      int port, int bootServerPort, int clientPort, Optional<String> nextServer, String httpBase,
      dev.pxebus.dhcp.pxe.BootPolicy bootPolicy) {}

  public static final int DEFAULT_ADMIN_PORT = 9067;
  /**
   * dhcp-service publishes five events per exchange, none of which anyone waits for: letting them gather for 50 ms
   * rather than Kafka's 5 halved the producer's and the broker's CPU at 3000 exchanges a second (bench/dhcp,
   * docs/performance.md).
   */
  public static final Duration DEFAULT_EVENT_LINGER = Duration.ofMillis(50);
  public static final String MODE = "dhcp.mode";
  public static final String INTERFACE = "dhcp.interface";
  public static final String POOL = "dhcp.pool";
  public static final String REPLICA_STALE_AFTER = "dhcp.replica-stale-after";
  public static final String EXCLUDE = "dhcp.exclude";
  public static final String ROUTER = "dhcp.router";
  public static final String DNS = "dhcp.dns";
  public static final String DOMAIN = "dhcp.domain";
  public static final String LEASE_TIME = "dhcp.lease-time";
  public static final String OFFER_HOLD = "dhcp.offer-hold";
  public static final String DECLINE_QUARANTINE = "dhcp.decline-quarantine";
  public static final String SERVER_ID = "dhcp.server-id";
  public static final String RESERVATIONS = "dhcp.reservations";
  public static final String JOURNAL_DIR = "dhcp.journal-dir";
  public static final String PORT = "dhcp.port";
  public static final String BOOT_SERVER_PORT = "dhcp.boot-server-port";
  public static final String CLIENT_PORT = "dhcp.client-port";
  public static final String NEXT_SERVER = "dhcp.next-server";
  public static final String HTTP_BASE = "dhcp.http-base";
  public static final String BOOT_BIOS = "dhcp.boot.bios";
  public static final String BOOT_EFI_IA32 = "dhcp.boot.efi-ia32";
  public static final String BOOT_EFI_X64 = "dhcp.boot.efi-x64";
  public static final String BOOT_EFI_ARM64 = "dhcp.boot.efi-arm64";
  public static final String BOOT_HTTP_X64 = "dhcp.boot.http-x64";
  public static final String BOOT_HTTP_ARM64 = "dhcp.boot.http-arm64";
  public static final String BOOT_IPXE = "dhcp.boot.ipxe-script";
  public static final String BOOT_PER_HOST = "dhcp.boot.per-host";

  /** proxyDHCP answers PXE clients with boot information only; server also assigns addresses. */
  public enum Mode { PROXY, SERVER }

  /**
   * An inclusive IPv4 address range, written {@code 10.0.0.100-10.0.0.199}; {@code /PREFIX} after it names the
   * subnet's length for a subnet reached through a relay (local subnets take it from the interface).
   */
  public record Pool(String first, String last, Optional<Integer> prefix) {
    public Pool(String first, String last) {
      this(first, last, Optional.empty());
    }

    static Pool parse(String text) {
      Optional<Integer> prefix = Optional.empty();
      int slash = text.indexOf('/');
      if (slash >= 0 && text.indexOf('-') >= 0) {
        String p = text.substring(slash + 1).trim();
        if (!p.matches("\\d{1,2}") || Integer.parseInt(p) > 30) {
          throw new ConfigException("'" + POOL + "' = '" + text + "': '/" + p + "' is not a prefix length 0..30");
        }
        prefix = Optional.of(Integer.parseInt(p));
        text = text.substring(0, slash);
      }
      String[] parts = text.split("-");
      if (parts.length != 2) throw new ConfigException("'" + POOL + "' = '" + text + "' is not a range like 10.0.0.100-10.0.0.199");
      long a = ipv4(parts[0].trim(), text);
      long b = ipv4(parts[1].trim(), text);
      if (a > b) throw new ConfigException("'" + POOL + "' = '" + text + "': the first address is after the last");
      return new Pool(parts[0].trim(), parts[1].trim(), prefix);
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
    List<ConfigKey> keys = new ArrayList<>(CommonConfig.keys(DEFAULT_ADMIN_PORT, DEFAULT_EVENT_LINGER));
    keys.add(ConfigKey.of(MODE, "proxy",
        "proxy = proxyDHCP beside the network's own DHCP server (never hands out addresses); server = full DHCP server"));
    keys.add(ConfigKey.of(INTERFACE, "",
        "network interfaces to serve, comma-separated, one socket each (SO_BINDTODEVICE); required in server mode; "
            + "empty in proxy mode = every interface with an IPv4 address but loopback; none = answer no DHCP at all"));
    keys.add(ConfigKey.of(POOL, "",
        "addresses to hand out in server mode, comma-separated ranges like 10.0.0.100-10.0.0.199, each on the subnet "
            + "of the interface that holds it, or with /PREFIX for a subnet behind a relay; required in server mode"));
    keys.add(ConfigKey.of(REPLICA_STALE_AFTER, "15s",
        "a TFTP replica not heard from for this long is considered gone (3 announcement intervals)"));
    keys.add(ConfigKey.of(EXCLUDE, "", "addresses or ranges inside the pool never handed out, comma-separated"));
    keys.add(ConfigKey.of(ROUTER, "", "default gateway (option 3), comma-separated: each goes to the subnet that contains it"));
    keys.add(ConfigKey.of(DNS, "", "DNS servers (option 6), comma-separated"));
    keys.add(ConfigKey.of(DOMAIN, "", "domain name (option 15)"));
    keys.add(ConfigKey.of(LEASE_TIME, "1h", "lease time offered; T1 is half of it, T2 seven eighths"));
    keys.add(ConfigKey.of(OFFER_HOLD, "30s", "how long an offered address stays reserved for the client that asked"));
    keys.add(ConfigKey.of(DECLINE_QUARANTINE, "10m", "how long an address a client DECLINEd is not handed out"));
    keys.add(ConfigKey.of(SERVER_ID, "", "server identifier (option 54); default: the address of the interface the request came in on"));
    keys.add(ConfigKey.of(RESERVATIONS, "", "fixed addresses, comma-separated MAC=IP or MAC=IP/hostname (the catalog's hosts add more)"));
    keys.add(ConfigKey.of(JOURNAL_DIR, "/var/lib/pxebus/dhcp", "directory of the lease journal (server mode): the source of truth for leases"));
    keys.add(ConfigKey.of(PORT, "67", "UDP port for DHCP and proxyDHCP"));
    keys.add(ConfigKey.of(BOOT_SERVER_PORT, "4011", "UDP port of the PXE boot server (proxyDHCP's second exchange); 0 = off"));
    keys.add(ConfigKey.of(CLIENT_PORT, "68", "UDP port replies are broadcast to"));
    keys.add(ConfigKey.of(NEXT_SERVER, "", "TFTP server given to clients when no tftp-service replica announces itself; default: this server's address"));
    keys.add(ConfigKey.of(HTTP_BASE, "http://{server}:8069", "HTTP base URL of the boot files when no replica announces one ({server} = the TFTP server chosen)"));
    BootPolicy d = BootPolicy.defaults();
    keys.add(ConfigKey.of(BOOT_BIOS, d.bios(), "boot file for BIOS PXE clients (arch 0), e.g. pxelinux.0 or undionly.kpxe"));
    keys.add(ConfigKey.of(BOOT_EFI_IA32, d.efiIa32(), "boot file for 32-bit UEFI (arch 6)"));
    keys.add(ConfigKey.of(BOOT_EFI_X64, d.efiX64(), "boot file for x64 UEFI (arch 7, 9), e.g. ipxe.efi or snponly.efi"));
    keys.add(ConfigKey.of(BOOT_EFI_ARM64, d.efiArm64(), "boot file for ARM64 UEFI (arch 11)"));
    keys.add(ConfigKey.of(BOOT_HTTP_X64, d.httpBootUrl(), "URL for UEFI HTTP boot clients (HTTPClient, x64; {http} = the replica's HTTP base)"));
    keys.add(ConfigKey.of(BOOT_HTTP_ARM64, d.httpBootUrlArm64(), "URL for UEFI HTTP boot clients on ARM64"));
    keys.add(ConfigKey.of(BOOT_IPXE, d.ipxeScriptUrl().orElse(""), "what a client that already runs iPXE gets (its menu script), so it never loads iPXE again; empty = the bootloader like any client"));
    keys.add(ConfigKey.of(BOOT_PER_HOST, "", "per-machine boot file or URL, comma-separated MAC=FILE, overriding the above"));
    return List.copyOf(keys);
  }

  public static DhcpConfig from(Settings s) {
    Mode mode = s.enumValue(MODE, Mode.class);
    Optional<String> iface = s.optional(INTERFACE);
    List<Pool> pools = list(s, POOL).stream().map(Pool::parse).toList();
    if (mode == Mode.SERVER && (iface.isEmpty() || pools.isEmpty())) {
      throw new ConfigException("dhcp.mode=server hands out addresses, so it needs an explicit interface and pool: set "
          + INTERFACE + " and " + POOL + " (or use the default dhcp.mode=proxy, which never assigns addresses)");
    }
    Optional<Pool> first = pools.stream().findFirst();
    List<String> interfaces = list(s, INTERFACE);
    boolean enabled = !(interfaces.size() == 1 && interfaces.get(0).equals("none"));
    if (!enabled) interfaces = List.of();
    if (mode == Mode.SERVER && !enabled) {
      throw new ConfigException("dhcp.mode=server with " + INTERFACE + "=none serves nothing; name the interfaces");
    }
    for (String a : list(s, EXCLUDE)) parseAddressOrRange(EXCLUDE, a);
    for (String a : list(s, ROUTER)) checkIp(ROUTER, a);
    for (String a : list(s, DNS)) checkIp(DNS, a);
    s.optional(SERVER_ID).ifPresent(a -> checkIp(SERVER_ID, a));
    s.optional(NEXT_SERVER).ifPresent(a -> checkIp(NEXT_SERVER, a));
    for (String r : list(s, RESERVATIONS)) parseReservation(r);
    java.util.Map<String, String> perHost = new java.util.LinkedHashMap<>();
    for (String e : list(s, BOOT_PER_HOST)) {
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new ConfigException("'" + BOOT_PER_HOST + "': '" + e + "' is not MAC=FILE");
      }
      perHost.put(canonicalMac(BOOT_PER_HOST, e.substring(0, eq).trim()), e.substring(eq + 1).trim());
    }
    BootPolicy policy = new BootPolicy(s.string(BOOT_BIOS), s.string(BOOT_EFI_IA32), s.string(BOOT_EFI_X64),
        s.string(BOOT_EFI_ARM64), s.string(BOOT_HTTP_X64), s.string(BOOT_HTTP_ARM64), s.optional(BOOT_IPXE), perHost);
    Serving serving = new Serving(enabled, interfaces, pools, list(s, EXCLUDE), list(s, ROUTER), list(s, DNS),
        s.optional(DOMAIN), s.duration(LEASE_TIME), s.duration(OFFER_HOLD), s.duration(DECLINE_QUARANTINE),
        s.optional(SERVER_ID), list(s, RESERVATIONS), s.path(JOURNAL_DIR), s.port(PORT), s.port(BOOT_SERVER_PORT),
        s.port(CLIENT_PORT), s.optional(NEXT_SERVER), s.string(HTTP_BASE), policy);
    if (serving.leaseTime().toSeconds() < 60) {
      throw new ConfigException("'" + LEASE_TIME + "' = " + serving.leaseTime() + ": a lease under a minute is not useful");
    }
    return new DhcpConfig(CommonConfig.from("dhcp-service", s), mode, iface, first, s.duration(REPLICA_STALE_AFTER),
        serving);
  }

  private static List<String> list(Settings s, String key) {
    return s.optional(key).map(v -> java.util.Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty())
        .toList()).orElse(List.of());
  }

  /** MAC=IP or MAC=IP/hostname. */
  public static dev.pxebus.dhcp.lease.Reservation parseReservation(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) throw new ConfigException("'" + RESERVATIONS + "': '" + text + "' is not MAC=IP or MAC=IP/hostname");
    String mac = canonicalMac(RESERVATIONS, text.substring(0, eq).trim());
    String rest = text.substring(eq + 1).trim();
    Optional<String> host = Optional.empty();
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      host = Optional.of(rest.substring(slash + 1).trim()).filter(h -> !h.isEmpty());
      rest = rest.substring(0, slash).trim();
      if (host.isPresent() && !host.get().matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
        throw new ConfigException("'" + RESERVATIONS + "': '" + host.get() + "' is not a host name");
      }
    }
    checkIp(RESERVATIONS, rest);
    return new dev.pxebus.dhcp.lease.Reservation(mac, dev.pxebus.dhcp.codec.DhcpPacket.Ip4.parse(rest), host,
        "configuration");
  }

  static int[] parseAddressOrRange(String key, String text) {
    String[] p = text.split("-");
    if (p.length == 1) {
      checkIp(key, p[0]);
      int a = dev.pxebus.dhcp.codec.DhcpPacket.Ip4.parse(p[0]);
      return new int[] {a, a};
    }
    if (p.length != 2) throw new ConfigException("'" + key + "': '" + text + "' is not an address or a range");
    checkIp(key, p[0]);
    checkIp(key, p[1]);
    int a = dev.pxebus.dhcp.codec.DhcpPacket.Ip4.parse(p[0]);
    int b = dev.pxebus.dhcp.codec.DhcpPacket.Ip4.parse(p[1]);
    if (Integer.compareUnsigned(a, b) > 0) throw new ConfigException("'" + key + "': '" + text + "' runs backwards");
    return new int[] {a, b};
  }

  private static void checkIp(String key, String text) {
    try {
      dev.pxebus.dhcp.codec.DhcpPacket.Ip4.parse(text.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("'" + key + "': '" + text + "' is not an IPv4 address");
    }
  }

  private static String canonicalMac(String key, String mac) {
    try {
      return dev.pxebus.events.Mac.canonical(mac);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("'" + key + "': '" + mac + "' is not a MAC address");
    }
  }
}
