package dev.pxebus.menu;

import dev.pxebus.runtime.ServiceMain;

/** {@code java -jar menu-service.jar [--config FILE]} */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run("menu-service", MenuConfig.keys(), args, s -> MenuApp.start(MenuConfig.from(s)));
  }
}
