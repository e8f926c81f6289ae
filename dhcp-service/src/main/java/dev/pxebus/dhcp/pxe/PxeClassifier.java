package dev.pxebus.dhcp.pxe;

import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.OptionCode;
import dev.pxebus.dhcp.codec.PxeOptions;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Tells network-boot clients from other DHCP clients, as one pure function over options 60, 77, 93, 97 and 175.
 * Real firmware omits option 97 now and then and old ROMs omit 93: both are tolerated (smee does the same), the
 * architecture then comes from option 60's {@code Arch:} field.
 */
public final class PxeClassifier {
  private PxeClassifier() {}

  /** The outcome: a boot client, or the reason it is not one (logged by the caller). */
  public record Result(Optional<PxeClient> client, String reason) {
    static Result not(String reason) {
      return new Result(Optional.empty(), reason);
    }
  }

  public static Result classify(DhcpPacket p) {
    Optional<byte[]> vc = p.optionValue(OptionCode.VENDOR_CLASS);
    if (vc.isEmpty()) return Result.not("no option 60 (vendor class): not a PXE or HTTP boot client");
    String vendor = new String(vc.get(), StandardCharsets.US_ASCII);
    PxeClient.Kind kind;
    if (vendor.startsWith("PXEClient")) {
      kind = PxeClient.Kind.PXE;
    } else if (vendor.startsWith("HTTPClient")) {
      kind = PxeClient.Kind.HTTP;
    } else {
      return Result.not("option 60 '" + printable(vendor) + "' is neither PXEClient nor HTTPClient");
    }
    int arch;
    Optional<byte[]> a = p.optionValue(OptionCode.CLIENT_ARCH);
    if (a.isPresent()) {
      byte[] v = a.get();
      if (v.length < 2 || v.length % 2 != 0) {
        return Result.not("option 93 (client architecture) has " + v.length + " bytes, not a list of 16-bit types");
      }
      arch = ((v[0] & 0xFF) << 8) | (v[1] & 0xFF);
    } else {
      arch = archFromVendorClass(vendor).orElse(PxeClient.ARCH_BIOS);
    }
    Optional<byte[]> uuid = p.optionValue(OptionCode.CLIENT_UUID);
    if (uuid.isPresent() && (uuid.get().length != 17 || uuid.get()[0] != 0)) {
      // RFC 4578 §2.3: type 0 then 16 bytes. A malformed one is not echoed (a ROM may reject it), but the client
      // still boots.
      uuid = Optional.empty();
    }
    boolean ipxe = p.option(OptionCode.IPXE_ENCAP).isPresent() || userClassIsIpxe(p);
    return new Result(Optional.of(new PxeClient(kind, arch, uuid, ipxe, vendor)), "");
  }

  /** {@code PXEClient:Arch:00007:UNDI:003000} → 7. */
  static Optional<Integer> archFromVendorClass(String vendor) {
    int i = vendor.indexOf(":Arch:");
    if (i < 0 || vendor.length() < i + 11) return Optional.empty();
    String digits = vendor.substring(i + 6, i + 11);
    if (!digits.chars().allMatch(Character::isDigit)) return Optional.empty();
    return Optional.of(Integer.parseInt(digits));
  }

  /** iPXE sends option 77 as the bare string {@code iPXE}; RFC 3004 form (length-prefixed) is accepted too. */
  static boolean userClassIsIpxe(DhcpPacket p) {
    return p.optionValue(OptionCode.USER_CLASS).map(v -> PxeOptions.decodeUserClasses(v).contains("iPXE"))
        .orElse(false);
  }


  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) b.append(c >= 0x20 && c < 0x7F ? c : '?');
    return b.length() > 64 ? b.substring(0, 64) + "…" : b.toString();
  }
}
