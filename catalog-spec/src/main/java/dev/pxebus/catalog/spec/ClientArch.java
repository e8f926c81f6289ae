package dev.pxebus.catalog.spec;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a network-booting machine is, as the boot path sees it: firmware and processor together, because both
 * decide what it can boot (a BIOS PXE ROM gets {@code pxelinux.0}, x86-64 UEFI gets {@code ipxe.efi}). This is the
 * vocabulary of a group's {@code arch} selector. It comes from DHCP option 93, "Client System Architecture Type"
 * (RFC 4578 §2.1, IANA "Processor Architecture Types"); the UEFI HTTP-boot types fold into their PXE counterparts:
 *
 * <table>
 *   <tr><th>wire</th><th>option 93</th><th>runs images for</th></tr>
 *   <tr><td>{@code bios}</td><td>0</td>
 *       <td>x86_64, i386 (a BIOS ROM does not say whether the CPU is 64-bit)</td></tr>
 *   <tr><td>{@code efi-ia32}</td><td>6, 15</td>
 *       <td>i386, x86_64 (32-bit UEFI on 64-bit CPUs, booted in mixed mode)</td></tr>
 *   <tr><td>{@code efi-x86_64}</td><td>7, 9, 16 (x86-64 UEFI firmware sends 7, IANA's x64 UEFI; RFC 4578's own table
 *       swapped 7 and 9, so 9 is taken to mean the same)</td><td>x86_64</td></tr>
 *   <tr><td>{@code efi-arm32}</td><td>10, 18</td><td>arm32</td></tr>
 *   <tr><td>{@code efi-arm64}</td><td>11, 19</td><td>arm64</td></tr>
 * </table>
 *
 * Other option 93 values (Itanium, x86 BIOS HTTP, RISC-V …) have no arch: no {@code arch} selector matches them.
 */
public enum ClientArch {
  BIOS("bios", EnumSet.of(CpuArch.X86_64, CpuArch.I386), 0),
  EFI_IA32("efi-ia32", EnumSet.of(CpuArch.I386, CpuArch.X86_64), 6, 15),
  EFI_X86_64("efi-x86_64", EnumSet.of(CpuArch.X86_64), 7, 9, 16),
  EFI_ARM32("efi-arm32", EnumSet.of(CpuArch.ARM32), 10, 18),
  EFI_ARM64("efi-arm64", EnumSet.of(CpuArch.ARM64), 11, 19);

  private final String wire;
  private final Set<CpuArch> runs;
  private final int[] option93;

  ClientArch(String wire, Set<CpuArch> runs, int... option93) {
    this.wire = wire;
    this.runs = Set.copyOf(runs);
    this.option93 = option93;
  }

  public String wire() {
    return wire;
  }

  /** The processor architectures whose kernels this machine can boot. */
  public Set<CpuArch> runs() {
    return runs;
  }

  public boolean runs(CpuArch cpu) {
    return runs.contains(cpu);
  }

  /** The arch of an option 93 type, if it has one (RFC 4578 §2.1). */
  public static Optional<ClientArch> fromOption93(int type) {
    for (ClientArch a : values()) for (int t : a.option93) if (t == type) return Optional.of(a);
    return Optional.empty();
  }

  /**
   * A wire name in any case, or an option 93 type in decimal ({@code "7"} → {@code efi-x86_64}), the form the
   * {@code docs/events.md} examples use.
   */
  public static Optional<ClientArch> parse(String s) {
    if (s == null) return Optional.empty();
    String t = Text.strip(s).toLowerCase(Locale.ROOT);
    for (ClientArch a : values()) if (a.wire.equals(t)) return Optional.of(a);
    if (t.matches("[0-9]{1,5}")) return fromOption93(Integer.parseInt(t));
    return Optional.empty();
  }

  @Override
  public String toString() {
    return wire;
  }
}
