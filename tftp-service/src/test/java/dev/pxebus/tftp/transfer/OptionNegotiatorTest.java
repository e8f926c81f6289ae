package dev.pxebus.tftp.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptionNegotiatorTest {
  private static final OptionLimits LIMITS = OptionLimits.DEFAULT; // blksize 1468, windowsize 16, tsize, timeout

  /**
   * name; request options as "k=v k=v"; transfer size (-1 = unknown); limits; expected blksize, windowsize,
   * timeout (0 = none), tsize (-1 = none); expected OACK as "k=v k=v" ("" = no OACK).
   */
  static Stream<Arguments> cases() {
    return Stream.of(
        c("iPXE: blksize=1432 tsize=0", "blksize=1432 tsize=0", 42430, LIMITS,
            1432, 1, 0, 42430, "blksize=1432 tsize=42430"),
        c("pxelinux: tsize=0 blksize=1408", "tsize=0 blksize=1408", 119524, LIMITS,
            1408, 1, 0, 119524, "tsize=119524 blksize=1408"),
        c("EDK2 probe: tsize=0 blksize=1468 windowsize=4", "tsize=0 blksize=1468 windowsize=4", 173792, LIMITS,
            1468, 4, 0, 173792, "tsize=173792 blksize=1468 windowsize=4"),
        c("EDK2 real transfer: blksize=1468 windowsize=4", "blksize=1468 windowsize=4", 173792, LIMITS,
            1468, 4, 0, -1, "blksize=1468 windowsize=4"),
        c("no options: plain RFC 1350", "", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("blksize 7 is below RFC 2348's range: ignored, no OACK", "blksize=7", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("blksize 8 is the smallest allowed", "blksize=8", 1000, LIMITS, 8, 1, 0, -1, "blksize=8"),
        c("blksize 65464 is clamped to the server's max", "blksize=65464", 1000, LIMITS,
            1468, 1, 0, -1, "blksize=1468"),
        c("blksize 65465 is above RFC 2348's range: ignored", "blksize=65465", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("blksize 1500 over the MTU limit is lowered", "blksize=1500", 1000, LIMITS, 1468, 1, 0, -1, "blksize=1468"),
        c("blksize 65464 on a jumbo-frame interface", "blksize=65464", 1000, OptionLimits.forMtu(9000),
            8968, 1, 0, -1, "blksize=8968"),
        c("blksize 512 asked explicitly is acknowledged", "blksize=512", 1000, LIMITS, 512, 1, 0, -1, "blksize=512"),
        c("blksize with leading zeros", "blksize=01024", 1000, LIMITS, 1024, 1, 0, -1, "blksize=1024"),
        c("blksize not a number: ignored", "blksize=big", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("blksize negative: ignored", "blksize=-1024", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("blksize with a sign: ignored", "blksize=+1024", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("blksize empty: ignored", "blksize=", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("blksize absurdly long number: ignored", "blksize=99999999999999999999999", 1000, LIMITS,
            512, 1, 0, -1, ""),
        c("windowsize 0: ignored", "windowsize=0", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("windowsize 65536: ignored", "windowsize=65536", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("windowsize 1 is acknowledged", "windowsize=1", 1000, LIMITS, 512, 1, 0, -1, "windowsize=1"),
        c("windowsize 64 clamped to the max", "windowsize=64", 1000, LIMITS, 512, 16, 0, -1, "windowsize=16"),
        c("windowsize 4 (EDK2) granted as asked", "windowsize=4", 1000, LIMITS, 512, 4, 0, -1, "windowsize=4"),
        c("windowsize 65535 clamped to the max", "windowsize=65535", 1000, LIMITS.withMaxWindowsize(32768),
            512, 32768, 0, -1, "windowsize=32768"),
        c("windowsize disabled (max 1): not acknowledged, like dnsmasq", "blksize=1468 windowsize=4", 1000,
            LIMITS.withMaxWindowsize(1), 1468, 1, 0, -1, "blksize=1468"),
        c("timeout 0: outside RFC 2349's 1..255, ignored", "timeout=0", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("timeout 256: ignored", "timeout=256", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("timeout 1: echoed unchanged", "timeout=1", 1000, LIMITS, 512, 1, 1, -1, "timeout=1"),
        c("timeout 255: echoed unchanged", "timeout=255", 1000, LIMITS, 512, 1, 255, -1, "timeout=255"),
        c("timeout 5 with leading zero is echoed normalised", "timeout=05", 1000, LIMITS,
            512, 1, 5, -1, "timeout=5"),
        c("timeout disabled", "timeout=5", 1000, new OptionLimits(1468, 8, true, false), 512, 1, 0, -1, ""),
        c("tsize non-zero in an RRQ: answered with the real size", "tsize=12345", 42430, LIMITS,
            512, 1, 0, 42430, "tsize=42430"),
        c("tsize of an empty file", "tsize=0", 0, LIMITS, 512, 1, 0, 0, "tsize=0"),
        c("tsize of a file over 4 GiB", "tsize=0", 5_000_000_000L, LIMITS, 512, 1, 0, 5_000_000_000L,
            "tsize=5000000000"),
        c("tsize not a number: ignored", "tsize=?", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("tsize with the size unknown (netascii not sized): not answered", "tsize=0 blksize=1408", -1, LIMITS,
            1408, 1, 0, -1, "blksize=1408"),
        c("tsize disabled", "tsize=0", 1000, new OptionLimits(1468, 8, false, true), 512, 1, 0, -1, ""),
        c("upper-case option names", "BLKSIZE=1024 TSize=0 WindowSize=8 TIMEOUT=2", 5000, LIMITS,
            1024, 8, 2, 5000, "blksize=1024 tsize=5000 windowsize=8 timeout=2"),
        c("unknown options only: no OACK", "multicast= rollover=0 x-ipxe=1", 1000, LIMITS, 512, 1, 0, -1, ""),
        c("unknown options are not echoed", "multicast= blksize=1432 utimeout=500000", 1000, LIMITS,
            1432, 1, 0, -1, "blksize=1432"),
        c("all refused: plain DATA", "blksize=4 windowsize=0 timeout=0 tsize=x", 1000, LIMITS, 512, 1, 0, -1, ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void negotiates(String name, Map<String, String> requested, long size, OptionLimits limits,
      TransferOptions expected, Map<String, String> expectedOack) {
    Negotiation n = new OptionNegotiator(limits).negotiate(requested,
        size < 0 ? OptionalLong.empty() : OptionalLong.of(size));
    assertEquals(expected, n.options());
    assertEquals(!expectedOack.isEmpty(), n.hasOack());
    if (n.hasOack()) {
      // same entries in the same order
      assertEquals(String.valueOf(expectedOack), String.valueOf(n.oack().orElseThrow().options()));
    }
  }

  @Test
  void blksizeForMtu() {
    assertEquals(1468, OptionLimits.blksizeForMtu(1500));
    assertEquals(1432, OptionLimits.blksizeForMtu(1464));
    assertEquals(8968, OptionLimits.blksizeForMtu(9000));
    assertEquals(65464, OptionLimits.blksizeForMtu(65536), "loopback: capped at RFC 2348's maximum");
    assertEquals(8, OptionLimits.blksizeForMtu(20), "never below RFC 2348's minimum");
  }

  @Test
  void limitsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new OptionLimits(7, 16, true, true));
    assertThrows(IllegalArgumentException.class, () -> new OptionLimits(65465, 16, true, true));
    assertThrows(IllegalArgumentException.class, () -> new OptionLimits(1468, 0, true, true));
    assertThrows(IllegalArgumentException.class, () -> new OptionLimits(1468, 32769, true, true),
        "a window over half the block number space would make ACK numbers ambiguous");
  }

  private static Arguments c(String name, String request, long size, OptionLimits limits,
      int blksize, int windowsize, int timeout, long tsize, String oack) {
    TransferOptions expected = new TransferOptions(blksize, windowsize,
        timeout == 0 ? OptionalInt.empty() : OptionalInt.of(timeout),
        tsize < 0 ? OptionalLong.empty() : OptionalLong.of(tsize));
    return Arguments.of(name, pairs(request), size, limits, expected, pairs(oack));
  }

  private static Map<String, String> pairs(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    if (text.isEmpty()) return m;
    for (String kv : text.split(" ")) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return m;
  }
}
