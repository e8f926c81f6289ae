package dev.pxebus.cli.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the boot loaders a lab needs (from a directory the operator names, else from Debian's pxelinux,
 * syslinux-common and ipxe packages) and copies them into the boot root. Copies, not symlinks: the TFTP server
 * refuses symlinks that point outside its root.
 */
public final class Bootloaders {

  /** A boot loader file, the Debian package that ships it, where Debian puts it, and what needs it. */
  public record Loader(String file, String debianPackage, String debianDir, boolean required, String purpose) {}

  public static final List<Loader> LOADERS = List.of(
      new Loader("pxelinux.0", "pxelinux", "/usr/lib/PXELINUX", true, "BIOS PXE: pxelinux"),
      new Loader("lpxelinux.0", "pxelinux", "/usr/lib/PXELINUX", false, "BIOS PXE: pxelinux with HTTP"),
      new Loader("ldlinux.c32", "syslinux-common", "/usr/lib/syslinux/modules/bios", true, "BIOS PXE: pxelinux core module"),
      new Loader("menu.c32", "syslinux-common", "/usr/lib/syslinux/modules/bios", true, "BIOS PXE: pxelinux menu"),
      new Loader("libutil.c32", "syslinux-common", "/usr/lib/syslinux/modules/bios", true, "BIOS PXE: needed by menu.c32"),
      new Loader("libcom32.c32", "syslinux-common", "/usr/lib/syslinux/modules/bios", true, "BIOS PXE: needed by menu.c32"),
      new Loader("vesamenu.c32", "syslinux-common", "/usr/lib/syslinux/modules/bios", false, "BIOS PXE: graphical menu"),
      new Loader("chain.c32", "syslinux-common", "/usr/lib/syslinux/modules/bios", false, "BIOS PXE: chain-load a disk"),
      new Loader("reboot.c32", "syslinux-common", "/usr/lib/syslinux/modules/bios", false, "BIOS PXE: reboot entry"),
      new Loader("undionly.kpxe", "ipxe", "/usr/lib/ipxe", true, "BIOS: chain-load iPXE over the ROM's UNDI"),
      new Loader("ipxe.pxe", "ipxe", "/usr/lib/ipxe", false, "BIOS: iPXE with its own drivers"),
      new Loader("ipxe.efi", "ipxe", "/usr/lib/ipxe", true, "UEFI x86-64: iPXE"),
      new Loader("snponly.efi", "ipxe", "/usr/lib/ipxe", true, "UEFI x86-64: iPXE over the firmware's SNP driver"));

  /** What was found for one loader: the source file, or empty when missing. */
  public record Found(Loader loader, Optional<Path> source) {
    public boolean present() {
      return source.isPresent();
    }
  }

  private Bootloaders() {}

  /** Looks for every loader in {@code dir} (when given) and then in Debian's package directories. */
  public static List<Found> find(Optional<Path> dir) {
    return find(dir, Path.of("/"));
  }

  /** As {@link #find(Optional)}, with Debian's directories under {@code systemRoot} (a chroot, or a test's). */
  public static List<Found> find(Optional<Path> dir, Path systemRoot) {
    List<Found> found = new ArrayList<>();
    for (Loader l : LOADERS) {
      Optional<Path> src = dir.map(d -> d.resolve(l.file())).filter(Files::isRegularFile);
      if (src.isEmpty()) {
        src = Optional.of(systemRoot.resolve(l.debianDir().substring(1)).resolve(l.file())).filter(Files::isRegularFile);
      }
      found.add(new Found(l, src));
    }
    return found;
  }

  /** Copies what was found into the boot root (skipping files already there with the same size). */
  public static void install(List<Found> found, Path bootRoot) throws IOException {
    Files.createDirectories(bootRoot);
    for (Found f : found) {
      if (f.source().isEmpty()) continue;
      Path target = bootRoot.resolve(f.loader().file());
      if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == Files.size(f.source().get())) {
        continue;
      }
      Files.copy(f.source().get(), target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Plain lines for the operator: what is missing and which package or option brings it. */
  public static List<String> report(List<Found> found, Optional<Path> dir) {
    List<String> lines = new ArrayList<>();
    long missingRequired = found.stream().filter(f -> !f.present() && f.loader().required()).count();
    long present = found.stream().filter(Found::present).count();
    lines.add("boot loaders: " + present + " of " + found.size() + " found"
        + (dir.map(d -> " (looked in " + d + " first, then Debian's package directories)").orElse(
            " (in Debian's package directories)")));
    for (Found f : found) {
      if (f.present()) continue;
      Loader l = f.loader();
      lines.add((l.required() ? "MISSING " : "missing (optional) ") + l.file() + " — " + l.purpose()
          + ": install Debian package '" + l.debianPackage() + "' (apt-get install " + l.debianPackage()
          + ") or pass --bootloaders DIR holding " + l.file());
    }
    if (missingRequired > 0) {
      lines.add(missingRequired + " required boot loader(s) missing: clients needing them will fail to boot");
    }
    return lines;
  }
}
