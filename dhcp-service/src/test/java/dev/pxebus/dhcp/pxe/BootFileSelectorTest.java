package dev.pxebus.dhcp.pxe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.pxe.BootFileSelector.Choice;
import dev.pxebus.dhcp.pxe.PxeClient.Kind;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which boot file (or URL) each client gets: a pure function of the client, the policy and the server chosen for
 * it. Captured clients are classified from the real packets first; one row per outcome, comparing the whole choice.
 */
class BootFileSelectorTest {
  private static final String SERVER = "10.213.0.7";
  private static final String HTTP = "http://10.213.0.7:8069";
  private static final String MAC = "52:54:00:1a:b0:dd";
  private static final BootPolicy DEFAULTS = BootPolicy.defaults();

  private record Case(Supplier<PxeClient> client, BootPolicy policy, String mac, Optional<Choice> expected) {}

  private static Arguments row(String name, Supplier<PxeClient> client, BootPolicy policy, String mac,
      Choice expected) {
    return Arguments.of(named(name, new Case(client, policy, mac, Optional.ofNullable(expected))));
  }

  private static Arguments row(String name, Supplier<PxeClient> client, BootPolicy policy, Choice expected) {
    return row(name, client, policy, MAC, expected);
  }

  private static Supplier<PxeClient> captured(Supplier<DhcpPacket> p) {
    return () -> PxeClassifier.classify(p.get()).client().orElseThrow();
  }

  private static Supplier<PxeClient> pxe(int arch, boolean ipxe) {
    return () -> new PxeClient(Kind.PXE, arch, Optional.empty(), ipxe, "PXEClient:Arch:" + "%05d".formatted(arch));
  }

  private static Supplier<PxeClient> http(int arch) {
    return () -> new PxeClient(Kind.HTTP, arch, Optional.empty(), false, "HTTPClient:Arch:" + "%05d".formatted(arch));
  }

  private static Choice pxeChoice(String file, String reason) {
    return new Choice(file, "PXEClient", reason);
  }

  private static BootPolicy noIpxeScript() {
    BootPolicy d = DEFAULTS;
    return new BootPolicy(d.bios(), d.efiIa32(), d.efiX64(), d.efiArm64(), d.httpBootUrl(), d.httpBootUrlArm64(),
        Optional.empty(), d.perHost());
  }

  private static BootPolicy perHost(Map<String, String> perHost) {
    BootPolicy d = DEFAULTS;
    return new BootPolicy(d.bios(), d.efiIa32(), d.efiX64(), d.efiArm64(), d.httpBootUrl(), d.httpBootUrlArm64(),
        d.ipxeScriptUrl(), perHost);
  }

  private static BootPolicy files(String bios, String efiX64, String httpX64) {
    BootPolicy d = DEFAULTS;
    return new BootPolicy(bios, d.efiIa32(), efiX64, d.efiArm64(), httpX64, d.httpBootUrlArm64(), d.ipxeScriptUrl(),
        d.perHost());
  }

  static Stream<Arguments> cases() {
    String script = HTTP + "/boot.ipxe";
    return Stream.of(
        // ---------------------------------------------------------------- real firmware, default policy
        row("SeaBIOS iPXE ROM DISCOVER: iPXE already, gets the script URL (no chain-load loop)",
            captured(Captured::ipxeBiosDiscover), DEFAULTS, pxeChoice(script, "iPXE client: script")),
        row("EDK2 DISCOVER: ipxe.efi",
            captured(Captured::edk2Discover), DEFAULTS, pxeChoice("ipxe.efi", "arch 7")),
        row("snponly.efi iPXE (arch 7 + iPXE): script URL, not ipxe.efi again",
            captured(Captured::snponlyDiscover), DEFAULTS, pxeChoice(script, "iPXE client: script")),
        row("iPXE BIOS 4011 REQUEST: script URL",
            captured(() -> Captured.ipxeBios4011Request().packet()), DEFAULTS, pxeChoice(script, "iPXE client: script")),
        row("EDK2 4011 REQUEST: ipxe.efi",
            captured(() -> Captured.edk24011Request().packet()), DEFAULTS, pxeChoice("ipxe.efi", "arch 7")),
        row("iPXE ROM with no script configured: treated like any BIOS ROM",
            captured(Captured::ipxeBiosDiscover), noIpxeScript(), pxeChoice("pxelinux.0", "arch 0")),

        // ---------------------------------------------------------------- architecture → file (RFC 4578 §2.1)
        row("BIOS PXE ROM (arch 0): pxelinux.0", pxe(PxeClient.ARCH_BIOS, false), DEFAULTS,
            pxeChoice("pxelinux.0", "arch 0")),
        row("EFI IA32 (arch 6): ipxe-ia32.efi", pxe(PxeClient.ARCH_EFI_IA32, false), DEFAULTS,
            pxeChoice("ipxe-ia32.efi", "arch 6")),
        row("EFI x64 (arch 9): ipxe.efi", pxe(PxeClient.ARCH_EFI_X64, false), DEFAULTS,
            pxeChoice("ipxe.efi", "arch 9")),
        row("ARM64 (arch 11): the efi-arm64 file", pxe(PxeClient.ARCH_EFI_ARM64, false), DEFAULTS,
            pxeChoice("ipxe-arm64.efi", "arch 11")),
        row("ARM32 (arch 10): none configured, no boot file", pxe(PxeClient.ARCH_EFI_ARM32, false), DEFAULTS, null),
        row("unknown arch 99: no boot file", pxe(99, false), DEFAULTS, null),
        row("an arch whose file is configured empty: no boot file", pxe(PxeClient.ARCH_BIOS, false),
            files("", "ipxe.efi", "{http}/ipxe.efi"), null),

        // ---------------------------------------------------------------- UEFI HTTP boot
        row("HTTPClient:Arch:00016: http URL and HTTPClient echo", http(PxeClient.ARCH_HTTP_X64), DEFAULTS,
            new Choice(HTTP + "/ipxe.efi", "HTTPClient", "UEFI HTTP boot, arch 16")),
        row("HTTPClient:Arch:00019: the ARM64 URL", http(PxeClient.ARCH_HTTP_ARM64), DEFAULTS,
            new Choice(HTTP + "/ipxe-arm64.efi", "HTTPClient", "UEFI HTTP boot, arch 19")),
        row("HTTPClient with 93 = 7: the x64 URL", http(PxeClient.ARCH_EFI_BC), DEFAULTS,
            new Choice(HTTP + "/ipxe.efi", "HTTPClient", "UEFI HTTP boot, arch 7")),
        row("HTTPClient x86 (15): no x86 URL, so none (an x64 image would not load)", http(PxeClient.ARCH_HTTP_IA32),
            DEFAULTS, null),
        row("HTTPClient ARM32 (18): none", http(PxeClient.ARCH_HTTP_ARM32), DEFAULTS, null),
        row("HTTPClient of unknown arch 99: none", http(99), DEFAULTS, null),
        row("HTTPClient with the URL configured empty: none", http(PxeClient.ARCH_HTTP_X64),
            files("pxelinux.0", "ipxe.efi", ""), null),

        // ---------------------------------------------------------------- per-host override
        row("per-host override wins over the iPXE script", captured(Captured::snponlyDiscover),
            perHost(Map.of(MAC, "special.efi")), pxeChoice("special.efi", "per-host override")),
        row("per-host override wins over an unknown arch", pxe(99, false), perHost(Map.of(MAC, "any.bin")),
            pxeChoice("any.bin", "per-host override")),
        row("per-host override for an HTTP client keeps the HTTPClient echo", http(PxeClient.ARCH_HTTP_X64),
            perHost(Map.of(MAC, "{http}/mine.efi")), new Choice(HTTP + "/mine.efi", "HTTPClient", "per-host override")),
        row("another machine's override does not apply", pxe(PxeClient.ARCH_BIOS, false),
            perHost(Map.of("52:54:00:00:00:01", "other.0")), pxeChoice("pxelinux.0", "arch 0")),

        // ---------------------------------------------------------------- {server} / {http}
        row("{server} expands to the chosen TFTP server", pxe(PxeClient.ARCH_BIOS, false),
            files("tftp://{server}/pxelinux.0", "ipxe.efi", "{http}/ipxe.efi"),
            pxeChoice("tftp://10.213.0.7/pxelinux.0", "arch 0")),
        row("{http} expands to that server's HTTP base", pxe(PxeClient.ARCH_EFI_BC, false),
            files("pxelinux.0", "{http}/efi/ipxe.efi", "{http}/ipxe.efi"),
            pxeChoice(HTTP + "/efi/ipxe.efi", "arch 7")),
        row("{http} and {server} together, each as often as it occurs", http(PxeClient.ARCH_HTTP_X64),
            files("pxelinux.0", "ipxe.efi", "{http}/boot?next={server}&again={server}"),
            new Choice(HTTP + "/boot?next=10.213.0.7&again=10.213.0.7", "HTTPClient", "UEFI HTTP boot, arch 16")),
        row("{server} in a per-host override", pxe(PxeClient.ARCH_BIOS, false),
            perHost(Map.of(MAC, "http://{server}/hosts/{server}.ipxe")),
            pxeChoice("http://10.213.0.7/hosts/10.213.0.7.ipxe", "per-host override")),
        row("a template without placeholders is kept as it is", pxe(PxeClient.ARCH_BIOS, false),
            files("boot/{other}/pxelinux.0", "ipxe.efi", "{http}/ipxe.efi"),
            pxeChoice("boot/{other}/pxelinux.0", "arch 0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void selects(Case c) {
    assertEquals(c.expected(), BootFileSelector.select(c.client().get(), c.policy(), c.mac(), SERVER, HTTP));
  }
}
