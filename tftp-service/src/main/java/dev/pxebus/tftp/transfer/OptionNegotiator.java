package dev.pxebus.tftp.transfer;

import dev.pxebus.tftp.codec.TftpCodec;
import dev.pxebus.tftp.codec.TftpPacket.OptionAck;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Option negotiation for a read request (RFC 2347), as one pure function of the request's options, the transfer size
 * and the server's {@link OptionLimits}.
 *
 * <p>Rules, per option (names are case-insensitive; the OACK lists accepted options in request order):
 * <ul>
 *   <li>{@code blksize} (RFC 2348): a value outside 8..65464, or not a decimal number, is ignored (not acknowledged,
 *       512 is used); a valid value is granted up to {@link OptionLimits#maxBlksize()} and the granted value is
 *       echoed (the RFC lets the server answer a smaller one).</li>
 *   <li>{@code windowsize} (RFC 7440): outside 1..65535 ignored; granted up to {@link OptionLimits#maxWindowsize()};
 *       not acknowledged at all when that limit is 1.</li>
 *   <li>{@code timeout} (RFC 2349): outside 1..255 ignored; otherwise echoed unchanged (the RFC does not let the server
 *       change it, and EDK2 refuses an OACK that does). The server's own retransmission timer stays adaptive and uses
 *       it as a ceiling (see {@link ReadTransfer}).</li>
 *   <li>{@code tsize} (RFC 2349): in a read request the client sends 0; any non-negative decimal is taken as the
 *       question "how big?" and answered with the transfer size — in netascii mode the converted size, which is what
 *       the client will receive. Not answered when the size is unknown or tsize is disabled.</li>
 *   <li>Anything else (multicast, rollover, vendor options, garbage) is ignored and not echoed.</li>
 * </ul>
 * When nothing is acknowledged there is no OACK and the transfer is plain RFC 1350.
 */
public final class OptionNegotiator {
  public static final String BLKSIZE = "blksize";
  public static final String WINDOWSIZE = "windowsize";
  public static final String TIMEOUT = "timeout";
  public static final String TSIZE = "tsize";

  private final OptionLimits limits;

  public OptionNegotiator(OptionLimits limits) {
    this.limits = limits;
  }

  public OptionLimits limits() {
    return limits;
  }

  /**
   * @param requested the read request's options, e.g. {@code ReadRequest.options()}; names in any case
   * @param transferSize bytes the client will receive (after netascii conversion); empty when not known
   */
  public Negotiation negotiate(Map<String, String> requested, OptionalLong transferSize) {
    int blksize = TftpCodec.DEFAULT_BLKSIZE;
    int windowsize = 1;
    OptionalInt timeout = OptionalInt.empty();
    OptionalLong tsize = OptionalLong.empty();
    Map<String, String> accepted = new LinkedHashMap<>();

    for (Map.Entry<String, String> option : requested.entrySet()) {
      String name = option.getKey().toLowerCase(Locale.ROOT);
      long value = parseDecimal(option.getValue());
      if (value < 0 || accepted.containsKey(name)) continue;
      switch (name) {
        case BLKSIZE -> {
          if (value >= TftpCodec.MIN_BLKSIZE && value <= TftpCodec.MAX_BLKSIZE) {
            blksize = (int) Math.min(value, limits.maxBlksize());
            accepted.put(BLKSIZE, Integer.toString(blksize));
          }
        }
        case WINDOWSIZE -> {
          if (value >= 1 && value <= 65535 && limits.maxWindowsize() > 1) {
            windowsize = (int) Math.min(value, limits.maxWindowsize());
            accepted.put(WINDOWSIZE, Integer.toString(windowsize));
          }
        }
        case TIMEOUT -> {
          if (value >= 1 && value <= 255 && limits.timeout()) {
            timeout = OptionalInt.of((int) value);
            accepted.put(TIMEOUT, Long.toString(value));
          }
        }
        case TSIZE -> {
          if (limits.tsize() && transferSize.isPresent()) {
            tsize = transferSize;
            accepted.put(TSIZE, Long.toString(transferSize.getAsLong()));
          }
        }
        default -> { } // unknown options are ignored, never echoed (RFC 2347)
      }
    }
    TransferOptions options = new TransferOptions(blksize, windowsize, timeout, tsize);
    return new Negotiation(options, accepted.isEmpty() ? Optional.empty() : Optional.of(new OptionAck(accepted)));
  }

  /** A plain non-negative decimal (no sign, no blanks, at most 18 digits), or -1. */
  static long parseDecimal(String s) {
    if (s.isEmpty() || s.length() > 18) return -1;
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
