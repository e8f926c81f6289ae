package dev.pxebus.tftp;

import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ConfigException;
import dev.pxebus.runtime.ConfigKey;
import dev.pxebus.runtime.Settings;
import dev.pxebus.runtime.net.BusyPoll;
import dev.pxebus.tftp.transfer.OptionLimits;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** tftp-service configuration, built once in {@link Main}. */
public record TftpConfig(
    CommonConfig common,
    Path root,
    String bindAddress,
    int tftpPort,
    boolean reusePort,
    int maxBlksize,
    int maxWindowsize,
    Duration rtoInitial,
    Duration rtoMin,
    Duration rtoMax,
    int maxRetransmits,
    Duration giveUpAfter,
    int threads,
    boolean httpEnabled,
    int httpPort,
    Path cacheDir,
    Optional<URI> menuUrl,
    Duration menuTimeout,
    Optional<URI> catalogUrl,
    Optional<String> catalogToken,
    Optional<String> advertiseAddress,
    Duration announceInterval,
    Optional<Path> writeDir,
    int writeMaxMib,
    int busyPollMicros,
    int busyPollMaxTransfers,
    boolean singlePort) {

  public static final int DEFAULT_ADMIN_PORT = 9069;
  public static final String ROOT = "tftp.root";
  public static final String BIND_ADDRESS = "tftp.bind-address";
  public static final String PORT = "tftp.port";
  public static final String REUSE_PORT = "tftp.reuse-port";
  public static final String MAX_BLKSIZE = "tftp.max-blksize";
  public static final String MAX_WINDOWSIZE = "tftp.max-windowsize";
  public static final String RTO_INITIAL = "tftp.rto-initial";
  public static final String RTO_MIN = "tftp.rto-min";
  public static final String RTO_MAX = "tftp.rto-max";
  public static final String MAX_RETRANSMITS = "tftp.max-retransmits";
  public static final String GIVE_UP_AFTER = "tftp.give-up-after";
  public static final String THREADS = "tftp.threads";
  public static final String HTTP_ENABLED = "http.enabled";
  public static final String HTTP_PORT = "http.port";
  public static final String CACHE_DIR = "tftp.cache-dir";
  public static final String MENU_URL = "tftp.menu-url";
  public static final String MENU_TIMEOUT = "tftp.menu-timeout";
  public static final String CATALOG_URL = "tftp.catalog-url";
  public static final String CATALOG_TOKEN = "tftp.catalog-token";
  public static final String ADVERTISE_ADDRESS = "tftp.advertise-address";
  public static final String ANNOUNCE_INTERVAL = "replica.announce-interval";
  public static final String WRITE_DIR = "tftp.write-dir";
  public static final String WRITE_MAX_MIB = "tftp.write-max-mib";
  public static final String BUSY_POLL_US = "tftp.busy-poll-us";
  public static final String BUSY_POLL_MAX_TRANSFERS = "tftp.busy-poll-max-transfers";
  public static final String SINGLE_PORT = "tftp.single-port";

  public static List<ConfigKey> keys() {
    List<ConfigKey> keys = new ArrayList<>(CommonConfig.keys(DEFAULT_ADMIN_PORT));
    keys.add(ConfigKey.of(ROOT, "/var/lib/pxebus/boot", "boot root: static bootloaders (pxelinux.0, ipxe.efi, …)"));
    keys.add(ConfigKey.of(BIND_ADDRESS, "0.0.0.0", "address TFTP and HTTP listen on"));
    keys.add(ConfigKey.of(PORT, "69", "TFTP port (also announced to dhcp-service)"));
    keys.add(ConfigKey.of(REUSE_PORT, "true",
        "share the TFTP and HTTP ports with other replicas on this host (SO_REUSEPORT)"));
    keys.add(ConfigKey.of(MAX_BLKSIZE, "0",
        "largest blksize granted (8-65464); 0 = what fits the interface MTU (1468 for MTU 1500)"));
    keys.add(ConfigKey.of(MAX_WINDOWSIZE, Integer.toString(OptionLimits.DEFAULT_MAX_WINDOWSIZE),
        "largest windowsize granted (RFC 7440); 1 = lock-step only"));
    keys.add(ConfigKey.of(RTO_INITIAL, "200ms", "retransmission timeout before the first round-trip sample"));
    keys.add(ConfigKey.of(RTO_MIN, "20ms", "floor of the adaptive retransmission timeout (RFC 6298 style)"));
    keys.add(ConfigKey.of(RTO_MAX, "1s", "ceiling of the retransmission timeout (also capped by the client's timeout option)"));
    keys.add(ConfigKey.of(MAX_RETRANSMITS, "5", "retransmissions of one packet before the transfer is abandoned"));
    keys.add(ConfigKey.of(GIVE_UP_AFTER, "10s", "and at least this long without progress before abandoning"));
    keys.add(ConfigKey.of(THREADS, "0", "event loops serving TFTP; 0 = one per CPU core"));
    keys.add(ConfigKey.of(HTTP_ENABLED, "true", "serve the same boot namespace over HTTP (iPXE, UEFI HTTP boot)"));
    keys.add(ConfigKey.of(HTTP_PORT, "8069", "HTTP port of the boot namespace"));
    keys.add(ConfigKey.of(CACHE_DIR, "/var/lib/pxebus/cache",
        "this replica's cache of catalog artifacts, one file per sha256"));
    keys.add(ConfigKey.of(MENU_URL, "http://127.0.0.1:8071",
        "menu-service, asked for generated files (pxelinux.cfg/…, *.ipxe, grub/…); empty = static files only"));
    keys.add(ConfigKey.of(MENU_TIMEOUT, "2s", "how long to wait for menu-service before the static fallback"));
    keys.add(ConfigKey.of(CATALOG_URL, "http://127.0.0.1:8070",
        "catalog-service, source of artifacts missing from the cache; empty = cache only"));
    keys.add(ConfigKey.of(CATALOG_TOKEN, "",
        "bearer token sent to catalog-service for blobs, when its reads need one (a read token is enough)"));
    keys.add(ConfigKey.of(ADVERTISE_ADDRESS, "",
        "address clients reach this replica at; empty = the first non-loopback IPv4 address of the host"));
    keys.add(ConfigKey.of(ANNOUNCE_INTERVAL, "5s", "how often the replica announces itself on the replicas topic"));
    keys.add(ConfigKey.of(WRITE_DIR, "",
        "directory TFTP write requests store files in (never over an existing file); empty = writes refused"));
    keys.add(ConfigKey.of(WRITE_MAX_MIB, "64", "largest file a TFTP write may store, in MiB"));
    keys.add(ConfigKey.of(BUSY_POLL_US, "200",
        "microseconds an event loop with few transfers polls for the next packet before it sleeps; 0 = never"));
    keys.add(ConfigKey.of(BUSY_POLL_MAX_TRANSFERS, "8",
        "busy-poll only while an event loop serves at most this many transfers"));
    keys.add(ConfigKey.of(SINGLE_PORT, "false",
        "read transfers answer from the TFTP port itself, not a new port each (dnsmasq's --tftp-single-port): "
            + "one socket read and written in batches; replicas sharing the port must not come and go mid-storm"));
    return List.copyOf(keys);
  }

  public static TftpConfig from(Settings s) {
    return new TftpConfig(CommonConfig.from("tftp-service", s), s.path(ROOT), s.string(BIND_ADDRESS), s.port(PORT),
        s.bool(REUSE_PORT), blksize(s), s.integer(MAX_WINDOWSIZE, 1, 32768), s.duration(RTO_INITIAL),
        s.duration(RTO_MIN), s.duration(RTO_MAX), s.integer(MAX_RETRANSMITS, 1, 100), s.duration(GIVE_UP_AFTER),
        s.integer(THREADS, 0, 256), s.bool(HTTP_ENABLED), s.port(HTTP_PORT), s.path(CACHE_DIR), url(s, MENU_URL),
        s.duration(MENU_TIMEOUT), url(s, CATALOG_URL), s.optional(CATALOG_TOKEN), s.optional(ADVERTISE_ADDRESS),
        s.duration(ANNOUNCE_INTERVAL), s.optional(WRITE_DIR).map(Path::of), s.integer(WRITE_MAX_MIB, 1, 1_000_000),
        s.integer(BUSY_POLL_US, 0, 10_000), s.integer(BUSY_POLL_MAX_TRANSFERS, 1, 1_000_000),
        s.bool(SINGLE_PORT));
  }

  /** How tftp-service's event loops busy-poll (see {@link BusyPoll}). */
  public BusyPoll busyPoll() {
    return BusyPoll.of(Duration.ofNanos(busyPollMicros * 1000L), busyPollMaxTransfers);
  }

  private static int blksize(Settings s) {
    int v = s.integer(MAX_BLKSIZE, 0, 65464);
    if (v != 0 && v < 8) throw new ConfigException("'" + MAX_BLKSIZE + "' = '" + v + "' is not 0 or a number from 8 to 65464");
    return v;
  }

  private static Optional<URI> url(Settings s, String key) {
    Optional<String> v = s.optional(key);
    if (v.isEmpty()) return Optional.empty();
    try {
      URI u = new URI(v.get());
      if (!"http".equals(u.getScheme()) || u.getHost() == null) throw new URISyntaxException(v.get(), "not http://host");
      return Optional.of(u);
    } catch (URISyntaxException e) {
      throw new ConfigException("'" + key + "' = '" + v.get() + "' (" + s.origin(key) + ") is not an http:// URL");
    }
  }
}
