package dev.pxebus.tftp.transfer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/** A file of any size that exists only as a formula: byte i = a mix of i's bits. No disk, no memory. */
final class SyntheticSource implements BlockSource {
  private final long size;

  SyntheticSource(long size) {
    this.size = size;
  }

  static byte at(long i) {
    return (byte) (i ^ (i >>> 8) * 31 ^ (i >>> 16) * 131 ^ (i >>> 24) * 7);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int read(long offset, ByteBuffer dst) {
    int n = (int) Math.max(0, Math.min(dst.remaining(), size - offset));
    for (int k = 0; k < n; k++) dst.put(at(offset + k));
    return n;
  }

  /** CRC-32 of the whole content, what a client that got everything right computes. */
  long crc() {
    CRC32 crc = new CRC32();
    byte[] buf = new byte[8192];
    for (long off = 0; off < size; off += buf.length) {
      int n = (int) Math.min(buf.length, size - off);
      for (int k = 0; k < n; k++) buf[k] = at(off + k);
      crc.update(buf, 0, n);
    }
    return crc.getValue();
  }
}
