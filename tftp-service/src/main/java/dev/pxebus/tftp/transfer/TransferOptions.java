package dev.pxebus.tftp.transfer;

import dev.pxebus.tftp.codec.TftpCodec;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The parameters one transfer runs with, after negotiation.
 *
 * @param blksize DATA payload size (RFC 2348); 512 unless negotiated
 * @param windowsize blocks sent before waiting for an ACK (RFC 7440); 1 (lock-step) unless negotiated
 * @param timeoutSeconds the client's retransmission timeout, when it asked for one and it was acknowledged (RFC
 *     2349); the server uses it as the ceiling of its own adaptive retransmission timer
 * @param tsize the transfer size told to the client in the OACK (RFC 2349), when it asked and it was answered
 */
public record TransferOptions(int blksize, int windowsize, OptionalInt timeoutSeconds, OptionalLong tsize) {
  /** Plain RFC 1350: 512-byte blocks, lock-step. */
  public static final TransferOptions DEFAULT =
      new TransferOptions(TftpCodec.DEFAULT_BLKSIZE, 1, OptionalInt.empty(), OptionalLong.empty());

  public TransferOptions {
    if (blksize < TftpCodec.MIN_BLKSIZE || blksize > TftpCodec.MAX_BLKSIZE) {
      throw new IllegalArgumentException("blksize out of 8..65464: " + blksize);
    }
    if (windowsize < 1 || windowsize > OptionLimits.WINDOWSIZE_LIMIT) {
      throw new IllegalArgumentException("windowsize out of 1.." + OptionLimits.WINDOWSIZE_LIMIT + ": " + windowsize);
    }
    if (timeoutSeconds.isPresent() && (timeoutSeconds.getAsInt() < 1 || timeoutSeconds.getAsInt() > 255)) {
      throw new IllegalArgumentException("timeout out of 1..255: " + timeoutSeconds.getAsInt());
    }
    if (tsize.isPresent() && tsize.getAsLong() < 0) throw new IllegalArgumentException("negative tsize");
  }

  public static TransferOptions of(int blksize, int windowsize) {
    return new TransferOptions(blksize, windowsize, OptionalInt.empty(), OptionalLong.empty());
  }
}
