package dev.pxebus.catalog.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Named.named;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DHCP option 93 types (RFC 4578 §2.1, IANA) to client arch, the spellings accepted, and what each can boot. */
class ArchTest {
  static Stream<Arguments> option93() {
    return Stream.of(
        Arguments.of(named("0 x86 BIOS", 0), ClientArch.BIOS),
        Arguments.of(named("6 x86 UEFI (32-bit)", 6), ClientArch.EFI_IA32),
        Arguments.of(named("7 x64 UEFI", 7), ClientArch.EFI_X86_64),
        Arguments.of(named("9 x64 UEFI as RFC 4578 numbered it", 9), ClientArch.EFI_X86_64),
        Arguments.of(named("10 ARM 32-bit UEFI", 10), ClientArch.EFI_ARM32),
        Arguments.of(named("11 ARM 64-bit UEFI", 11), ClientArch.EFI_ARM64),
        Arguments.of(named("15 x86 UEFI HTTP", 15), ClientArch.EFI_IA32),
        Arguments.of(named("16 x64 UEFI HTTP", 16), ClientArch.EFI_X86_64),
        Arguments.of(named("18 ARM 32-bit UEFI HTTP", 18), ClientArch.EFI_ARM32),
        Arguments.of(named("19 ARM 64-bit UEFI HTTP", 19), ClientArch.EFI_ARM64),
        Arguments.of(named("2 Itanium: none", 2), null),
        Arguments.of(named("8 EFI Xscale: none", 8), null),
        Arguments.of(named("27 RISC-V 64-bit UEFI: none", 27), null),
        Arguments.of(named("65535: none", 65535), null));
  }

  @ParameterizedTest
  @MethodSource("option93")
  void mapsOption93(int type, ClientArch arch) {
    assertEquals(Optional.ofNullable(arch), ClientArch.fromOption93(type));
    assertEquals(Optional.ofNullable(arch), ClientArch.parse(Integer.toString(type)));
  }

  static Stream<Arguments> cpuSpellings() {
    return Stream.of(
        Arguments.of("x86_64", CpuArch.X86_64), Arguments.of("AMD64", CpuArch.X86_64),
        Arguments.of("x64", CpuArch.X86_64), Arguments.of("x86-64", CpuArch.X86_64),
        Arguments.of("i386", CpuArch.I386), Arguments.of("i686", CpuArch.I386), Arguments.of("ia32", CpuArch.I386),
        Arguments.of("arm64", CpuArch.ARM64), Arguments.of("aarch64", CpuArch.ARM64),
        Arguments.of("arm32", CpuArch.ARM32), Arguments.of("armhf", CpuArch.ARM32),
        Arguments.of("riscv64", null), Arguments.of("bios", null), Arguments.of("", null));
  }

  @ParameterizedTest
  @MethodSource("cpuSpellings")
  void cpuSpellings(String spelling, CpuArch arch) {
    assertEquals(Optional.ofNullable(arch), CpuArch.parse(spelling));
  }

  @Test
  void whatEachClientArchBoots() {
    assertEquals(Set.of(CpuArch.X86_64, CpuArch.I386), ClientArch.BIOS.runs());
    assertEquals(Set.of(CpuArch.I386, CpuArch.X86_64), ClientArch.EFI_IA32.runs());
    assertEquals(Set.of(CpuArch.X86_64), ClientArch.EFI_X86_64.runs());
    assertEquals(Set.of(CpuArch.ARM32), ClientArch.EFI_ARM32.runs());
    assertEquals(Set.of(CpuArch.ARM64), ClientArch.EFI_ARM64.runs());
  }

  @Test
  void wireNamesParseBack() {
    for (ClientArch a : ClientArch.values()) assertEquals(Optional.of(a), ClientArch.parse(a.wire().toUpperCase()));
    for (CpuArch a : CpuArch.values()) assertEquals(Optional.of(a), CpuArch.parse(a.wire()));
  }
}
