package dev.pxebus.catalog.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * The processor architecture an image's kernel is built for. Wire names are iPXE's {@code ${buildarch}} values, so
 * a menu can compare them with what a running iPXE reports; the Debian, kernel and GRUB spellings are accepted and
 * normalised ({@code amd64} → {@code x86_64}).
 */
public enum CpuArch {
  X86_64("x86_64", "amd64", "x64", "x86-64"),
  I386("i386", "i686", "ia32", "x86"),
  ARM64("arm64", "aarch64"),
  ARM32("arm32", "armhf", "arm", "armv7");

  private final String wire;
  private final String[] aliases;

  CpuArch(String wire, String... aliases) {
    this.wire = wire;
    this.aliases = aliases;
  }

  public String wire() {
    return wire;
  }

  /** A wire name or alias, in any case. */
  public static Optional<CpuArch> parse(String s) {
    if (s == null) return Optional.empty();
    String t = Text.strip(s).toLowerCase(Locale.ROOT);
    for (CpuArch a : values()) {
      if (a.wire.equals(t)) return Optional.of(a);
      for (String alias : a.aliases) if (alias.equals(t)) return Optional.of(a);
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return wire;
  }
}
