package dev.pxebus.menu.select;

import static dev.pxebus.menu.select.PlanFixtures.NODE_1;
import static dev.pxebus.menu.select.PlanFixtures.UUID_1;
import static dev.pxebus.menu.select.PlanFixtures.dflt;
import static dev.pxebus.menu.select.PlanFixtures.group;
import static dev.pxebus.menu.select.PlanFixtures.host;
import static dev.pxebus.menu.select.PlanFixtures.image;
import static dev.pxebus.menu.select.PlanFixtures.installed;
import static dev.pxebus.menu.select.PlanFixtures.ipxe;
import static dev.pxebus.menu.select.PlanFixtures.lab;
import static dev.pxebus.menu.select.PlanFixtures.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.catalog.spec.CatalogState;
import dev.pxebus.catalog.spec.ClientArch;
import dev.pxebus.catalog.spec.CpuArch;
import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.catalog.spec.ProfileSpec;
import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.menu.render.MenuModel;
import dev.pxebus.menu.render.MenuModel.Entry;
import dev.pxebus.menu.render.MenuModel.LocalBoot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which menu a machine gets: one row per rule of {@link MenuPlanner} and per fallback, comparing how it was chosen,
 * the profile and group, the reason line, the entries offered, the default and the timeout. The exact entries
 * (labels, paths, command lines) and the options' effect are compared whole in the tests after the table.
 */
class MenuPlannerTest {
  private static final String WORKER = "52:54:00:00:00:02";
  private static final String ONCE = "52:54:00:00:00:03";
  private static final String ONCE_WORKER = "52:54:00:00:00:04";
  private static final String STRANGER = "52:54:00:00:00:08";
  private static final String LISTED = "52:54:00:00:00:09";
  private static final String LOCAL = MenuModel.LOCAL_ID;

  /** node-1 has its own profile; the worker only labels; the two boot-once hosts one of each. */
  private static final HostSpec NODE_1_HOST = host(NODE_1, "node-1", "debian-install", false);
  private static final HostSpec WORKER_HOST = host(WORKER, null, null, false, "role", "worker");
  private static final HostSpec ONCE_HOST = host(ONCE, "once", "debian-install", true);
  private static final HostSpec ONCE_WORKER_HOST = host(ONCE_WORKER, null, null, true, "role", "worker");

  private record Expect(MenuSelection by, String profile, String group, String reason, List<String> entries,
      String defaultId, int timeout) {}

  private record Case(CatalogState catalog, MenuRequest request, Set<String> installed, Expect expect) {}

  private static Arguments row(String name, CatalogState catalog, MenuRequest request, Set<String> installed,
      Expect expect) {
    return Arguments.of(named(name, new Case(catalog, request, installed, expect)));
  }

  private static Expect byHost(String profile, String reason) {
    return new Expect(MenuSelection.HOST, profile, null, reason, List.of(profile), profile, 10);
  }

  private static Expect byGroup(String group, String profile, String reason) {
    return new Expect(MenuSelection.GROUP, profile, group, reason, List.of(profile), profile, 10);
  }

  private static Expect byDefaultGroup(String group, String profile, String reason) {
    return new Expect(MenuSelection.DEFAULT_GROUP, profile, group, reason, List.of(profile), profile, 10);
  }

  private static Expect localBoot(String reason) {
    return new Expect(MenuSelection.LOCAL_BOOT, null, null, reason, List.of(), LOCAL, 0);
  }

  private static Expect defaultMenu(String reason, String... images) {
    return new Expect(MenuSelection.DEFAULT_MENU, null, null, reason, List.of(images), LOCAL, 10);
  }

  static Stream<Arguments> rules() {
    Set<String> none = Set.of();
    CatalogState hosts = lab(NODE_1_HOST, WORKER_HOST, ONCE_HOST, ONCE_WORKER_HOST,
        labels("workers", "debian-rescue", "role", "worker"), dflt("everyone", "tiny-live"));
    CatalogState noGroups = lab(NODE_1_HOST, WORKER_HOST, ONCE_WORKER_HOST);
    CatalogState selectors = lab(WORKER_HOST,
        group("by-uuid", "tiny-live", null, null, UUID_1),
        group("by-mac", "debian-rescue", LISTED, null, null),
        group("uefi", "debian-install", null, ClientArch.EFI_X86_64, null),
        labels("workers", "debian-rescue", "role", "worker"),
        group("uefi-workers", "debian-install", null, ClientArch.EFI_X86_64, null, "role", "worker"),
        dflt("everyone", "tiny-live"));
    return Stream.of(
        // ------------------------------------------------------------------ 1. the host's own profile
        row("host with its own profile: that entry by default, plus local boot", hosts, ipxe(NODE_1, null, null),
            none, byHost("debian-install", "host 52:54:00:12:34:56: own profile debian-install")),
        row("the host's MAC in another spelling is the same host", hosts, ipxe("52-54-00-12-34-56", null, null), none,
            byHost("debian-install", "host 52:54:00:12:34:56: own profile debian-install")),
        row("the host's own profile beats a group selecting its very MAC", lab(NODE_1_HOST,
            group("node-1-mac", "tiny-live", NODE_1, null, null)), ipxe(NODE_1, null, null), none,
            byHost("debian-install", "host 52:54:00:12:34:56: own profile debian-install")),
        row("own profile, arch unknown: the image's arch is not checked", lab(host(NODE_1, null, "alpine-live",
            false)), ipxe(NODE_1, "garbage", null), none,
            byHost("alpine-live", "host 52:54:00:12:34:56: own profile alpine-live")),

        // ------------------------------------------------------------------ boot once, own profile
        row("boot-once host not installed yet: its install entry", hosts, ipxe(ONCE, null, null), none,
            byHost("debian-install", "host 52:54:00:00:00:03: own profile debian-install")),
        row("boot-once host installed: local boot only, at once", hosts, ipxe(ONCE, null, null), Set.of(ONCE),
            localBoot("host 52:54:00:00:00:03: boot-once profile debian-install installed: local boot")),
        row("boot-once host installed while its profile's image is missing: still local boot (decided first)",
            lab(host(ONCE, null, "ghost", true)), ipxe(ONCE, null, null), Set.of(ONCE),
            localBoot("host 52:54:00:00:00:03: boot-once profile ghost installed: local boot")),
        row("an installed signal for a host not flagged boot-once changes nothing (and is not asked)", hosts,
            ipxe(NODE_1, null, null), Set.of(NODE_1),
            byHost("debian-install", "host 52:54:00:12:34:56: own profile debian-install")),

        // ------------------------------------------------------------------ 1 → 2: own profile cannot boot
        row("own profile missing: the group its labels select", lab(host(WORKER, null, "nope", false, "role",
            "worker"), labels("workers", "debian-rescue", "role", "worker")), ipxe(WORKER, null, null), none,
            byGroup("workers", "debian-rescue", "host 52:54:00:00:00:02: own profile nope missing; "
                + "group workers: label.role=worker (1 selector)")),
        row("own profile's image missing: the default group", lab(host(NODE_1, null, "ghost", false),
            dflt("everyone", "tiny-live")), ipxe(NODE_1, null, null), none,
            byDefaultGroup("everyone", "tiny-live", "host 52:54:00:12:34:56: own profile ghost: image gone missing; "
                + "no group matched 52:54:00:12:34:56; default group everyone")),
        row("own profile's image for another processor: the group its arch selects",
            lab(host(NODE_1, null, "alpine-live", false), group("uefi", "debian-install", null,
                ClientArch.EFI_X86_64, null)), ipxe(NODE_1, "7", null), none,
            byGroup("uefi", "debian-install", "host 52:54:00:12:34:56: own profile alpine-live: image alpine-arm64 "
                + "is for arm64, which efi-x86_64 cannot run; group uefi: arch=efi-x86_64 (1 selector)")),
        row("own profile's image missing, no group: the default menu", lab(host(NODE_1, null, "ghost", false)),
            ipxe(NODE_1, null, null), none,
            defaultMenu("host 52:54:00:12:34:56: own profile ghost: image gone missing; "
                + "no group matched 52:54:00:12:34:56: default menu of 3 images",
                "alpine-arm64", "debian-12", "tiny-i386")),

        // ------------------------------------------------------------------ 2. groups
        row("labels of the host entry select a group", hosts, ipxe(WORKER, null, null), none,
            byGroup("workers", "debian-rescue", "group workers: label.role=worker (1 selector)")),
        row("an unknown host has no labels: label groups never match it", hosts, ipxe(STRANGER, null, null), none,
            byDefaultGroup("everyone", "tiny-live", "no group matched 52:54:00:00:00:08; default group everyone")),
        row("a MAC selects a group for a machine with no host entry", selectors, ipxe(LISTED, null, null), none,
            byGroup("by-mac", "debian-rescue", "group by-mac: mac=52:54:00:00:00:09 (1 selector)")),
        row("a UUID selects a group (hint in upper case, normalised)", selectors,
            ipxe(STRANGER, null, UUID_1.toUpperCase()), none,
            byGroup("by-uuid", "tiny-live", "group by-uuid: uuid=" + UUID_1 + " (1 selector)")),
        row("a UUID as 32 hex digits in braces is the same UUID", selectors,
            ipxe(STRANGER, null, "{" + UUID_1.replace("-", "") + "}"), none,
            byGroup("by-uuid", "tiny-live", "group by-uuid: uuid=" + UUID_1 + " (1 selector)")),
        row("the nil UUID firmware sends when it has none is no UUID", selectors,
            ipxe(STRANGER, null, "00000000-0000-0000-0000-000000000000"), none,
            byDefaultGroup("everyone", "tiny-live", "no group matched 52:54:00:00:00:08; default group everyone")),
        row("an unparseable UUID is no UUID", selectors, ipxe(STRANGER, null, "not-a-uuid"), none,
            byDefaultGroup("everyone", "tiny-live", "no group matched 52:54:00:00:00:08; default group everyone")),
        row("an option 93 arch hint selects the arch group", selectors, ipxe(STRANGER, "00007", null), none,
            byGroup("uefi", "debian-install", "group uefi: arch=efi-x86_64 (1 selector)")),
        row("an iPXE platform-buildarch hint selects the arch group", selectors, ipxe(STRANGER, "efi-x64", null),
            none, byGroup("uefi", "debian-install", "group uefi: arch=efi-x86_64 (1 selector)")),
        row("the most specific group wins, and the reason names those it outranked", selectors,
            ipxe(WORKER, "efi-x86_64", null), none,
            byGroup("uefi-workers", "debian-install", "group uefi-workers: arch=efi-x86_64, label.role=worker "
                + "(2 selectors), over uefi (1), workers (1)")),
        row("no group matched: the default group", selectors, ipxe(STRANGER, "bios", null), none,
            byDefaultGroup("everyone", "tiny-live", "no group matched 52:54:00:00:00:08; default group everyone")),

        // ------------------------------------------------------------------ unknown MAC
        row("no MAC hint: the default group, named without a MAC", selectors, ipxe(null, null, null), none,
            byDefaultGroup("everyone", "tiny-live", "no group matched an unknown MAC; default group everyone")),
        row("an invalid MAC hint is an unknown MAC", selectors, ipxe("nonsense", null, null), none,
            byDefaultGroup("everyone", "tiny-live", "no group matched an unknown MAC; default group everyone")),
        row("pxelinux's 01- prefixed MAC is not a MAC: unknown", selectors, ipxe("01-52-54-00-00-00-09", null, null),
            none, byDefaultGroup("everyone", "tiny-live", "no group matched an unknown MAC; default group everyone")),
        row("the null MAC (tftp-service's cannot-name-it) is an unknown MAC", selectors,
            ipxe("00:00:00:00:00:00", null, null), none,
            byDefaultGroup("everyone", "tiny-live", "no group matched an unknown MAC; default group everyone")),
        row("a multicast MAC is no machine's: unknown", selectors, ipxe("01:00:5e:00:00:01", null, null), none,
            byDefaultGroup("everyone", "tiny-live", "no group matched an unknown MAC; default group everyone")),
        row("unknown MAC: arch and UUID groups still match", selectors, ipxe(null, "7", null), none,
            byGroup("uefi", "debian-install", "group uefi: arch=efi-x86_64 (1 selector)")),
        row("unknown MAC, no groups: the default menu", noGroups, ipxe(null, null, null), none,
            defaultMenu("no group matched an unknown MAC: default menu of 3 images",
                "alpine-arm64", "debian-12", "tiny-i386")),

        // ------------------------------------------------------------------ boot once through a group
        row("boot-once host without its own profile, not installed: its group's entry", hosts,
            ipxe(ONCE_WORKER, null, null), none,
            byGroup("workers", "debian-rescue", "group workers: label.role=worker (1 selector)")),
        row("boot-once host without its own profile, installed: local boot", hosts, ipxe(ONCE_WORKER, null, null),
            Set.of(ONCE_WORKER), localBoot("group workers: label.role=worker (1 selector); host 52:54:00:00:00:04: "
                + "boot-once profile debian-rescue installed: local boot")),
        row("boot-once host in the default group, installed: local boot", lab(host(ONCE_WORKER, null, null, true),
            dflt("everyone", "tiny-live")), ipxe(ONCE_WORKER, null, null), Set.of(ONCE_WORKER),
            localBoot("no group matched 52:54:00:00:00:04; default group everyone; host 52:54:00:00:00:04: "
                + "boot-once profile tiny-live installed: local boot")),
        row("boot-once host installed, no group: the default menu (local boot is its default already)", noGroups,
            ipxe(ONCE_WORKER, null, null), Set.of(ONCE_WORKER),
            defaultMenu("no group matched 52:54:00:00:00:04: default menu of 3 images",
                "alpine-arm64", "debian-12", "tiny-i386")),

        // ------------------------------------------------------------------ 2 → default group → 3
        row("the group's profile's image missing: the default group", lab(WORKER_HOST,
            labels("workers", "ghost", "role", "worker"), dflt("everyone", "tiny-live")), ipxe(WORKER, null, null),
            none, byDefaultGroup("everyone", "tiny-live", "group workers: label.role=worker (1 selector): profile "
                + "ghost: image gone missing; default group everyone")),
        row("the group's profile missing, no default group: the default menu", lab(WORKER_HOST,
            labels("workers", "nope", "role", "worker")), ipxe(WORKER, null, null), none,
            defaultMenu("group workers: label.role=worker (1 selector): profile nope missing; "
                + "default menu of 3 images", "alpine-arm64", "debian-12", "tiny-i386")),
        row("the group's image for another processor: the default group", lab(group("arm-boards", "debian-rescue",
            null, ClientArch.EFI_ARM64, null), dflt("everyone", "alpine-live")), ipxe(STRANGER, "efi-arm64", null),
            none, byDefaultGroup("everyone", "alpine-live", "group arm-boards: arch=efi-arm64 (1 selector): profile "
                + "debian-rescue: image debian-12 is for x86_64, which efi-arm64 cannot run; default group "
                + "everyone")),
        row("the default group's image missing: the default menu", lab(dflt("everyone", "ghost")),
            ipxe(STRANGER, null, null), none,
            defaultMenu("no group matched 52:54:00:00:00:08; default group everyone: profile ghost: image gone "
                + "missing; default menu of 3 images", "alpine-arm64", "debian-12", "tiny-i386")),
        row("own profile, group and default group all unbootable: every reason, in order",
            lab(host(WORKER, null, "ghost", false, "role", "worker"), labels("workers", "nope", "role", "worker"),
                dflt("everyone", "ghost")), ipxe(WORKER, null, null), none,
            defaultMenu("host 52:54:00:00:00:02: own profile ghost: image gone missing; group workers: "
                + "label.role=worker (1 selector): profile nope missing; default group everyone: profile ghost: "
                + "image gone missing; default menu of 3 images", "alpine-arm64", "debian-12", "tiny-i386")),

        // ------------------------------------------------------------------ 3. the default menu
        row("no group: every image by id, local boot by default", noGroups, ipxe(STRANGER, null, null), none,
            defaultMenu("no group matched 52:54:00:00:00:08: default menu of 3 images",
                "alpine-arm64", "debian-12", "tiny-i386")),
        row("default menu for arm64 UEFI: arm64 images only", noGroups, ipxe(STRANGER, "efi-arm64", null), none,
            defaultMenu("no group matched 52:54:00:00:00:08: default menu of 1 image (2 not for efi-arm64)",
                "alpine-arm64")),
        row("default menu for BIOS: x86_64 and i386", noGroups, ipxe(STRANGER, "pcbios-x86_64", null), none,
            defaultMenu("no group matched 52:54:00:00:00:08: default menu of 2 images (1 not for bios)",
                "debian-12", "tiny-i386")),
        row("default menu for x86-64 UEFI: x86_64 only", noGroups, ipxe(STRANGER, "7", null), none,
            defaultMenu("no group matched 52:54:00:00:00:08: default menu of 1 image (2 not for efi-x86_64)",
                "debian-12")),
        row("default menu for 32-bit UEFI: i386 and x86_64 (mixed mode)", noGroups, ipxe(STRANGER, "efi-i386", null),
            none, defaultMenu("no group matched 52:54:00:00:00:08: default menu of 2 images (1 not for efi-ia32)",
                "debian-12", "tiny-i386")),
        row("default menu for an arch no image is for: local boot only", noGroups, ipxe(STRANGER, "efi-arm32", null),
            none, defaultMenu("no group matched 52:54:00:00:00:08: default menu of 0 images (3 not for efi-arm32)")),
        row("an arch hint nobody knows: every image", noGroups, ipxe(STRANGER, "riscv64", null), none,
            defaultMenu("no group matched 52:54:00:00:00:08: default menu of 3 images",
                "alpine-arm64", "debian-12", "tiny-i386")),
        row("empty catalog: a default menu of local boot only", CatalogState.EMPTY, ipxe(STRANGER, null, null), none,
            defaultMenu("no group matched 52:54:00:00:00:08: default menu of 0 images")),
        row("empty catalog, nothing known of the machine", CatalogState.EMPTY, ipxe(null, null, null), none,
            defaultMenu("no group matched an unknown MAC: default menu of 0 images")),

        // ------------------------------------------------------------------ the reserved entry id
        row("an image called local gets another entry id: local means local boot", CatalogState.of(
            image("local", "Local rescue", null, CpuArch.X86_64, "vmlinuz", null)), ipxe(STRANGER, null, null), none,
            defaultMenu("no group matched 52:54:00:00:00:08: default menu of 1 image", "local.1")),
        row("an image called local next to one called local.1: the next free id", CatalogState.of(
            image("local", "Local rescue", null, CpuArch.X86_64, "vmlinuz", null),
            image("local.1", "Another", null, CpuArch.X86_64, "vmlinuz", null)), ipxe(STRANGER, null, null), none,
            defaultMenu("no group matched 52:54:00:00:00:08: default menu of 2 images", "local.2", "local.1")),
        row("a profile called local is booted, not mistaken for local boot", lab(
            new ProfileSpec("local", "debian-12", null, null), host(NODE_1, null, "local", false)),
            ipxe(NODE_1, null, null), none, new Expect(MenuSelection.HOST, "local", null,
                "host 52:54:00:12:34:56: own profile local", List.of("local.1"), "local.1", 10)));
  }

  @ParameterizedTest
  @MethodSource("rules")
  void plans(Case c) {
    MenuPlan plan = MenuPlanner.plan(c.catalog(), c.request(), installed(c.installed()), PlannerOptions.DEFAULTS);
    MenuModel m = plan.model();
    Expect got = new Expect(plan.selectedBy(), plan.profile(), plan.group(), plan.reason(),
        m.entries().stream().map(Entry::id).toList(), m.defaultId(), m.timeoutSeconds());
    assertEquals(c.expect(), got);
    assertEquals(plan.reason(), m.comment(), "the menu's comment is the reason");
  }

  // ------------------------------------------------------------------ whole menus

  @Test
  void hostEntryIsTheProfileOverItsImage() {
    MenuPlan plan = MenuPlanner.plan(lab(NODE_1_HOST), ipxe(NODE_1, "7", null), BootOnce.NOTHING_INSTALLED,
        PlannerOptions.DEFAULTS);
    String reason = "host 52:54:00:12:34:56: own profile debian-install";
    MenuModel want = new MenuModel("pxebus: node-1", List.of(new Entry("debian-install",
        "Install Debian 12 (unattended)", "debian-12", "images/debian-12/vmlinuz",
        List.of("images/debian-12/initrd.gz", "images/debian-12/firmware.cpio.gz"),
        "priority=critical console=ttyS0,115200n8 auto=true")), "debian-install", 10, LocalBoot.EXIT, "", reason);
    assertEquals(new MenuPlan(MenuSelection.HOST, "debian-install", null, reason, want), plan);
  }

  @Test
  void groupEntryWithoutMenuLabelShowsTheImageName() {
    MenuPlan plan = MenuPlanner.plan(lab(WORKER_HOST, labels("workers", "debian-rescue", "role", "worker")),
        ipxe(WORKER, null, null), BootOnce.NOTHING_INSTALLED, PlannerOptions.DEFAULTS);
    assertEquals(List.of(new Entry("debian-rescue", "Debian 12 netboot", "debian-12", "images/debian-12/vmlinuz",
        List.of("images/debian-12/initrd.gz", "images/debian-12/firmware.cpio.gz"),
        "priority=critical console=tty0 rescue/enable=true")), plan.model().entries());
    assertEquals("pxebus: 52:54:00:00:00:02", plan.model().title(), "no hostname: the MAC");
  }

  @Test
  void defaultMenuEntriesAreTheImagesAsTheyAre() {
    MenuPlan plan = MenuPlanner.plan(lab(), ipxe(null, null, null), BootOnce.NOTHING_INSTALLED,
        PlannerOptions.DEFAULTS);
    assertEquals(List.of(
        new Entry("alpine-arm64", "Alpine", "alpine-arm64", "images/alpine-arm64/vmlinuz-lts",
            List.of("images/alpine-arm64/initramfs-lts"), ""),
        new Entry("debian-12", "Debian 12 netboot 12.10", "debian-12", "images/debian-12/vmlinuz",
            List.of("images/debian-12/initrd.gz", "images/debian-12/firmware.cpio.gz"),
            "priority=critical console=tty0"),
        new Entry("tiny-i386", "Tiny Core 15.0", "tiny-i386", "images/tiny-i386/vmlinuz",
            List.of("images/tiny-i386/core.gz"), "quiet")), plan.model().entries());
    assertEquals("pxebus: unknown machine", plan.model().title());
    assertEquals(MenuModel.LOCAL_ID, plan.model().defaultId(), "never install something unasked");
  }

  @Test
  void optionsReachEveryMenu() {
    PlannerOptions options = new PlannerOptions(3, LocalBoot.SANBOOT, "http://10.0.0.5:8069/", "lab");
    MenuPlan host = MenuPlanner.plan(lab(NODE_1_HOST), ipxe(NODE_1, null, null), BootOnce.NOTHING_INSTALLED,
        options);
    MenuPlan menu = MenuPlanner.plan(lab(), ipxe(STRANGER, null, null), BootOnce.NOTHING_INSTALLED, options);
    MenuPlan done = MenuPlanner.plan(lab(ONCE_HOST), ipxe(ONCE, null, null), h -> true, options);
    for (MenuPlan p : List.of(host, menu, done)) {
      assertEquals(LocalBoot.SANBOOT, p.model().localBoot());
      assertEquals("http://10.0.0.5:8069/", p.model().fileBase());
    }
    assertEquals("lab: node-1", host.model().title());
    assertEquals("lab: 52:54:00:00:00:08", menu.model().title());
    assertEquals("lab: once", done.model().title());
    assertEquals(3, host.model().timeoutSeconds());
    assertEquals(3, menu.model().timeoutSeconds());
    assertEquals(0, done.model().timeoutSeconds(), "an installed host boots its disk at once");
  }

  @Test
  void optionDefaults() {
    PlannerOptions d = PlannerOptions.DEFAULTS;
    assertEquals(new PlannerOptions(10, LocalBoot.EXIT, "", "pxebus"), d);
    assertEquals(d, new PlannerOptions(10, null, null, " "), "null and blank fall back to the defaults");
    assertEquals(new PlannerOptions(0, LocalBoot.SANBOOT, "http://x/", "lab"),
        d.withTimeoutSeconds(0).withLocalBoot(LocalBoot.SANBOOT).withFileBase("http://x/").withTitlePrefix("lab"));
    assertThrows(IllegalArgumentException.class, () -> d.withTimeoutSeconds(-1));
  }

  @Test
  void theFormatAskedForDoesNotChangeTheChoice() {
    CatalogState c = lab(NODE_1_HOST, WORKER_HOST, labels("workers", "debian-rescue", "role", "worker"));
    for (String mac : new String[] {NODE_1, WORKER, STRANGER, null}) {
      MenuPlan ipxe = MenuPlanner.plan(c, ipxe(mac, null, null), BootOnce.NOTHING_INSTALLED, PlannerOptions.DEFAULTS);
      for (MenuFormat f : MenuFormat.values()) {
        assertEquals(ipxe, MenuPlanner.plan(c, new MenuRequest(f, mac, null, null), BootOnce.NOTHING_INSTALLED,
            PlannerOptions.DEFAULTS), f + " for " + mac);
      }
    }
  }

  @Test
  void bootOnceIsAskedAboutTheMachinesOwnHostOnly() {
    List<String> asked = new ArrayList<>();
    CatalogState c = lab(NODE_1_HOST, ONCE_HOST, ONCE_WORKER_HOST, labels("workers", "debian-rescue", "role",
        "worker"));
    BootOnce recording = h -> {
      asked.add(h.mac());
      return false;
    };
    for (String mac : new String[] {NODE_1, ONCE, ONCE_WORKER, STRANGER, null}) {
      MenuPlanner.plan(c, ipxe(mac, null, null), recording, PlannerOptions.DEFAULTS);
    }
    assertEquals(List.of(ONCE, ONCE_WORKER), asked);
  }
}
