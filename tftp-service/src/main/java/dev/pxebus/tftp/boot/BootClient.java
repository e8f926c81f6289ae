package dev.pxebus.tftp.boot;

import dev.pxebus.events.Mac;
import java.util.regex.Pattern;

/**
 * What is known about the machine asking for a file, passed along to menu-service so it can render that machine's
 * menu. TFTP knows only the peer address; iPXE over HTTP can add {@code ?mac=${mac}&arch=${buildarch}&uuid=${uuid}}.
 * Hints that do not look like what they claim to be are dropped ({@link #of}), never forwarded.
 *
 * @param ip the client's address as seen by this replica, or null
 * @param mac canonical MAC ({@link Mac#canonical}), or null when unknown
 * @param arch client architecture as the client named it (iPXE {@code ${buildarch}}, RFC 4578 arch number), or null
 * @param uuid SMBIOS UUID, or null
 */
public record BootClient(String ip, String mac, String arch, String uuid) {
  private static final Pattern ARCH = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
  private static final Pattern UUID = Pattern.compile("[0-9A-Fa-f-]{32,36}");
  private static final Pattern IP = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  /** A client known by its address only (TFTP). */
  public static BootClient ofIp(String ip) {
    return of(ip, null, null, null);
  }

  /** Builds a client from untrusted hints: each one that does not parse becomes null. */
  public static BootClient of(String ip, String mac, String arch, String uuid) {
    return new BootClient(
        ip != null && IP.matcher(ip).matches() ? ip : null,
        mac != null && Mac.isValid(mac) ? Mac.canonical(mac) : null,
        arch != null && ARCH.matcher(arch).matches() ? arch : null,
        uuid != null && UUID.matcher(uuid).matches() ? uuid.toLowerCase(java.util.Locale.ROOT) : null);
  }

  @Override
  public String toString() {
    return (mac != null ? mac : "?") + "@" + (ip != null ? ip : "?");
  }
}
