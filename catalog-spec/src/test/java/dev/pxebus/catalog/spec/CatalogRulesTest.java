package dev.pxebus.catalog.spec;

import static dev.pxebus.catalog.spec.Docs.SHA_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules across entities: one row per outcome, a change against a small catalog, and the exact errors. */
class CatalogRulesTest {
  private static final String M1 = "52:54:00:00:00:01";
  private static final String M2 = "52:54:00:00:00:02";

  static ImageSpec image(String id, CpuArch arch, String cmdline) {
    return new ImageSpec(id, null, null, arch, new ArtifactSpec("vmlinuz", SHA_A, 1), List.of(), cmdline, Map.of());
  }

  static ProfileSpec profile(String id, String image, String cmdline) {
    return new ProfileSpec(id, image, cmdline, null);
  }

  static HostSpec host(String mac, String ip, String profile) {
    return new HostSpec(mac, null, Map.of(), ip, profile, false);
  }

  static GroupSpec group(String id, String profile, ClientArch arch, Map<String, String> labels) {
    return new GroupSpec(id, null, profile, new Selector(null, arch, null, labels));
  }

  /**
   * Images debian (x86_64) and arm (arm64); profiles install (debian), rescue (debian) and arm-install (arm);
   * host M1 on install with 10.0.0.5; groups workers (role=worker), uefi (efi-x86_64, role=uefi) and the default.
   */
  static CatalogState lab() {
    return CatalogState.of(
        image("debian", CpuArch.X86_64, "quiet console=tty0"),
        image("arm", CpuArch.ARM64, null),
        image("unused", CpuArch.I386, null),
        profile("install", "debian", "console=ttyS0"),
        profile("rescue", "debian", null),
        profile("arm-install", "arm", null),
        profile("idle", "arm", null),
        host(M1, "10.0.0.5", "install"),
        group("workers", "install", null, Map.of("role", "worker")),
        group("uefi", "install", ClientArch.EFI_X86_64, Map.of("role", "uefi")),
        group("default", "rescue", null, Map.of()));
  }

  private static Arguments row(String name, Change change, String... errors) {
    return Arguments.of(named(name, change), List.of(errors));
  }

  static Stream<Arguments> cases() {
    String long2000 = "x".repeat(2000);
    return Stream.of(
        // ---------------------------------------------------------------- profiles
        row("a profile of an existing image", Change.put(profile("new", "arm", null))),
        row("unknown-image: a profile of a missing image", Change.put(profile("new", "nope", null)),
            "image unknown-image"),
        row("too-long: the profile's command line merged with its image's is over 2047",
            Change.put(profile("new", "debian", long2000 + " " + "y".repeat(40))), "cmdline too-long"),
        row("a profile command line of 2047 that replaces all of its image's parameters fits",
            Change.put(profile("new", "debian", "quiet console=" + "x".repeat(2047 - 14)))),
        row("arch-mismatch: a profile moved to an image its groups' arch cannot run",
            Change.put(profile("install", "arm", null)), "image arch-mismatch"),

        // ---------------------------------------------------------------- images
        row("replacing an image keeping what its profiles and groups need",
            Change.put(image("debian", CpuArch.X86_64, "quiet"))),
        row("arch-mismatch: an image whose groups' arch cannot run the new arch",
            Change.put(image("debian", CpuArch.ARM64, null)), "arch arch-mismatch"),
        row("too-long: an image command line that no longer fits with a profile's",
            Change.put(image("debian", CpuArch.X86_64, long2000 + " " + "z".repeat(46))),
            "cmdline too-long"),

        // ---------------------------------------------------------------- hosts
        row("a host without a profile", Change.put(host(M2, null, null))),
        row("unknown-profile: a host on a missing profile", Change.put(host(M2, null, "nope")),
            "profile unknown-profile"),
        row("duplicate: a reserved IP another host has", Change.put(host(M2, "10.0.0.5", "install")),
            "reservedIp duplicate"),
        row("a host keeping its own reserved IP", Change.put(host(M1, "10.0.0.5", "rescue"))),

        // ---------------------------------------------------------------- groups
        row("unknown-profile: a group on a missing profile", Change.put(group("g", "nope", null, Map.of("a", "b"))),
            "profile unknown-profile"),
        row("duplicate: a second default group", Change.put(group("fallback", "install", null, Map.of())),
            "selector duplicate"),
        row("replacing the default group itself", Change.put(group("default", "install", null, Map.of()))),
        row("duplicate: the selector of another group", Change.put(group("g", "rescue", null, Map.of("role", "worker"))),
            "selector duplicate"),
        row("a selector that only overlaps another", Change.put(group("g", "rescue", null,
            Map.of("role", "worker", "rack", "r1")))),
        row("arch-mismatch: efi-arm64 machines on an x86_64 image",
            Change.put(group("g", "install", ClientArch.EFI_ARM64, Map.of())), "selector.arch arch-mismatch"),
        row("bios machines on an x86_64 image", Change.put(group("g", "install", ClientArch.BIOS, Map.of()))),
        row("efi-arm64 machines on an arm64 image", Change.put(group("g", "arm-install", ClientArch.EFI_ARM64,
            Map.of()))),
        row("several: missing profile is reported with a duplicate selector",
            Change.put(group("g2", "nope", null, Map.of("role", "worker"))),
            "profile unknown-profile", "selector duplicate"),

        // ---------------------------------------------------------------- deletes
        row("in-use: deleting an image two profiles use", Change.delete(EntityKind.IMAGE, "debian"),
            "id in-use", "id in-use"),
        row("deleting an unused image", Change.delete(EntityKind.IMAGE, "unused")),
        row("in-use: deleting a profile a host and a group use", Change.delete(EntityKind.PROFILE, "install"),
            "id in-use", "id in-use", "id in-use"),
        row("deleting an unused profile", Change.delete(EntityKind.PROFILE, "idle")),
        row("deleting a host, its MAC in another spelling", Change.delete(EntityKind.HOST, "52-54-00-00-00-01")),
        row("deleting a group", Change.delete(EntityKind.GROUP, "workers")),
        row("not-found: deleting a missing group", Change.delete(EntityKind.GROUP, "nope"), "id not-found"),
        row("not-found: deleting a missing host", Change.delete(EntityKind.HOST, M2), "mac not-found"),
        row("not-found: deleting a host by something that is no MAC", Change.delete(EntityKind.HOST, "../x"),
            "mac not-found"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void checksTheChangeAgainstTheWholeCatalog(Change change, List<String> errors) {
    assertEquals(errors, Docs.codes(CatalogRules.check(lab(), change)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void appliesOnlyWhatTheRulesAllow(Change change, List<String> errors) {
    CatalogState before = lab();
    if (errors.isEmpty()) {
      CatalogState after = CatalogRules.apply(before, change);
      if (change instanceof Change.Put put) {
        assertEquals(put.spec(), after.get(put.kind(), put.key()).orElseThrow());
      } else {
        assertTrue(after.get(change.kind(), change.key()).isEmpty());
      }
    } else {
      ValidationException e = assertThrows(ValidationException.class, () -> CatalogRules.apply(before, change));
      assertEquals(errors, Docs.codes(e));
    }
    assertEquals(lab(), before, "a state never changes in place");
  }

  @Test
  void inUseNamesEachReferrer() {
    List<ValidationError> errors = CatalogRules.check(lab(), Change.delete(EntityKind.PROFILE, "install"));
    assertEquals(List.of("profile install is used by host 52:54:00:00:00:01", "profile install is used by group uefi",
        "profile install is used by group workers"), errors.stream().map(ValidationError::message).toList());
  }

  @Test
  void aStateIsKeyedByCanonicalMacAndSorted() {
    CatalogState s = CatalogState.of(host("52-54-00-00-00-02", null, null), host(M1, null, null));
    assertEquals(List.of(M1, M2), List.copyOf(s.hosts().keySet()));
    assertSame(s.hosts().get(M2), s.get(EntityKind.HOST, "5254.0000.0002").orElseThrow());
  }
}
