package dev.pxebus.tftp;

import dev.pxebus.runtime.ServiceMain;

/** {@code java -jar tftp-service.jar [--config FILE]} */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run("tftp-service", TftpConfig.keys(), args, s -> TftpApp.start(TftpConfig.from(s)));
  }
}
