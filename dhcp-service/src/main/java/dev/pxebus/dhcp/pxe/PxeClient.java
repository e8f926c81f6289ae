package dev.pxebus.dhcp.pxe;

import java.util.Optional;

/**
 * What a network-boot client said about itself (PXE spec 2.1, RFC 4578, UEFI HTTP boot).
 *
 * @param kind {@code PXEClient} or {@code HTTPClient} (option 60 prefix)
 * @param arch client system architecture: option 93's first value, else the {@code Arch:} field of option 60,
 *     else 0 (BIOS)
 * @param uuid option 97 exactly as sent (to echo it back, PXE spec §2.2.4), empty when the client omitted it
 * @param ipxe the client is iPXE already (option 77 {@code iPXE} or option 175 present): it gets its script, not
 *     another bootloader, so it never chain-loads itself in a loop
 */
public record PxeClient(Kind kind, int arch, Optional<byte[]> uuid, boolean ipxe, String vendorClass) {
  public enum Kind { PXE, HTTP }

  /** RFC 4578 §2.1 / IANA "Processor Architecture Types". */
  public static final int ARCH_BIOS = 0;
  public static final int ARCH_EFI_IA32 = 6;
  public static final int ARCH_EFI_BC = 7;
  public static final int ARCH_EFI_X64 = 9;
  public static final int ARCH_EFI_ARM32 = 10;
  public static final int ARCH_EFI_ARM64 = 11;
  public static final int ARCH_HTTP_IA32 = 15;
  public static final int ARCH_HTTP_X64 = 16;
  public static final int ARCH_HTTP_ARM32 = 18;
  public static final int ARCH_HTTP_ARM64 = 19;
}
