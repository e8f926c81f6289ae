package dev.pxebus.menu;

import dev.pxebus.menu.render.MenuModel;
import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ConfigException;
import dev.pxebus.runtime.ConfigKey;
import dev.pxebus.runtime.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** menu-service configuration, built once in {@link Main}. */
public record MenuConfig(
    CommonConfig common,
    String httpHost,
    int httpPort,
    Optional<Path> templateDir,
    Duration menuTimeout,
    MenuModel.LocalBoot ipxeLocalBoot,
    String fileBase,
    String title,
    Optional<Path> dataDir) {

  public static final int DEFAULT_ADMIN_PORT = 9071;
  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String TEMPLATE_DIR = "menu.template-dir";
  public static final String TIMEOUT = "menu.timeout";
  public static final String IPXE_LOCAL_BOOT = "menu.ipxe-local-boot";
  public static final String FILE_BASE = "menu.file-base";
  public static final String TITLE = "menu.title";
  public static final String DATA_DIR = "menu.data-dir";
  /** The snapshot file's name in {@link #DATA_DIR}. */
  public static final String SNAPSHOT_FILE = "catalog.snapshot";

  public static List<ConfigKey> keys() {
    List<ConfigKey> keys = new ArrayList<>(CommonConfig.keys(DEFAULT_ADMIN_PORT));
    keys.add(ConfigKey.of(HTTP_HOST, "0.0.0.0", "address menus are served on"));
    keys.add(ConfigKey.of(HTTP_PORT, "8071", "port menus are served on (tftp-service's tftp.menu-url points here); 0 picks a free one"));
    keys.add(ConfigKey.of(TEMPLATE_DIR, "",
        "directory of operator templates (menu.ipxe.peb, pxelinux.cfg.peb, grub.cfg.peb) used instead of the built-in ones; empty = built-in only"));
    keys.add(ConfigKey.of(TIMEOUT, "10s", "how long a menu waits before it boots its default entry"));
    keys.add(ConfigKey.of(IPXE_LOCAL_BOOT, "exit", "how iPXE boots the local disk: exit (back to the firmware) or sanboot (the first BIOS disk)"));
    keys.add(ConfigKey.of(FILE_BASE, "",
        "prefix of kernel and initrd URLs in iPXE scripts, e.g. http://10.0.0.5:8069/; empty = relative to the script (the replica that served it)"));
    keys.add(ConfigKey.of(TITLE, "pxebus", "the first word of every menu title"));
    keys.add(ConfigKey.of(DATA_DIR, "/var/lib/pxebus/menu",
        "where the last catalog read is kept (" + SNAPSHOT_FILE + "), to serve menus after a restart while Kafka is down; empty = not kept"));
    return List.copyOf(keys);
  }

  public static MenuConfig from(Settings s) {
    String local = s.string(IPXE_LOCAL_BOOT).trim().toLowerCase(Locale.ROOT);
    MenuModel.LocalBoot lb = switch (local) {
      case "exit" -> MenuModel.LocalBoot.EXIT;
      case "sanboot" -> MenuModel.LocalBoot.SANBOOT;
      default -> throw new ConfigException("'" + IPXE_LOCAL_BOOT + "' = '" + local + "' is not exit or sanboot");
    };
    Duration timeout = s.duration(TIMEOUT);
    if (timeout.toSeconds() > 3600) throw new ConfigException("'" + TIMEOUT + "' = '" + timeout + "' is over an hour");
    return new MenuConfig(CommonConfig.from("menu-service", s), s.string(HTTP_HOST), s.port(HTTP_PORT),
        s.optional(TEMPLATE_DIR).map(Path::of), timeout, lb, s.optional(FILE_BASE).orElse(""),
        s.string(TITLE), s.optional(DATA_DIR).map(Path::of));
  }

  /** The snapshot file, when {@link #DATA_DIR} is set. */
  public Optional<Path> snapshotFile() {
    return dataDir.map(d -> d.resolve(SNAPSHOT_FILE));
  }
}
