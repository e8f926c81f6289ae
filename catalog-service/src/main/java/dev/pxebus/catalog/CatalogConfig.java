package dev.pxebus.catalog;

import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ConfigKey;
import dev.pxebus.runtime.Settings;
import java.util.List;

/** catalog-service configuration, built once in {@link Main}. */
public record CatalogConfig(CommonConfig common) {
  public static final int DEFAULT_ADMIN_PORT = 9070;

  public static List<ConfigKey> keys() {
    return CommonConfig.keys(DEFAULT_ADMIN_PORT);
  }

  public static CatalogConfig from(Settings s) {
    return new CatalogConfig(CommonConfig.from("catalog-service", s));
  }
}
