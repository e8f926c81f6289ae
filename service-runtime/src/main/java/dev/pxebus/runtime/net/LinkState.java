package dev.pxebus.runtime.net;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the boot path asks of a network interface before it serves on it. */
public final class LinkState {
  private LinkState() {}

  /**
   * Whether the interface is administratively up (IFF_UP). {@link NetworkInterface#isUp} also wants a carrier
   * (IFF_RUNNING), so a bridge whose only ports are VM taps not opened yet, or a link whose cable comes later, would
   * look down although a server can bind it and will hear its clients once the link is there. Read from
   * {@code /sys/class/net/<name>/flags} on Linux; elsewhere {@code isUp()}.
   */
  public static boolean isAdminUp(NetworkInterface ni) throws SocketException {
    try {
      String v = Files.readString(Path.of("/sys/class/net", ni.getName(), "flags")).trim();
      return (Long.decode(v) & 0x1) != 0;
    } catch (IOException | NumberFormatException | java.nio.file.InvalidPathException e) {
      return ni.isUp();
    }
  }
}
