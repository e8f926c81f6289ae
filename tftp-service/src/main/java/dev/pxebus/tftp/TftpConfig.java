package dev.pxebus.tftp;

import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ConfigKey;
import dev.pxebus.runtime.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** tftp-service configuration, built once in {@link Main}. */
public record TftpConfig(
    CommonConfig common, Path root, int tftpPort, Optional<String> advertiseAddress, Duration announceInterval) {

  public static final int DEFAULT_ADMIN_PORT = 9069;
  public static final String ROOT = "tftp.root";
  public static final String PORT = "tftp.port";
  public static final String ADVERTISE_ADDRESS = "tftp.advertise-address";
  public static final String ANNOUNCE_INTERVAL = "replica.announce-interval";

  public static List<ConfigKey> keys() {
    List<ConfigKey> keys = new ArrayList<>(CommonConfig.keys(DEFAULT_ADMIN_PORT));
    keys.add(ConfigKey.of(ROOT, "/var/lib/pxebus/boot", "boot root: static bootloaders (pxelinux.0, ipxe.efi, …)"));
    keys.add(ConfigKey.of(PORT, "69", "TFTP port announced to dhcp-service"));
    keys.add(ConfigKey.of(ADVERTISE_ADDRESS, "",
        "address clients reach this replica at; empty = the first non-loopback IPv4 address of the host"));
    keys.add(ConfigKey.of(ANNOUNCE_INTERVAL, "5s", "how often the replica announces itself on the replicas topic"));
    return List.copyOf(keys);
  }

  public static TftpConfig from(Settings s) {
    return new TftpConfig(CommonConfig.from("tftp-service", s), s.path(ROOT), s.port(PORT),
        s.optional(ADVERTISE_ADDRESS), s.duration(ANNOUNCE_INTERVAL));
  }
}
