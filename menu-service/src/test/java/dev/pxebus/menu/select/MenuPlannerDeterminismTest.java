package dev.pxebus.menu.select;

import static dev.pxebus.menu.select.PlanFixtures.IMAGES_AND_PROFILES;
import static dev.pxebus.menu.select.PlanFixtures.NODE_1;
import static dev.pxebus.menu.select.PlanFixtures.UUID_1;
import static dev.pxebus.menu.select.PlanFixtures.dflt;
import static dev.pxebus.menu.select.PlanFixtures.group;
import static dev.pxebus.menu.select.PlanFixtures.host;
import static dev.pxebus.menu.select.PlanFixtures.ipxe;
import static dev.pxebus.menu.select.PlanFixtures.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.catalog.spec.CatalogSpec;
import dev.pxebus.catalog.spec.CatalogState;
import dev.pxebus.catalog.spec.ClientArch;
import dev.pxebus.catalog.spec.CpuArch;
import dev.pxebus.catalog.spec.GroupSpec;
import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.catalog.spec.ImageSpec;
import dev.pxebus.catalog.spec.ProfileSpec;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.menu.render.MenuModel.Entry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same inputs give an equal plan: however the catalog was put together, however often one plans, and at the size
 * of a large lab (10,000 hosts, 1,000 groups). Timing is the benchmark's business, not this test's.
 */
class MenuPlannerDeterminismTest {
  private static final String WORKER = "52:54:00:00:00:02";
  private static final String ONCE = "52:54:00:00:00:03";

  /** Specs whose order could leak: several matching groups of equal rank, several images. */
  private static List<CatalogSpec> specs() {
    List<CatalogSpec> s = new ArrayList<>(IMAGES_AND_PROFILES);
    s.add(host(NODE_1, "node-1", "debian-install", false));
    s.add(host(WORKER, null, null, false, "role", "worker", "rack", "r1"));
    s.add(host(ONCE, null, null, true, "role", "worker"));
    s.add(labels("rack-1", "tiny-live", "rack", "r1"));
    s.add(labels("workers", "debian-rescue", "role", "worker"));
    s.add(labels("b-workers", "debian-install", "role", "worker"));
    s.add(group("uefi", "debian-install", null, ClientArch.EFI_X86_64, null));
    s.add(group("by-uuid", "tiny-live", null, null, UUID_1));
    s.add(dflt("everyone", "tiny-live"));
    return s;
  }

  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of(named("host with its own profile", ipxe(NODE_1, null, null))),
        Arguments.of(named("equal-rank label groups: the smaller id", ipxe(WORKER, null, null))),
        Arguments.of(named("boot-once via group", ipxe(ONCE, null, null))),
        Arguments.of(named("arch group", ipxe(null, "7", null))),
        Arguments.of(named("UUID group", ipxe(null, null, UUID_1))),
        Arguments.of(named("default group", ipxe("52:54:00:00:00:99", "bios", null))));
  }

  @ParameterizedTest
  @MethodSource("requests")
  void insertionOrderDoesNotMatter(MenuRequest request) {
    List<CatalogSpec> specs = specs();
    BootOnce bootOnce = PlanFixtures.installed(Set.of(ONCE));
    MenuPlan first = MenuPlanner.plan(CatalogState.of(specs.toArray(CatalogSpec[]::new)), request, bootOnce,
        PlannerOptions.DEFAULTS);
    Random random = new Random(6);
    for (int round = 0; round < 20; round++) {
      Collections.shuffle(specs, random);
      assertEquals(first, MenuPlanner.plan(CatalogState.of(specs.toArray(CatalogSpec[]::new)), request, bootOnce,
          PlannerOptions.DEFAULTS), "shuffle " + round);
      assertEquals(first, MenuPlanner.plan(fromMaps(specs), request, bootOnce, PlannerOptions.DEFAULTS),
          "hash maps, shuffle " + round);
    }
  }

  @Test
  void theDefaultMenuIsInImageOrderWhateverTheInsertionOrder() {
    List<CatalogSpec> images = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      images.add(PlanFixtures.image(String.format("img-%02d", (i * 37) % 50), "Image " + i, null,
          CpuArch.X86_64, "vmlinuz", null));
    }
    MenuPlan plan = MenuPlanner.plan(fromMaps(images), ipxe(null, null, null), BootOnce.NOTHING_INSTALLED,
        PlannerOptions.DEFAULTS);
    List<String> ids = plan.model().entries().stream().map(Entry::id).toList();
    assertEquals(ids.stream().sorted().toList(), ids);
    assertEquals(50, ids.size());
  }

  /** A state built straight from hash maps in the given order (what a consumer materialising topics might do). */
  private static CatalogState fromMaps(List<CatalogSpec> specs) {
    Map<String, ImageSpec> i = new HashMap<>();
    Map<String, ProfileSpec> p = new LinkedHashMap<>();
    Map<String, HostSpec> h = new HashMap<>();
    Map<String, GroupSpec> g = new LinkedHashMap<>();
    for (CatalogSpec s : specs) {
      if (s instanceof ImageSpec x) i.put(x.key(), x);
      else if (s instanceof ProfileSpec x) p.put(x.key(), x);
      else if (s instanceof HostSpec x) h.put(x.key(), x);
      else if (s instanceof GroupSpec x) g.put(x.key(), x);
    }
    return new CatalogState(i, p, h, g);
  }

  // ------------------------------------------------------------------ a large lab

  private static String mac(int n) {
    return String.format("52:54:01:%02x:%02x:%02x", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  }

  /**
   * 10,000 hosts (every tenth with its own profile, every hundredth boot-once) in 100 racks, and 1,000 groups: one per
   * rack, one per rack and role, 790 selecting single MACs, a UUID group, an arch group, and the default.
   */
  private static CatalogState largeLab() {
    List<CatalogSpec> specs = new ArrayList<>(IMAGES_AND_PROFILES);
    for (int n = 0; n < 10_000; n++) {
      String profile = n % 10 == 0 ? "debian-install" : null;
      specs.add(host(mac(n), "node-" + n, profile, n % 100 == 1, "rack", "r" + (n % 100),
          "role", n % 2 == 0 ? "worker" : "storage"));
    }
    for (int r = 0; r < 100; r++) {
      specs.add(labels(String.format("rack-%03d", r), "tiny-live", "rack", "r" + r));
      specs.add(labels(String.format("rack-%03d-workers", r), "debian-rescue", "rack", "r" + r, "role", "worker"));
    }
    for (int n = 0; n < 797; n++) {
      specs.add(group(String.format("node-%04d", n), "alpine-live", mac(10_000 + n), null, null));
    }
    specs.add(group("by-uuid", "tiny-live", null, null, UUID_1));
    specs.add(group("uefi", "debian-install", null, ClientArch.EFI_X86_64, null));
    specs.add(dflt("everyone", "tiny-live"));
    return fromMaps(specs);
  }

  private record Want(MenuSelection by, String profile, String group) {}

  @Test
  void aLargeLabIsPlannedAsASmallOne() {
    CatalogState lab = largeLab();
    assertEquals(10_000, lab.hosts().size());
    assertEquals(1_000, lab.groups().size());
    BootOnce installed = PlanFixtures.installed(Set.of(mac(101)));
    Map<MenuRequest, Want> cases = new LinkedHashMap<>();
    cases.put(ipxe(mac(5_000), null, null), new Want(MenuSelection.HOST, "debian-install", null));
    cases.put(ipxe(mac(5_002), null, null), new Want(MenuSelection.GROUP, "debian-rescue", "rack-002-workers"));
    cases.put(ipxe(mac(5_003), null, null), new Want(MenuSelection.GROUP, "tiny-live", "rack-003"));
    cases.put(ipxe(mac(101), null, null), new Want(MenuSelection.LOCAL_BOOT, null, null));
    cases.put(ipxe(mac(201), null, null), new Want(MenuSelection.GROUP, "tiny-live", "rack-001"));
    cases.put(ipxe(mac(10_500), null, null), new Want(MenuSelection.GROUP, "alpine-live", "node-0500"));
    cases.put(ipxe(null, null, UUID_1), new Want(MenuSelection.GROUP, "tiny-live", "by-uuid"));
    cases.put(ipxe("52:54:02:00:00:01", "7", null), new Want(MenuSelection.GROUP, "debian-install", "uefi"));
    cases.put(ipxe("52:54:02:00:00:01", "bios", null), new Want(MenuSelection.DEFAULT_GROUP, "tiny-live",
        "everyone"));
    List<CatalogSpec> all = new ArrayList<>(lab.images().values());
    all.addAll(lab.profiles().values());
    all.addAll(lab.hosts().values());
    all.addAll(lab.groups().values());
    Collections.reverse(all);
    CatalogState copy = fromMaps(all);
    for (Map.Entry<MenuRequest, Want> c : cases.entrySet()) {
      MenuPlan plan = MenuPlanner.plan(lab, c.getKey(), installed, PlannerOptions.DEFAULTS);
      assertEquals(c.getValue(), new Want(plan.selectedBy(), plan.profile(), plan.group()), c.getKey().toString());
      assertEquals(plan, MenuPlanner.plan(lab, c.getKey(), installed, PlannerOptions.DEFAULTS), "again");
      assertEquals(plan, MenuPlanner.plan(copy, c.getKey(), installed, PlannerOptions.DEFAULTS), "a copy");
    }
    assertEquals(copy, lab, "planning changed nothing in the catalog");
  }
}
