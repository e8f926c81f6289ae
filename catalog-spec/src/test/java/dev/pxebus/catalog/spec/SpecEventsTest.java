package dev.pxebus.catalog.spec;

import static dev.pxebus.catalog.spec.Docs.MAC;
import static dev.pxebus.catalog.spec.Docs.SHA_A;
import static dev.pxebus.catalog.spec.Docs.SHA_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.catalog.Artifact;
import dev.pxebus.events.catalog.GroupEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.events.catalog.ProfileEvent;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Specs as the boot-events records of the catalog topics, and back; events that hold no valid entity. */
class SpecEventsTest {
  static final Instant T = Instant.parse("2025-05-06T07:58:12.482913Z");
  private static final Artifact KERNEL = new Artifact("linux", SHA_A, 8247232);
  private static final Artifact INITRD = new Artifact("initrd.gz", SHA_B, 41232384);

  @Test
  void anImageIsItsEventField_byField() {
    assertEquals(new ImageEvent("debian-12-amd64", "Debian 12 netboot installer", "12.10", "x86_64", KERNEL,
        List.of(INITRD), "priority=critical auto=true", Map.of("os", "debian"), 3, T),
        SpecParseTest.debian().toEvent(3, T));
  }

  @Test
  void aGroupEventCarriesTheFlatSelector() {
    assertEquals(new GroupEvent("uefi-workers", "UEFI workers", "debian-12-install",
        Map.of("mac", MAC, "uuid", Docs.UUID, "arch", "efi-x86_64", "label.role", "worker"), 1, T),
        SpecParseTest.uefiWorkers().toEvent(1, T));
  }

  @Test
  void hostAndProfileEvents() {
    assertEquals(new HostEvent(MAC, "lab-node-1", Map.of("rack", "r1", "role", "worker"), "10.213.0.121",
        "debian-12-install", true, 5, T), SpecParseTest.node1().toEvent(5, T));
    assertEquals(new ProfileEvent("debian-12-install", "debian-12-amd64", "console=ttyS0,115200n8",
        "Install Debian 12 (unattended)", 2, T), SpecParseTest.install().toEvent(2, T));
  }

  /** The docs/events.md examples spell arch as amd64 and a selector's arch as option 93's 7: both normalise. */
  @Test
  void theDocsExampleEventsAreValidAndNormalise() {
    ImageEvent image = new ImageEvent("debian-12-amd64", "Debian 12 netboot installer", "12.10", "amd64", KERNEL,
        List.of(INITRD), "priority=critical auto=true url=http://10.213.0.1:8080/preseed/debian-12.cfg",
        Map.of("os", "debian"), 3, T);
    assertEquals(CpuArch.X86_64, ImageSpec.fromEvent(image).arch());
    GroupEvent group = new GroupEvent("uefi-workers", "UEFI workers", "debian-12-install",
        Map.of("arch", "7", "label.role", "worker"), 1, T);
    assertEquals(new Selector(null, ClientArch.EFI_X86_64, null, Map.of("role", "worker")),
        GroupSpec.fromEvent(group).selector());
    assertEquals(Map.of("arch", "efi-x86_64", "label.role", "worker"), GroupSpec.fromEvent(group).toEvent(1, T)
        .selector());
  }

  static Stream<Arguments> specs() {
    return Stream.of(
        Arguments.of(named("image", SpecParseTest.debian())),
        Arguments.of(named("profile", SpecParseTest.install())),
        Arguments.of(named("host", SpecParseTest.node1())),
        Arguments.of(named("group", SpecParseTest.uefiWorkers())),
        Arguments.of(named("default group", new GroupSpec("fallback", null, "p", null))));
  }

  /** Through the real codec: what a consumer of the compacted topic decodes gives the spec back. */
  @ParameterizedTest
  @MethodSource("specs")
  void roundTripsThroughTheWire(CatalogSpec spec) throws Exception {
    byte[] bytes = EventCodec.get().encode(Envelope.of("/pxebus/catalog-service/test", spec.toEvent(9, T)));
    PxebusEvent decoded = EventCodec.get().decode(bytes).data();
    assertEquals(spec.toEvent(9, T), decoded);
    assertEquals(spec, CatalogSpec.fromEvent(decoded));
  }

  private static Arguments bad(String name, PxebusEvent event, String... errors) {
    return Arguments.of(named(name, event), List.of(errors));
  }

  static Stream<Arguments> invalidEvents() {
    Artifact tricky = new Artifact("../../etc/shadow", SHA_A, 1);
    return Stream.of(
        bad("image without kernel", new ImageEvent("i", null, null, "x86_64", null, null, null, null, 1, T),
            "kernel required"),
        bad("image whose kernel is a path", new ImageEvent("i", null, null, "x86_64", tricky, null, null, null, 1, T),
            "kernel.name unsafe-name"),
        bad("image with a bad initrd digest and size", new ImageEvent("i", null, null, "x86_64", KERNEL,
            List.of(INITRD, new Artifact("b", "XYZ", 0)), null, null, 1, T),
            "initrds[1].sha256 bad-sha256", "initrds[1].size bad-size"),
        bad("image of an unknown arch and no id", new ImageEvent(null, null, null, "mips", KERNEL, null, null, null,
            1, T), "id required", "arch unknown-arch"),
        bad("image with 17 initrds", new ImageEvent("i", null, null, "arm64", KERNEL,
            Collections.nCopies(17, INITRD), null, null, 1, T), "initrds too-many"),
        bad("profile without id", new ProfileEvent(null, "i", null, null, 1, T), "id required"),
        bad("profile with a newline in its command line",
            new ProfileEvent("p", "i", "quiet\ninitrd http://x/y", null, 1, T), "cmdline bad-char"),
        bad("host with a bad reserved IP and label", new HostEvent(MAC, null, Map.of("a b", "c"), "10.0.0", null,
            false, 1, T), "labels[\"a b\"] invalid-label", "reservedIp invalid-ip"),
        bad("group with an unknown selector", new GroupEvent("g", null, "p", Map.of("os", "linux"), 1, T),
            "selector.os unknown-field"),
        bad("group without profile, bad MAC selector", new GroupEvent("g", null, null, Map.of("mac", "nope"), 1, T),
            "profile required", "selector.mac invalid-mac"),
        bad("not a catalog event at all", null, " wrong-type"));
  }

  @ParameterizedTest
  @MethodSource("invalidEvents")
  void anEventThatHoldsNoValidEntityIsRefused(PxebusEvent event, List<String> errors) {
    ValidationException e = assertThrows(ValidationException.class, () -> CatalogSpec.fromEvent(event));
    assertEquals(SpecParseTest.sorted(errors), SpecParseTest.sorted(Docs.codes(e)));
  }
}
