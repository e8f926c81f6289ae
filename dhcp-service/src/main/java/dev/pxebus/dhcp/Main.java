package dev.pxebus.dhcp;

import dev.pxebus.runtime.ServiceMain;

/** {@code java -jar dhcp-service.jar [--config FILE]} */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run("dhcp-service", DhcpConfig.keys(), args, s -> DhcpApp.start(DhcpConfig.from(s)));
  }
}
