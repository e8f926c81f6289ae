package dev.pxebus.menu.http;

import dev.pxebus.events.Mac;
import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.menu.select.MenuRequest;
import java.util.Map;
import java.util.Optional;

/**
 * Which menu a request path asks for, as a pure function. The names are those the bootloaders fetch (through
 * tftp-service, which adds the client's {@code mac}, {@code ip}, {@code arch}, {@code uuid} as query hints), or iPXE
 * directly:
 *
 * <table>
 *   <tr><th>path</th><th>menu</th><th>MAC from</th></tr>
 *   <tr><td>{@code /boot.ipxe}</td><td>iPXE</td><td>{@code ?mac=}</td></tr>
 *   <tr><td>{@code /pxelinux.cfg/01-52-54-00-12-34-56}</td><td>pxelinux</td><td>the name (ARP type 1 + MAC)</td></tr>
 *   <tr><td>{@code /pxelinux.cfg/default}</td><td>pxelinux</td><td>{@code ?mac=}, else none</td></tr>
 *   <tr><td>{@code /grub/grub.cfg-01-52-54-00-12-34-56}</td><td>GRUB</td><td>the name</td></tr>
 *   <tr><td>{@code /grub/grub.cfg}</td><td>GRUB</td><td>{@code ?mac=}, else none</td></tr>
 * </table>
 *
 * pxelinux also probes its UUID and its IP address in hex ({@code C0A8011F}, {@code C0A801}, …) before
 * {@code 01-<mac>}, and GRUB its IP forms: those are not menus of ours (empty → 404 at once), so the bootloader
 * goes on to the name that carries the MAC.
 */
public final class MenuPaths {
  private MenuPaths() {}

  public static Optional<MenuRequest> parse(String path, Map<String, String> query) {
    if (path == null) return Optional.empty();
    String mac = mac(query.get("mac"));
    // iPXE expands an unset ${uuid} or ${buildarch} to nothing: an empty hint is no hint.
    String arch = blankToNull(query.get("arch"));
    String uuid = blankToNull(query.get("uuid"));
    switch (path) {
      case "/boot.ipxe":
        return Optional.of(new MenuRequest(MenuFormat.IPXE, mac, arch, uuid));
      case "/pxelinux.cfg/default":
        return Optional.of(new MenuRequest(MenuFormat.PXELINUX, mac, arch, uuid));
      case "/grub/grub.cfg":
        return Optional.of(new MenuRequest(MenuFormat.GRUB, mac, arch, uuid));
      default:
        break;
    }
    if (path.startsWith("/pxelinux.cfg/01-")) {
      return fromName(path.substring("/pxelinux.cfg/01-".length()), MenuFormat.PXELINUX, arch, uuid);
    }
    if (path.startsWith("/grub/grub.cfg-01-")) {
      return fromName(path.substring("/grub/grub.cfg-01-".length()), MenuFormat.GRUB, arch, uuid);
    }
    return Optional.empty();
  }

  /** {@code 52-54-00-12-34-56}, the dash form both bootloaders use, in either case. */
  private static Optional<MenuRequest> fromName(String name, MenuFormat format, String arch, String uuid) {
    if (name.length() != 17 || !name.matches("[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){5}")) return Optional.empty();
    return Optional.of(new MenuRequest(format, Mac.canonical(name), arch, uuid));
  }

  private static String blankToNull(String hint) {
    return hint == null || hint.isBlank() ? null : hint;
  }

  private static String mac(String hint) {
    return hint != null && hint.length() <= 32 && Mac.isValid(hint) ? Mac.canonical(hint) : null;
  }
}
