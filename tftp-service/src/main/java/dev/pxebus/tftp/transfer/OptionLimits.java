package dev.pxebus.tftp.transfer;

import dev.pxebus.tftp.codec.TftpCodec;

/**
 * What the server is willing to negotiate (RFC 2347). Built once from configuration; the I/O layer knows the
 * interface MTU and passes {@link #forMtu(int)}'s blksize.
 *
 * @param maxBlksize largest blksize granted (RFC 2348); a larger request is lowered to this. 8..65464.
 * @param maxWindowsize largest windowsize granted (RFC 7440); 1 means the option is not acknowledged at all, so
 *     clients stay lock-step. At most {@value #WINDOWSIZE_LIMIT}, so that a 16-bit ACK number always names one block
 *     of the window unambiguously.
 * @param tsize whether the tsize option (RFC 2349) is answered
 * @param timeout whether the timeout option (RFC 2349) is acknowledged
 */
public record OptionLimits(int maxBlksize, int maxWindowsize, boolean tsize, boolean timeout) {
  /** What fits one Ethernet frame: MTU 1500 - 20 (IPv4) - 8 (UDP) - 4 (TFTP header). */
  public static final int DEFAULT_MAX_BLKSIZE = 1468;
  /**
   * EDK2 asks for 4, atftp and Windows clients for what they are told. Sixteen: a window leaves as one segmented send
   * (TransferDriver), so a larger one costs the server little, and RFC 7440's measurements found gains up to about
   * 16 on a LAN; beyond that a loss resends more (up to a window) for little more speed. Lower it on lossy links.
   */
  public static final int DEFAULT_MAX_WINDOWSIZE = 16;
  /** Hard upper bound for {@link #maxWindowsize}: half the 16-bit block number space. */
  public static final int WINDOWSIZE_LIMIT = 32768;
  public static final OptionLimits DEFAULT = new OptionLimits(DEFAULT_MAX_BLKSIZE, DEFAULT_MAX_WINDOWSIZE, true, true);

  public OptionLimits {
    if (maxBlksize < TftpCodec.MIN_BLKSIZE || maxBlksize > TftpCodec.MAX_BLKSIZE) {
      throw new IllegalArgumentException("maxBlksize out of 8..65464: " + maxBlksize);
    }
    if (maxWindowsize < 1 || maxWindowsize > WINDOWSIZE_LIMIT) {
      throw new IllegalArgumentException("maxWindowsize out of 1.." + WINDOWSIZE_LIMIT + ": " + maxWindowsize);
    }
  }

  /** The largest blksize whose DATA packet fits an IPv4 MTU unfragmented (1468 for 1500), within RFC 2348's range. */
  public static int blksizeForMtu(int mtu) {
    int fits = mtu - 20 - 8 - TftpCodec.DATA_HEADER_LENGTH;
    return Math.max(TftpCodec.MIN_BLKSIZE, Math.min(TftpCodec.MAX_BLKSIZE, fits));
  }

  /** The defaults with the blksize limit fitted to an interface MTU. */
  public static OptionLimits forMtu(int mtu) {
    return DEFAULT.withMaxBlksize(blksizeForMtu(mtu));
  }

  public OptionLimits withMaxBlksize(int value) {
    return new OptionLimits(value, maxWindowsize, tsize, timeout);
  }

  public OptionLimits withMaxWindowsize(int value) {
    return new OptionLimits(maxBlksize, value, tsize, timeout);
  }
}
