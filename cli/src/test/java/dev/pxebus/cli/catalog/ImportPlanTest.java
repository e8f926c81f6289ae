package dev.pxebus.cli.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImportPlanTest {
  static Stream<Arguments> kernels() {
    return Stream.of(
        Arguments.of("debian netboot", List.of("initrd.gz", "linux"), "linux"),
        Arguments.of("fedora pxeboot", List.of("initrd.img", "vmlinuz"), "vmlinuz"),
        Arguments.of("versioned vmlinuz", List.of("initrd.img-6.1.0", "vmlinuz-6.1.0-amd64"), "vmlinuz-6.1.0-amd64"),
        Arguments.of("bzImage, any case", List.of("BZIMAGE", "rootfs.cpio.xz"), "BZIMAGE"),
        Arguments.of("a named kernel wins over an EFI binary", List.of("grubx64.efi", "vmlinuz"), "vmlinuz"),
        Arguments.of("a unified kernel image alone", List.of("ukify.efi", "README"), "ukify.efi"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void kernelByName(String name, List<String> files, String expected) throws Exception {
    assertEquals(expected, ImportPlan.kernel(files, Optional.empty()));
  }

  static Stream<Arguments> undecided() {
    return Stream.of(
        Arguments.of("two kernels", List.of("vmlinuz-6.1", "vmlinuz-6.6", "initrd"),
            "2 files could be the kernel [vmlinuz-6.1, vmlinuz-6.6]: pick one with --kernel"),
        Arguments.of("two EFI binaries", List.of("a.efi", "b.efi"),
            "2 files could be the kernel [a.efi, b.efi]: pick one with --kernel"),
        Arguments.of("none", List.of("initrd", "README"),
            "no kernel among [initrd, README] (none is named vmlinuz*, vmlinux*, bzImage*, linux or *.efi): name it with --kernel"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("undecided")
  void kernelUndecidedAsksForTheOption(String name, List<String> files, String message) {
    CatalogException e = assertThrows(CatalogException.class, () -> ImportPlan.kernel(files, Optional.empty()));
    assertEquals(message, e.getMessage());
    assertEquals(ExitCodes.USAGE, e.exitCode());
  }

  @Test
  void kernelOptionMustNameAnImportedFile() throws Exception {
    assertEquals("vmlinuz-6.6", ImportPlan.kernel(List.of("vmlinuz-6.1", "vmlinuz-6.6"), Optional.of("vmlinuz-6.6")));
    CatalogException e = assertThrows(CatalogException.class,
        () -> ImportPlan.kernel(List.of("linux"), Optional.of("vmlinuz")));
    assertEquals("--kernel vmlinuz is not one of the files imported [linux]", e.getMessage());
  }

  @Test
  void initrdsByNameSortedAndWithoutTheKernel() throws Exception {
    List<String> files = List.of("vmlinuz", "initrd.img", "firmware.cpio.gz", "README", "initramfs-extra", "modules.img",
        "grub.cfg");
    assertEquals(List.of("firmware.cpio.gz", "initramfs-extra", "initrd.img", "modules.img"),
        ImportPlan.initrds(files, "vmlinuz", List.of()));
    assertEquals(List.of("modules.img", "initrd.img"),
        ImportPlan.initrds(files, "vmlinuz", List.of("modules.img", "initrd.img")), "given ones keep their order");
    assertEquals(List.of(), ImportPlan.initrds(List.of("linux.img"), "linux.img", List.of()), "the kernel is no initrd");
    assertThrows(CatalogException.class, () -> ImportPlan.initrds(files, "vmlinuz", List.of("nope")));
  }

  @Test
  void scanUploadsFilesAndLinksInsideAndSkipsTheRestWithReasons(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("boot"));
    Files.write(dir.resolve("vmlinuz"), new byte[] {1, 2, 3});
    Files.write(dir.resolve("initrd.img"), new byte[] {4});
    Files.write(dir.resolve(".hidden"), new byte[] {5});
    Files.createFile(dir.resolve("empty"));
    Files.createDirectory(dir.resolve("sub"));
    Files.write(tmp.resolve("outside"), new byte[] {6});
    Files.createSymbolicLink(dir.resolve("escape"), tmp.resolve("outside"));
    Files.createSymbolicLink(dir.resolve("kernel-link"), dir.resolve("vmlinuz"));
    Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("missing"));
    Files.createSymbolicLink(dir.resolve("dirlink"), dir.resolve("sub"));

    ImportPlan plan = ImportPlan.scan(dir);

    assertEquals(List.of("initrd.img 1", "kernel-link 3", "vmlinuz 3"),
        plan.uploads().stream().map(u -> u.name() + " " + u.size()).toList());
    assertTrue(plan.uploads().get(1).path().endsWith("vmlinuz"), "a link is read from its target");
    assertEquals(String.join("\n",
            ".hidden: hidden file",
            "dangling: broken symbolic link",
            "dirlink: symbolic link to a directory",
            "empty: empty file",
            "escape: symbolic link out of the directory, to " + tmp.toRealPath().resolve("outside"),
            "sub: directory (only the files of DIR itself are imported)"),
        plan.skipped().stream().map(s -> s.name() + ": " + s.why()).collect(Collectors.joining("\n")));
  }

  @Test
  void progressLineAtMostOncePerIntervalAndOnlyForLargeFiles() {
    java.io.StringWriter text = new java.io.StringWriter();
    java.io.PrintWriter err = new java.io.PrintWriter(text);
    long[] now = {0};
    long total = 100L << 20;
    UploadProgress p = new UploadProgress("vmlinuz", total, err, () -> now[0]);
    p.accept(1L << 20); // too soon after the start
    now[0] += UploadProgress.INTERVAL_NANOS;
    p.accept(40L << 20);
    now[0] += UploadProgress.INTERVAL_NANOS / 2;
    p.accept(50L << 20); // too soon after the last line
    now[0] += UploadProgress.INTERVAL_NANOS;
    p.accept(total); // done: the result line follows instead
    UploadProgress small = new UploadProgress("initrd", UploadProgress.LARGE - 1, err, () -> now[0]);
    now[0] += 10 * UploadProgress.INTERVAL_NANOS;
    small.accept(1);
    assertEquals("pxebus: uploading vmlinuz: 40.0 of 100.0 MiB (40%)" + System.lineSeparator(), text.toString());
  }
}
