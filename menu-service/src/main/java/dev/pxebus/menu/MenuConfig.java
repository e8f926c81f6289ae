package dev.pxebus.menu;

import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ConfigKey;
import dev.pxebus.runtime.Settings;
import java.util.List;

/** menu-service configuration, built once in {@link Main}. */
public record MenuConfig(CommonConfig common) {
  public static final int DEFAULT_ADMIN_PORT = 9071;

  public static List<ConfigKey> keys() {
    return CommonConfig.keys(DEFAULT_ADMIN_PORT);
  }

  public static MenuConfig from(Settings s) {
    return new MenuConfig(CommonConfig.from("menu-service", s));
  }
}
