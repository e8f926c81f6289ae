package dev.pxebus.menu.select;

import dev.pxebus.catalog.spec.ArtifactSpec;
import dev.pxebus.catalog.spec.CatalogSpec;
import dev.pxebus.catalog.spec.CatalogState;
import dev.pxebus.catalog.spec.ClientArch;
import dev.pxebus.catalog.spec.CpuArch;
import dev.pxebus.catalog.spec.GroupSpec;
import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.catalog.spec.ImageSpec;
import dev.pxebus.catalog.spec.ProfileSpec;
import dev.pxebus.catalog.spec.Selector;
import dev.pxebus.events.boot.MenuFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A small lab catalog the planner tests share, and builders for the rest. */
final class PlanFixtures {
  private PlanFixtures() {}

  static final String NODE_1 = "52:54:00:12:34:56";
  static final String UUID_1 = "4c4c4544-0042-4d10-8057-b4c04f4e3632";

  // ------------------------------------------------------------------ images: one per processor family but arm32
  static final ImageSpec ALPINE = image("alpine-arm64", "Alpine", null, CpuArch.ARM64, "vmlinuz-lts", null,
      "initramfs-lts");
  static final ImageSpec DEBIAN = image("debian-12", "Debian 12 netboot", "12.10", CpuArch.X86_64, "vmlinuz",
      "priority=critical console=tty0", "initrd.gz", "firmware.cpio.gz");
  static final ImageSpec TINY = image("tiny-i386", "Tiny Core", "15.0", CpuArch.I386, "vmlinuz", "quiet",
      "core.gz");

  // ------------------------------------------------------------------ profiles
  static final ProfileSpec DEBIAN_INSTALL = new ProfileSpec("debian-install", "debian-12",
      "console=ttyS0,115200n8 auto=true", "Install Debian 12 (unattended)");
  static final ProfileSpec DEBIAN_RESCUE = new ProfileSpec("debian-rescue", "debian-12", "rescue/enable=true", null);
  static final ProfileSpec ALPINE_LIVE = new ProfileSpec("alpine-live", "alpine-arm64", null, null);
  static final ProfileSpec TINY_LIVE = new ProfileSpec("tiny-live", "tiny-i386", null, null);
  /** Its image has not arrived (yet). */
  static final ProfileSpec GHOST = new ProfileSpec("ghost", "gone", null, null);

  static final List<CatalogSpec> IMAGES_AND_PROFILES = List.of(ALPINE, DEBIAN, TINY, DEBIAN_INSTALL, DEBIAN_RESCUE,
      ALPINE_LIVE, TINY_LIVE, GHOST);

  static ImageSpec image(String id, String name, String version, CpuArch arch, String kernel, String cmdline,
      String... initrds) {
    List<ArtifactSpec> files = Arrays.stream(initrds).map(PlanFixtures::artifact).toList();
    return new ImageSpec(id, name, version, arch, artifact(kernel), files, cmdline, Map.of());
  }

  static ArtifactSpec artifact(String name) {
    String hex = Integer.toHexString(Math.abs(name.hashCode()));
    return new ArtifactSpec(name, "0".repeat(64 - hex.length()) + hex, 4096);
  }

  static HostSpec host(String mac, String hostname, String profile, boolean bootOnce, String... labels) {
    return new HostSpec(mac, hostname, map(labels), null, profile, bootOnce);
  }

  static GroupSpec group(String id, String profile, String mac, ClientArch arch, String uuid, String... labels) {
    return new GroupSpec(id, null, profile, new Selector(mac, arch, uuid, map(labels)));
  }

  static GroupSpec labels(String id, String profile, String... labels) {
    return group(id, profile, null, null, null, labels);
  }

  static GroupSpec dflt(String id, String profile) {
    return group(id, profile, null, null, null);
  }

  static Map<String, String> map(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  /** The images and profiles above, plus these. */
  static CatalogState lab(CatalogSpec... more) {
    List<CatalogSpec> all = new ArrayList<>(IMAGES_AND_PROFILES);
    all.addAll(List.of(more));
    return CatalogState.of(all.toArray(CatalogSpec[]::new));
  }

  static MenuRequest ipxe(String mac, String arch, String uuid) {
    return new MenuRequest(MenuFormat.IPXE, mac, arch, uuid);
  }

  /**
   * Installed according to the MACs given; fails the test when asked about a host not flagged boot-once (the
   * planner must not ask).
   */
  static BootOnce installed(Set<String> macs) {
    return host -> {
      if (!host.bootOnce()) throw new AssertionError("asked whether " + host.mac() + " installed: not boot-once");
      return macs.contains(host.mac());
    };
  }
}
