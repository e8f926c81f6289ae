package dev.pxebus.dhcp.pxe;

import static dev.pxebus.dhcp.pxe.Captured.bytes;
import static dev.pxebus.dhcp.pxe.Captured.with;
import static dev.pxebus.dhcp.pxe.Captured.without;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.OptionCode;
import dev.pxebus.dhcp.pxe.PxeClient.Kind;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which packets are network-boot clients, and what they said about themselves (options 60/77/93/97/175), as smee
 * validates PXE clients: one pure function, one named case per outcome. Captured cases are the real firmware packets;
 * synthetic ones edit the real EDK2 DISCOVER so only the option under test differs.
 */
class PxeClassifierTest {
  private static final String ZERO_UUID = "00" + "00".repeat(16);

  /** A boot client: its kind, architecture, whether it is iPXE, and option 97 as it will be echoed (null = none). */
  private record Client(Kind kind, int arch, boolean ipxe, String uuidHex) {}

  /** One row: a packet in, a client or the start of the reason out. */
  private record Case(Supplier<DhcpPacket> packet, Optional<Client> client, String reason) {}

  private static Arguments client(String name, Supplier<DhcpPacket> p, Kind kind, int arch, boolean ipxe,
      String uuidHex) {
    return Arguments.of(named(name, new Case(p, Optional.of(new Client(kind, arch, ipxe, uuidHex)), "")));
  }

  private static Arguments notClient(String name, Supplier<DhcpPacket> p, String reason) {
    return Arguments.of(named(name, new Case(p, Optional.empty(), reason)));
  }

  private static DhcpPacket edk2(int code, byte[] value) {
    return with(Captured.edk2Discover(), code, value);
  }

  private static DhcpPacket edk2(int code, String value) {
    return with(Captured.edk2Discover(), code, value);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // ---------------------------------------------------------------- real firmware (captures/)
        client("SeaBIOS iPXE ROM DISCOVER: arch 0, 77 iPXE, 175, zero UUID",
            Captured::ipxeBiosDiscover, Kind.PXE, PxeClient.ARCH_BIOS, true, ZERO_UUID),
        client("iPXE BIOS 4011 REQUEST: 60 is bare PXEClient, arch from 93",
            () -> Captured.ipxeBios4011Request().packet(), Kind.PXE, PxeClient.ARCH_BIOS, true, ZERO_UUID),
        client("EDK2 DISCOVER: arch 7, not iPXE, zero UUID",
            Captured::edk2Discover, Kind.PXE, PxeClient.ARCH_EFI_BC, false, ZERO_UUID),
        client("EDK2 4011 REQUEST from port 4011",
            () -> Captured.edk24011Request().packet(), Kind.PXE, PxeClient.ARCH_EFI_BC, false, ZERO_UUID),
        client("snponly.efi iPXE DISCOVER: arch 7 and iPXE",
            Captured::snponlyDiscover, Kind.PXE, PxeClient.ARCH_EFI_BC, true, ZERO_UUID),
        client("snponly.efi iPXE 4011 REQUEST from port 68",
            () -> Captured.snponly4011Request().packet(), Kind.PXE, PxeClient.ARCH_EFI_BC, true, ZERO_UUID),

        // ---------------------------------------------------------------- option 60
        notClient("no option 60: an ordinary DHCP client",
            () -> without(Captured.edk2Discover(), OptionCode.VENDOR_CLASS), "no option 60"),
        notClient("60 = MSFT 5.0 (Windows): neither PXEClient nor HTTPClient",
            () -> edk2(OptionCode.VENDOR_CLASS, "MSFT 5.0"), "option 60 'MSFT 5.0' is neither"),
        notClient("60 with control bytes is named printably in the reason",
            () -> edk2(OptionCode.VENDOR_CLASS, bytes('d', 'h', 0x01, 'x')), "option 60 'dh?x' is neither"),
        client("HTTPClient:Arch:00016 with 93 = 16: UEFI HTTP boot x64",
            () -> with(edk2(OptionCode.VENDOR_CLASS, "HTTPClient:Arch:00016:UNDI:003000"), OptionCode.CLIENT_ARCH,
                bytes(0, 16)), Kind.HTTP, PxeClient.ARCH_HTTP_X64, false, ZERO_UUID),
        client("HTTPClient without 93: arch from 60",
            () -> without(edk2(OptionCode.VENDOR_CLASS, "HTTPClient:Arch:00019"), OptionCode.CLIENT_ARCH),
            Kind.HTTP, PxeClient.ARCH_HTTP_ARM64, false, ZERO_UUID),

        // ---------------------------------------------------------------- option 93 (RFC 4578 §2.1)
        client("93 missing, 60 says Arch:00007: EFI",
            () -> without(Captured.edk2Discover(), OptionCode.CLIENT_ARCH), Kind.PXE, PxeClient.ARCH_EFI_BC,
            false, ZERO_UUID),
        client("93 missing, 60 without Arch: an old BIOS ROM",
            () -> without(edk2(OptionCode.VENDOR_CLASS, "PXEClient"), OptionCode.CLIENT_ARCH), Kind.PXE,
            PxeClient.ARCH_BIOS, false, ZERO_UUID),
        client("93 missing, 60 Arch field not digits: BIOS",
            () -> without(edk2(OptionCode.VENDOR_CLASS, "PXEClient:Arch:0000x:UNDI:002001"), OptionCode.CLIENT_ARCH),
            Kind.PXE, PxeClient.ARCH_BIOS, false, ZERO_UUID),
        client("93 wins over 60's Arch field",
            () -> edk2(OptionCode.CLIENT_ARCH, bytes(0, 11)), Kind.PXE, PxeClient.ARCH_EFI_ARM64, false, ZERO_UUID),
        client("93 list of two types: the first is the client's",
            () -> edk2(OptionCode.CLIENT_ARCH, bytes(0, 9, 0, 7)), Kind.PXE, PxeClient.ARCH_EFI_X64, false,
            ZERO_UUID),
        client("ARM64 (93 = 11)",
            () -> edk2(OptionCode.CLIENT_ARCH, bytes(0, 11)), Kind.PXE, PxeClient.ARCH_EFI_ARM64, false, ZERO_UUID),
        client("unknown arch 99 is still a boot client (the selector decides there is no file)",
            () -> edk2(OptionCode.CLIENT_ARCH, bytes(0, 99)), Kind.PXE, 99, false, ZERO_UUID),
        notClient("malformed 93, odd length 3",
            () -> edk2(OptionCode.CLIENT_ARCH, bytes(0, 7, 0)), "option 93 (client architecture) has 3 bytes"),
        notClient("malformed 93, one byte",
            () -> edk2(OptionCode.CLIENT_ARCH, bytes(7)), "option 93 (client architecture) has 1 bytes"),
        notClient("malformed 93, empty",
            () -> edk2(OptionCode.CLIENT_ARCH, bytes()), "option 93 (client architecture) has 0 bytes"),

        // ---------------------------------------------------------------- option 97 (RFC 4578 §2.3)
        client("97 absent: tolerated (real ROMs omit it), nothing to echo",
            () -> without(Captured.edk2Discover(), OptionCode.CLIENT_UUID), Kind.PXE, PxeClient.ARCH_EFI_BC,
            false, null),
        client("97 of 16 bytes (no type byte): tolerated, not echoed",
            () -> edk2(OptionCode.CLIENT_UUID, new byte[16]), Kind.PXE, PxeClient.ARCH_EFI_BC, false, null),
        client("97 of 18 bytes: tolerated, not echoed",
            () -> edk2(OptionCode.CLIENT_UUID, new byte[18]), Kind.PXE, PxeClient.ARCH_EFI_BC, false, null),
        client("97 of type 1: tolerated, not echoed",
            () -> edk2(OptionCode.CLIENT_UUID, with17(1)), Kind.PXE, PxeClient.ARCH_EFI_BC, false, null),
        client("97 with a real UUID: echoed exactly",
            () -> edk2(OptionCode.CLIENT_UUID, HexFormat.of().parseHex("00" + "0123456789abcdef0123456789abcdef")),
            Kind.PXE, PxeClient.ARCH_EFI_BC, false, "000123456789abcdef0123456789abcdef"),

        // ---------------------------------------------------------------- iPXE: 77 (RFC 3004) and 175
        client("77 in RFC 3004 form 04 69 50 58 45: iPXE",
            () -> edk2(OptionCode.USER_CLASS, bytes(4, 'i', 'P', 'X', 'E')), Kind.PXE, PxeClient.ARCH_EFI_BC, true,
            ZERO_UUID),
        client("77 RFC 3004 list, iPXE second",
            () -> edk2(OptionCode.USER_CLASS, bytes(3, 'f', 'o', 'o', 4, 'i', 'P', 'X', 'E')), Kind.PXE,
            PxeClient.ARCH_EFI_BC, true, ZERO_UUID),
        client("77 of another class: not iPXE",
            () -> edk2(OptionCode.USER_CLASS, "gPXE-not"), Kind.PXE, PxeClient.ARCH_EFI_BC, false, ZERO_UUID),
        client("77 with a bad RFC 3004 length: not iPXE, still a client",
            () -> edk2(OptionCode.USER_CLASS, bytes(9, 'i', 'P', 'X', 'E')), Kind.PXE, PxeClient.ARCH_EFI_BC, false,
            ZERO_UUID),
        client("175 without 77: iPXE",
            () -> without(Captured.ipxeBiosDiscover(), OptionCode.USER_CLASS), Kind.PXE, PxeClient.ARCH_BIOS, true,
            ZERO_UUID),
        client("iPXE ROM without 77 and 175: a plain BIOS PXE ROM",
            () -> without(Captured.ipxeBiosDiscover(), OptionCode.USER_CLASS, OptionCode.IPXE_ENCAP), Kind.PXE,
            PxeClient.ARCH_BIOS, false, ZERO_UUID));
  }

  private static byte[] with17(int type) {
    byte[] v = new byte[17];
    v[0] = (byte) type;
    return v;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void classifies(Case c) {
    DhcpPacket p = c.packet().get();
    PxeClassifier.Result r = PxeClassifier.classify(p);
    if (c.client().isEmpty()) {
      assertTrue(r.client().isEmpty(), () -> "expected no client, got " + r.client());
      assertTrue(r.reason().startsWith(c.reason()), () -> "reason '" + r.reason() + "'");
      return;
    }
    Client want = c.client().get();
    PxeClient got = r.client().orElseThrow(() -> new AssertionError("not classified: " + r.reason()));
    assertEquals("", r.reason());
    assertEquals(want.kind(), got.kind(), "kind");
    assertEquals(want.arch(), got.arch(), "arch");
    assertEquals(want.ipxe(), got.ipxe(), "iPXE");
    if (want.uuidHex() == null) {
      assertFalse(got.uuid().isPresent(), "option 97 not to be echoed");
    } else {
      assertArrayEquals(HexFormat.of().parseHex(want.uuidHex()), got.uuid().orElseThrow(), "option 97");
    }
    assertEquals(p.optionValue(OptionCode.VENDOR_CLASS).map(Captured::text).orElseThrow(), got.vendorClass());
  }

  /** Every request any firmware sent in the captures is a boot client of the architecture its option 93 names. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("capturedRequests")
  void everyCapturedFirmwareRequestIsABootClient(Captured.Frame f) {
    PxeClassifier.Result r = PxeClassifier.classify(f.packet());
    PxeClient c = r.client().orElseThrow(() -> new AssertionError(f + ": " + r.reason()));
    byte[] arch = f.packet().optionValue(OptionCode.CLIENT_ARCH).orElseThrow();
    assertEquals(((arch[0] & 0xFF) << 8) | (arch[1] & 0xFF), c.arch());
    assertEquals(f.packet().optionValue(OptionCode.IPXE_ENCAP).isPresent(), c.ipxe(), "iPXE iff it sent 175");
  }

  static Stream<Arguments> capturedRequests() {
    return Stream.of("bios-ipxe", "bios-pxelinux", "proxy-bios", "proxy-uefi", "uefi-edk2")
        .flatMap(capture -> Captured.requests(capture).stream())
        .map(f -> Arguments.of(named(f + " " + f.packet().messageType(), f)));
  }
}
