package dev.pxebus.dhcp.pxe;

import java.util.Optional;

/** The boot file (or URL) for a client: a pure function of the client, the policy and the chosen server. */
public final class BootFileSelector {
  private BootFileSelector() {}

  /**
   * @param bootFile what goes into option 67 / the BOOTP {@code file} field
   * @param vendorClass option 60 to send back: {@code PXEClient} or {@code HTTPClient} (UEFI HTTP boot requires the
   *     echo, UEFI spec 24.7.2); in server mode only {@code HTTPClient} is sent (see {@link PxeReplies#withBootInfo})
   * @param reason why this file was chosen, for the logs and events
   */
  public record Choice(String bootFile, String vendorClass, String reason) {}

  /**
   * @param mac canonical MAC, for the per-host override
   * @param server address of the TFTP/HTTP server chosen for this client
   * @param httpBase HTTP base URL of that server (no trailing slash)
   */
  public static Optional<Choice> select(PxeClient c, BootPolicy policy, String mac, String server, String httpBase) {
    String override = policy.perHost().get(mac);
    String echo = c.kind() == PxeClient.Kind.HTTP ? "HTTPClient" : "PXEClient";
    if (override != null) return Optional.of(new Choice(expand(override, server, httpBase), echo, "per-host override"));
    if (c.ipxe() && policy.ipxeScriptUrl().isPresent()) {
      // Already iPXE: hand it the menu script, never the bootloader again (that is the chain-load loop).
      return Optional.of(new Choice(expand(policy.ipxeScriptUrl().get(), server, httpBase), echo, "iPXE client: script"));
    }
    if (c.kind() == PxeClient.Kind.HTTP) {
      // Only the architectures a URL is configured for (RFC 4578 §2.1 / IANA: 16 x64 HTTP, 19 ARM64 HTTP). The x64
      // image handed to an x86 (15) or ARM32 (18) HTTP client is one its firmware refuses to load (PE machine type
      // mismatch), so those get no boot file, like an unknown PXE architecture below.
      String url = switch (c.arch()) {
        case PxeClient.ARCH_HTTP_X64, PxeClient.ARCH_EFI_BC, PxeClient.ARCH_EFI_X64 -> policy.httpBootUrl();
        case PxeClient.ARCH_HTTP_ARM64, PxeClient.ARCH_EFI_ARM64 -> policy.httpBootUrlArm64();
        default -> null;
      };
      if (url == null || url.isEmpty()) return Optional.empty();
      return Optional.of(new Choice(expand(url, server, httpBase), echo, "UEFI HTTP boot, arch " + c.arch()));
    }
    String file = switch (c.arch()) {
      case PxeClient.ARCH_BIOS -> policy.bios();
      case PxeClient.ARCH_EFI_IA32 -> policy.efiIa32();
      case PxeClient.ARCH_EFI_BC, PxeClient.ARCH_EFI_X64 -> policy.efiX64();
      case PxeClient.ARCH_EFI_ARM64 -> policy.efiArm64();
      default -> null;
    };
    if (file == null || file.isEmpty()) return Optional.empty();
    return Optional.of(new Choice(expand(file, server, httpBase), echo, "arch " + c.arch()));
  }

  static String expand(String template, String server, String httpBase) {
    return template.replace("{http}", httpBase).replace("{server}", server);
  }
}
