package dev.pxebus.catalog.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.catalog.spec.GroupSelector.Kind;
import dev.pxebus.catalog.spec.GroupSelector.Selection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which group a machine boots: one row per rule of {@link GroupSelector}, comparing the chosen group, how it was
 * chosen and the groups it outranked. Every row is also run with the groups in reverse order: the answer never
 * depends on it.
 */
class GroupSelectorTest {
  private static final String M1 = "52:54:00:00:00:01";
  private static final String M2 = "52:54:00:00:00:02";
  private static final String U1 = "4c4c4544-0042-4d10-8057-b4c04f4e3632";

  private static GroupSpec g(String id, String mac, ClientArch arch, String uuid, Map<String, String> labels) {
    return new GroupSpec(id, null, "p", new Selector(mac, arch, uuid, labels));
  }

  private static GroupSpec labels(String id, String... kv) {
    return g(id, null, null, null, map(kv));
  }

  private static GroupSpec dflt(String id) {
    return g(id, null, null, null, Map.of());
  }

  private static Map<String, String> map(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  private static Machine machine(String mac, ClientArch arch, String uuid, String... labels) {
    return new Machine(mac, arch, uuid, map(labels));
  }

  private record Case(List<GroupSpec> groups, Machine machine, String winner, Kind kind, List<String> outranked) {}

  private static Arguments row(String name, List<GroupSpec> groups, Machine m, String winner, Kind kind,
      String... outranked) {
    return Arguments.of(named(name, new Case(groups, m, winner, kind, List.of(outranked))));
  }

  static Stream<Arguments> cases() {
    Machine worker = machine(M1, ClientArch.EFI_X86_64, U1, "role", "worker", "rack", "r1");
    return Stream.of(
        // ---------------------------------------------------------------- most selectors win
        row("two labels beat one", List.of(labels("a-role", "role", "worker"),
            labels("b-role-rack", "role", "worker", "rack", "r1")), worker, "b-role-rack", Kind.GROUP, "a-role"),
        row("two labels beat a MAC alone: the count comes first (matchbox's rule)",
            List.of(g("a-mac", M1, null, null, Map.of()), labels("b-role-rack", "role", "worker", "rack", "r1")),
            worker, "b-role-rack", Kind.GROUP, "a-mac"),
        row("MAC and a label beat two labels", List.of(labels("a-role-rack", "role", "worker", "rack", "r1"),
            g("z-mac-role", M1, null, null, map("role", "worker"))), worker, "z-mac-role", Kind.GROUP, "a-role-rack"),

        // ---------------------------------------------------------------- equal counts: mac, uuid, arch, labels
        row("a MAC selector beats a label selector, whatever the ids",
            List.of(labels("a-workers", "role", "worker"), g("z-node", M1, null, null, Map.of())), worker, "z-node",
            Kind.GROUP, "a-workers"),
        row("a MAC selector beats a UUID selector", List.of(g("a-uuid", null, null, U1, Map.of()),
            g("z-mac", M1, null, null, Map.of())), worker, "z-mac", Kind.GROUP, "a-uuid"),
        row("a UUID selector beats an arch selector", List.of(g("a-arch", null, ClientArch.EFI_X86_64, null, Map.of()),
            g("z-uuid", null, null, U1, Map.of())), worker, "z-uuid", Kind.GROUP, "a-arch"),
        row("an arch selector beats a label selector", List.of(labels("a-role", "role", "worker"),
            g("z-arch", null, ClientArch.EFI_X86_64, null, Map.of())), worker, "z-arch", Kind.GROUP, "a-role"),
        row("arch and label beat two labels", List.of(labels("a-role-rack", "role", "worker", "rack", "r1"),
            g("z-arch-role", null, ClientArch.EFI_X86_64, null, map("role", "worker"))), worker, "z-arch-role",
            Kind.GROUP, "a-role-rack"),
        row("a tie of kind and count: the smaller id wins", List.of(labels("rack", "rack", "r1"),
            labels("role", "role", "worker")), worker, "rack", Kind.GROUP, "role"),
        row("ids compare as strings: 'g10' before 'g9'", List.of(labels("g9", "role", "worker"),
            labels("g10", "rack", "r1")), worker, "g10", Kind.GROUP, "g9"),

        // ---------------------------------------------------------------- the default group
        row("the default only when nothing else matches", List.of(dflt("default"), labels("workers", "role", "worker")),
            machine(M2, null, null), "default", Kind.DEFAULT_GROUP),
        row("a match beats the default", List.of(dflt("default"), labels("workers", "role", "worker")), worker,
            "workers", Kind.GROUP),
        row("no group matched and no default: nothing", List.of(labels("workers", "role", "worker")),
            machine(M2, null, null), null, null),
        row("no groups at all: nothing", List.of(), worker, null, null),
        row("two defaults (CatalogRules refuses it): the smaller id", List.of(dflt("zz"), dflt("aa")),
            machine(M2, null, null), "aa", Kind.DEFAULT_GROUP),

        // ---------------------------------------------------------------- every part must hold
        row("one label of two does not match", List.of(labels("role-rack", "role", "worker", "rack", "r2"),
            dflt("default")), worker, "default", Kind.DEFAULT_GROUP),
        row("label values are case-sensitive", List.of(labels("workers", "role", "Worker"), dflt("default")), worker,
            "default", Kind.DEFAULT_GROUP),
        row("a machine without labels matches no label selector", List.of(labels("workers", "role", "worker")),
            machine(M1, ClientArch.BIOS, null), null, null),
        row("a MAC selector on another MAC", List.of(g("other", M2, null, null, Map.of())), worker, null, null),
        row("a MAC selector and a label that does not hold", List.of(g("mac-role", M1, null, null, map("role", "x"))),
            worker, null, null),

        // ---------------------------------------------------------------- arch
        row("arch: efi-x86_64 machine (option 93 type 7)", List.of(g("uefi", null, ClientArch.EFI_X86_64, null,
            Map.of()), g("bios", null, ClientArch.BIOS, null, Map.of())),
            machine(M1, ClientArch.fromOption93(7).orElseThrow(), null), "uefi", Kind.GROUP),
        row("arch: type 9 is the same machine as type 7", List.of(g("uefi", null, ClientArch.EFI_X86_64, null,
            Map.of())), machine(M1, ClientArch.fromOption93(9).orElseThrow(), null), "uefi", Kind.GROUP),
        row("arch: bios machine (type 0)", List.of(g("uefi", null, ClientArch.EFI_X86_64, null, Map.of()),
            g("bios", null, ClientArch.BIOS, null, Map.of())), machine(M1, ClientArch.BIOS, null), "bios", Kind.GROUP),
        row("arch: an unknown arch matches no arch selector", List.of(g("bios", null, ClientArch.BIOS, null, Map.of()),
            dflt("default")), machine(M1, null, null), "default", Kind.DEFAULT_GROUP),

        // ---------------------------------------------------------------- uuid
        row("uuid: the machine's UUID in any spelling", List.of(g("by-uuid", null, null, U1, Map.of())),
            machine(M1, null, "{4C4C4544-0042-4D10-8057-B4C04F4E3632}"), "by-uuid", Kind.GROUP),
        row("uuid: a machine without one", List.of(g("by-uuid", null, null, U1, Map.of())), machine(M1, null, null),
            null, null),
        row("uuid: a machine sending the nil placeholder has none", List.of(g("by-uuid", null, null, U1, Map.of())),
            machine(M1, null, "00000000-0000-0000-0000-000000000000"), null, null),

        // ---------------------------------------------------------------- outranked, in order
        row("every other matching group is listed, most specific first", List.of(dflt("default"),
            labels("role", "role", "worker"), g("arch", null, ClientArch.EFI_X86_64, null, Map.of()),
            g("mac-role", M1, null, null, map("role", "worker")), labels("rack", "rack", "r1")), worker, "mac-role",
            Kind.GROUP, "arch", "rack", "role"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void selectsTheMostSpecificGroup(Case c) {
    check(c, c.groups());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theOrderOfTheGroupsDoesNotMatter(Case c) {
    List<GroupSpec> reversed = new ArrayList<>(c.groups());
    Collections.reverse(reversed);
    check(c, reversed);
  }

  private static void check(Case c, List<GroupSpec> groups) {
    Optional<Selection> s = GroupSelector.select(groups, c.machine());
    assertEquals(Optional.ofNullable(c.winner()), s.map(x -> x.group().id()));
    assertEquals(Optional.ofNullable(c.kind()), s.map(Selection::kind));
    s.ifPresent(x -> assertEquals(c.outranked(), x.outranked()));
  }

  @Test
  void theReasonSaysWhatMatchedAndWhatItBeat() {
    List<GroupSpec> groups = List.of(labels("rack-1", "rack", "r1"),
        g("uefi-workers", null, ClientArch.EFI_X86_64, null, map("role", "worker")), dflt("default"));
    Machine m = machine(M1, ClientArch.EFI_X86_64, null, "role", "worker", "rack", "r1");
    assertEquals("group uefi-workers: arch=efi-x86_64, label.role=worker (2 selectors), over rack-1 (1)",
        GroupSelector.select(groups, m).orElseThrow().reason());
    assertEquals("no group matched 52:54:00:00:00:02; default group default",
        GroupSelector.select(groups, machine(M2, null, null)).orElseThrow().reason());
  }

  @Test
  void kindsAreNamedLikeMenuSelection() {
    for (Kind k : Kind.values()) dev.pxebus.events.boot.MenuSelection.valueOf(k.name());
  }

  @Test
  void aMachineNeedsAMac() {
    assertThrows(IllegalArgumentException.class, () -> machine("nope", null, null));
    assertEquals(M1, machine("52-54-00-00-00-01", null, "junk").mac());
    assertEquals(null, machine(M1, null, "junk").uuid());
  }
}
