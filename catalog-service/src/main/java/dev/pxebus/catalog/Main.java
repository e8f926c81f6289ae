package dev.pxebus.catalog;

import dev.pxebus.runtime.ServiceMain;

/** {@code java -jar catalog-service.jar [--config FILE]} */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run("catalog-service", CatalogConfig.keys(), args, s -> CatalogApp.start(CatalogConfig.from(s)));
  }
}
