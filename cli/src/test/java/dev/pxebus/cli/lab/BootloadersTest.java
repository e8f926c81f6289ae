package dev.pxebus.cli.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootloadersTest {

  @Test
  void nothingInstalledSaysWhichPackageBringsEachRequiredLoader(@TempDir Path emptySystem) {
    List<Bootloaders.Found> found = Bootloaders.find(Optional.empty(), emptySystem);
    assertTrue(found.stream().noneMatch(Bootloaders.Found::present));
    List<String> report = Bootloaders.report(found, Optional.empty());
    assertEquals("boot loaders: 0 of " + Bootloaders.LOADERS.size() + " found (in Debian's package directories)",
        report.get(0));
    for (String required : List.of("pxelinux.0", "ldlinux.c32", "menu.c32", "undionly.kpxe", "ipxe.efi", "snponly.efi")) {
      assertTrue(report.stream().anyMatch(l -> l.startsWith("MISSING " + required + " ")), required + ": " + report);
    }
    assertTrue(report.stream().anyMatch(l -> l.contains("MISSING pxelinux.0") && l.contains("apt-get install pxelinux")));
    assertTrue(report.stream().anyMatch(l -> l.contains("MISSING menu.c32") && l.contains("'syslinux-common'")));
    assertTrue(report.stream().anyMatch(l -> l.contains("MISSING ipxe.efi") && l.contains("'ipxe'")));
    assertTrue(report.get(report.size() - 1).contains("required boot loader(s) missing"), report.toString());
  }

  @Test
  void debianLayoutIsFoundAndTheGivenDirectoryWins(@TempDir Path system, @TempDir Path given, @TempDir Path boot)
      throws Exception {
    for (Bootloaders.Loader l : Bootloaders.LOADERS) {
      Path p = system.resolve(l.debianDir().substring(1)).resolve(l.file());
      Files.createDirectories(p.getParent());
      Files.writeString(p, "debian " + l.file());
    }
    Files.writeString(given.resolve("pxelinux.0"), "operator's own pxelinux");

    List<Bootloaders.Found> found = Bootloaders.find(Optional.of(given), system);
    assertTrue(found.stream().allMatch(Bootloaders.Found::present));
    assertEquals(List.of("boot loaders: 13 of 13 found (looked in " + given
        + " first, then Debian's package directories)"), Bootloaders.report(found, Optional.of(given)));

    Bootloaders.install(found, boot);
    assertEquals("operator's own pxelinux", Files.readString(boot.resolve("pxelinux.0")));
    assertEquals("debian menu.c32", Files.readString(boot.resolve("menu.c32")));
    assertFalse(Files.isSymbolicLink(boot.resolve("menu.c32")), "copied, never linked out of the boot root");
  }

  @Test
  void installReplacesAStaleCopyAndKeepsACurrentOne(@TempDir Path given, @TempDir Path boot) throws Exception {
    Files.writeString(given.resolve("ipxe.efi"), "new build of ipxe.efi");
    Files.writeString(boot.resolve("ipxe.efi"), "old");
    List<Bootloaders.Found> found = Bootloaders.find(Optional.of(given), given);
    Bootloaders.install(found, boot);
    assertArrayEquals(Files.readAllBytes(given.resolve("ipxe.efi")), Files.readAllBytes(boot.resolve("ipxe.efi")));
    // Only what was found is copied.
    assertFalse(Files.exists(boot.resolve("pxelinux.0")));
  }
}
