package dev.pxebus.dhcp.pxe;

import java.util.Map;
import java.util.Optional;

/**
 * Which boot file each kind of client gets (configuration, see {@code docs/configuration.md}). URLs may hold
 * {@code {server}} (the TFTP/HTTP server chosen for the client: the least-loaded replica or the configured one) and
 * {@code {http}} (that replica's HTTP base URL, e.g. {@code http://10.0.0.1:8069}).
 *
 * @param bios file for BIOS PXE ROMs (arch 0)
 * @param efiIa32 file for 32-bit UEFI (arch 6)
 * @param efiX64 file for x64 UEFI (arch 7 and 9)
 * @param efiArm64 file for ARM64 UEFI (arch 11)
 * @param httpBootUrl URL for UEFI HTTP boot clients ({@code HTTPClient}), per RFC-4578 arch 16/19 the x64/ARM64 file
 * @param ipxeScriptUrl what a client that is iPXE already gets; empty = treat it like any PXE client
 * @param perHost MAC (canonical) → boot file or URL, overriding all of the above for that machine
 */
public record BootPolicy(String bios, String efiIa32, String efiX64, String efiArm64, String httpBootUrl,
    String httpBootUrlArm64, Optional<String> ipxeScriptUrl, Map<String, String> perHost) {

  public BootPolicy {
    perHost = Map.copyOf(perHost);
  }

  public static BootPolicy defaults() {
    return new BootPolicy("pxelinux.0", "ipxe-ia32.efi", "ipxe.efi", "ipxe-arm64.efi", "{http}/ipxe.efi",
        "{http}/ipxe-arm64.efi", Optional.of("{http}/boot.ipxe"), Map.of());
  }
}
