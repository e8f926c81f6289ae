package dev.pxebus.menu.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.catalog.spec.ClientArch;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The raw arch hint a client sends to {@link MenuPlanner#clientArch}: every accepted spelling, zero padding, and
 * garbage (tolerated as unknown, never refused).
 */
class MenuPlannerArchTest {
  private static Arguments row(String name, String raw, ClientArch want) {
    return Arguments.of(named(name, raw), want);
  }

  static Stream<Arguments> hints() {
    return Stream.of(
        // ------------------------------------------------------------------ option 93 (RFC 4578 §2.1)
        row("0 x86 BIOS", "0", ClientArch.BIOS),
        row("00000 BIOS zero-padded", "00000", ClientArch.BIOS),
        row("6 x86 UEFI", "6", ClientArch.EFI_IA32),
        row("7 x64 UEFI", "7", ClientArch.EFI_X86_64),
        row("00007 as pxelinux pads it", "00007", ClientArch.EFI_X86_64),
        row("0000000007 padded beyond five digits", "0000000007", ClientArch.EFI_X86_64),
        row("9 x64 UEFI as RFC 4578 numbered it", "9", ClientArch.EFI_X86_64),
        row("10 ARM 32-bit UEFI", "10", ClientArch.EFI_ARM32),
        row("00011 ARM 64-bit UEFI padded", "00011", ClientArch.EFI_ARM64),
        row("15 x86 UEFI HTTP", "15", ClientArch.EFI_IA32),
        row("16 x64 UEFI HTTP", "16", ClientArch.EFI_X86_64),
        row("18 ARM 32-bit UEFI HTTP", "18", ClientArch.EFI_ARM32),
        row("19 ARM 64-bit UEFI HTTP", "19", ClientArch.EFI_ARM64),
        row("2 Itanium: no arch", "2", null),
        row("27 RISC-V 64-bit UEFI: no arch", "27", null),
        row("65535: no arch", "65535", null),
        row("65536 is not 16 bits", "65536", null),
        row("a number too long for an int", "99999999999999999999", null),
        row("negative", "-7", null),
        row("plus sign", "+7", null),
        row("hexadecimal", "0x7", null),
        row("non-ASCII digits", "\u0667", null),

        // ------------------------------------------------------------------ ClientArch wire names
        row("bios", "bios", ClientArch.BIOS),
        row("efi-ia32", "efi-ia32", ClientArch.EFI_IA32),
        row("efi-x86_64", "efi-x86_64", ClientArch.EFI_X86_64),
        row("efi-arm32", "efi-arm32", ClientArch.EFI_ARM32),
        row("efi-arm64", "efi-arm64", ClientArch.EFI_ARM64),
        row("upper case and blanks", "  EFI-X86_64 ", ClientArch.EFI_X86_64),

        // ------------------------------------------------------------------ iPXE ${platform}-${buildarch}
        row("pcbios-i386: a BIOS ROM", "pcbios-i386", ClientArch.BIOS),
        row("pcbios-x86_64: a BIOS ROM too", "pcbios-x86_64", ClientArch.BIOS),
        row("efi-x86_64 (also the wire name)", "efi-x86_64", ClientArch.EFI_X86_64),
        row("efi-x64", "efi-x64", ClientArch.EFI_X86_64),
        row("efi-i386: 32-bit UEFI", "efi-i386", ClientArch.EFI_IA32),
        row("efi-arm64 (also the wire name)", "efi-arm64", ClientArch.EFI_ARM64),
        row("efi-arm32 (also the wire name)", "efi-arm32", ClientArch.EFI_ARM32),
        row("PCBIOS-X86_64 in upper case", "PCBIOS-X86_64", ClientArch.BIOS),

        // ------------------------------------------------------------------ garbage: unknown, not an error
        row("absent", null, null),
        row("empty", "", null),
        row("blank", "   ", null),
        row("iPXE with the variables unexpanded", "${platform}-${buildarch}", null),
        row("iPXE with both variables empty", "-", null),
        row("platform alone", "efi", null),
        row("a CPU arch alone is not a client arch", "x86_64", null),
        row("pcbios on arm does not exist", "pcbios-arm64", null),
        row("efi-riscv64: no arch", "efi-riscv64", null),
        row("an alias ClientArch does not know", "efi-amd64", null),
        row("very long", "efi-" + "x".repeat(10_000), null));
  }

  @ParameterizedTest
  @MethodSource("hints")
  void parses(String raw, ClientArch want) {
    assertEquals(want, MenuPlanner.clientArch(raw));
  }
}
