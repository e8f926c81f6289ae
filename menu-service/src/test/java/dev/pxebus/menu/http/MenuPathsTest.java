package dev.pxebus.menu.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.menu.select.MenuRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MenuPaths#parse}: which menu each name a bootloader fetches asks for, where its MAC comes from (the name or
 * the {@code mac} hint), how untrusted hints are tolerated, and which names are not menus (pxelinux's UUID and hex-IP
 * probes, GRUB's IP forms, anything else) so that they get a quick 404.
 */
class MenuPathsTest {
  private static final String MAC = "52:54:00:12:34:56";

  /** {@code k1, v1, k2, v2, …} as a query map. */
  private static Map<String, String> query(String... kv) {
    Map<String, String> q = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) q.put(kv[i], kv[i + 1]);
    return q;
  }

  private static Arguments menu(String name, String path, Map<String, String> query, MenuRequest want) {
    return Arguments.of(named(name, path), query, Optional.of(want));
  }

  private static Arguments notAMenu(String name, String path) {
    return Arguments.of(named(name, path), query("mac", MAC), Optional.empty());
  }

  private static MenuRequest ipxe(String mac, String arch, String uuid) {
    return new MenuRequest(MenuFormat.IPXE, mac, arch, uuid);
  }

  private static MenuRequest pxelinux(String mac, String arch, String uuid) {
    return new MenuRequest(MenuFormat.PXELINUX, mac, arch, uuid);
  }

  private static MenuRequest grub(String mac, String arch, String uuid) {
    return new MenuRequest(MenuFormat.GRUB, mac, arch, uuid);
  }

  static Stream<Arguments> paths() {
    String uuid = "8d3c2f1e-0b7a-4c55-9e21-3a4b5c6d7e8f";
    return Stream.of(
        // ------------------------------------------------------------------ iPXE: the MAC is the hint
        menu("boot.ipxe with every hint", "/boot.ipxe", query("mac", MAC, "arch", "efi-x86_64", "uuid", uuid),
            ipxe(MAC, "efi-x86_64", uuid)),
        menu("boot.ipxe with iPXE's ${mac:hexhyp}", "/boot.ipxe", query("mac", "52-54-00-12-34-56"),
            ipxe(MAC, null, null)),
        menu("boot.ipxe with an upper-case MAC", "/boot.ipxe", query("mac", "52:54:00:AB:CD:EF"),
            ipxe("52:54:00:ab:cd:ef", null, null)),
        menu("boot.ipxe with a dotted MAC", "/boot.ipxe", query("mac", "5254.0012.3456"), ipxe(MAC, null, null)),
        menu("boot.ipxe with a bare-hex MAC", "/boot.ipxe", query("mac", "525400123456"), ipxe(MAC, null, null)),
        menu("boot.ipxe without a MAC", "/boot.ipxe", query(), ipxe(null, null, null)),
        menu("boot.ipxe with an empty MAC", "/boot.ipxe", query("mac", ""), ipxe(null, null, null)),
        menu("boot.ipxe with a MAC that is not one", "/boot.ipxe", query("mac", "nonsense"), ipxe(null, null, null)),
        menu("boot.ipxe with pxelinux's 01- prefix on the MAC", "/boot.ipxe", query("mac", "01-52-54-00-12-34-56"),
            ipxe(null, null, null)),
        menu("boot.ipxe with an over-long MAC hint", "/boot.ipxe", query("mac", " ".repeat(20) + MAC),
            ipxe(null, null, null)),
        menu("boot.ipxe with ${uuid} and ${buildarch} unset (empty hints)", "/boot.ipxe",
            query("mac", MAC, "arch", "", "uuid", ""), ipxe(MAC, null, null)),
        menu("boot.ipxe with blank hints", "/boot.ipxe", query("mac", MAC, "arch", "  ", "uuid", " "),
            ipxe(MAC, null, null)),
        menu("boot.ipxe passes the arch hint on raw (the planner reads it)", "/boot.ipxe",
            query("mac", MAC, "arch", "pcbios-x86_64"), ipxe(MAC, "pcbios-x86_64", null)),
        menu("boot.ipxe passes an option 93 number on raw", "/boot.ipxe", query("mac", MAC, "arch", "00007"),
            ipxe(MAC, "00007", null)),
        menu("boot.ipxe ignores hints it does not know", "/boot.ipxe", query("mac", MAC, "ip", "10.0.0.9", "x", "y"),
            ipxe(MAC, null, null)),

        // ------------------------------------------------------------------ pxelinux: the MAC is the name
        menu("pxelinux.cfg/01-<mac>", "/pxelinux.cfg/01-52-54-00-12-34-56", query(), pxelinux(MAC, null, null)),
        menu("pxelinux.cfg/01-<MAC> in upper case", "/pxelinux.cfg/01-52-54-00-AB-CD-EF", query(),
            pxelinux("52:54:00:ab:cd:ef", null, null)),
        menu("pxelinux.cfg/01-<mac>: the name wins over the hint", "/pxelinux.cfg/01-52-54-00-12-34-56",
            query("mac", "52:54:00:99:99:99"), pxelinux(MAC, null, null)),
        menu("pxelinux.cfg/01-<mac> with tftp-service's hints", "/pxelinux.cfg/01-52-54-00-12-34-56",
            query("mac", MAC, "arch", "00000", "uuid", uuid), pxelinux(MAC, "00000", uuid)),
        menu("pxelinux.cfg/default with a MAC hint", "/pxelinux.cfg/default", query("mac", MAC, "arch", "0"),
            pxelinux(MAC, "0", null)),
        menu("pxelinux.cfg/default with a dashed MAC hint", "/pxelinux.cfg/default", query("mac", "52-54-00-12-34-56"),
            pxelinux(MAC, null, null)),
        menu("pxelinux.cfg/default without a MAC", "/pxelinux.cfg/default", query(), pxelinux(null, null, null)),
        menu("pxelinux.cfg/default with a bad MAC hint", "/pxelinux.cfg/default", query("mac", "52:54:00"),
            pxelinux(null, null, null)),

        // ------------------------------------------------------------------ GRUB: the MAC is the name
        menu("grub/grub.cfg-01-<mac>", "/grub/grub.cfg-01-52-54-00-12-34-56", query(), grub(MAC, null, null)),
        menu("grub/grub.cfg-01-<MAC> in upper case", "/grub/grub.cfg-01-52-54-00-AB-CD-EF", query(),
            grub("52:54:00:ab:cd:ef", null, null)),
        menu("grub/grub.cfg-01-<mac>: the name wins over the hint", "/grub/grub.cfg-01-52-54-00-12-34-56",
            query("mac", "52:54:00:99:99:99", "arch", "00007"), grub(MAC, "00007", null)),
        menu("grub/grub.cfg with a MAC hint", "/grub/grub.cfg", query("mac", MAC, "uuid", uuid), grub(MAC, null, uuid)),
        menu("grub/grub.cfg without a MAC", "/grub/grub.cfg", query(), grub(null, null, null)),

        // ------------------------------------------------------------------ not menus: 404 at once
        notAMenu("pxelinux's UUID probe", "/pxelinux.cfg/" + uuid),
        notAMenu("pxelinux's whole address in hex", "/pxelinux.cfg/C0A8011F"),
        notAMenu("pxelinux's shortest address prefix", "/pxelinux.cfg/C"),
        notAMenu("pxelinux.cfg/ itself", "/pxelinux.cfg/"),
        notAMenu("pxelinux.cfg/01- with no MAC", "/pxelinux.cfg/01-"),
        notAMenu("pxelinux.cfg/01- with five octets", "/pxelinux.cfg/01-52-54-00-12-34"),
        notAMenu("pxelinux.cfg/01- with seven octets", "/pxelinux.cfg/01-52-54-00-12-34-56-78"),
        notAMenu("pxelinux.cfg/01- with a non-hex digit", "/pxelinux.cfg/01-52-54-00-12-34-5g"),
        notAMenu("pxelinux.cfg/01- with colons", "/pxelinux.cfg/01-52:54:00:12:34:56"),
        notAMenu("pxelinux.cfg/01- with mixed separators", "/pxelinux.cfg/01-52-54-00:12-34-56"),
        notAMenu("pxelinux.cfg/01- with a bare-hex MAC", "/pxelinux.cfg/01-525400123456"),
        notAMenu("pxelinux.cfg/<mac> without the ARP type", "/pxelinux.cfg/52-54-00-12-34-56"),
        notAMenu("pxelinux.cfg/01-<mac> with a trailing slash", "/pxelinux.cfg/01-52-54-00-12-34-56/"),
        notAMenu("pxelinux.cfg/DEFAULT in upper case", "/pxelinux.cfg/DEFAULT"),
        notAMenu("pxelinux.cfg/default with a trailing slash", "/pxelinux.cfg/default/"),
        notAMenu("pxelinux.cfg without the directory slash", "/pxelinux.cfg"),
        notAMenu("GRUB's address form", "/grub/grub.cfg-C0A8011F"),
        notAMenu("GRUB's address prefix form", "/grub/grub.cfg-C0A801"),
        notAMenu("grub.cfg-01- with five octets", "/grub/grub.cfg-01-52-54-00-12-34"),
        notAMenu("grub.cfg-<mac> without the ARP type", "/grub/grub.cfg-52-54-00-12-34-56"),
        notAMenu("grub.cfg outside grub/", "/grub.cfg"),
        notAMenu("another iPXE script", "/menu.ipxe"),
        notAMenu("boot.ipxe in a directory", "/ipxe/boot.ipxe"),
        notAMenu("boot.ipxe with a trailing slash", "/boot.ipxe/"),
        notAMenu("a kernel", "/images/debian/vmlinuz"),
        notAMenu("the root", "/"),
        notAMenu("empty", ""),
        notAMenu("no leading slash", "boot.ipxe"));
  }

  @ParameterizedTest
  @MethodSource("paths")
  void parsesTheMenuAPathAsksFor(String path, Map<String, String> query, Optional<MenuRequest> want) {
    assertEquals(want, MenuPaths.parse(path, query));
  }

  @Test
  void aNullPathIsNotAMenu() {
    assertEquals(Optional.empty(), MenuPaths.parse(null, query("mac", MAC)));
  }
}
