package dev.pxebus.tftp.transfer;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes of one transfer, read at any offset (blocks are resent after a loss, so reads are not only sequential).
 * Implementations may block (file I/O): call them where blocking is allowed.
 */
public interface BlockSource extends Closeable {

  /** Bytes the client will receive. Fixed for the life of the source. */
  long size() throws IOException;

  /**
   * Reads bytes from {@code offset} into {@code dst} (from its position up to its limit) and advances its position.
   * Fills {@code dst} completely unless the source ends first.
   *
   * @return bytes read; 0 at or past the end
   */
  int read(long offset, ByteBuffer dst) throws IOException;

  /** Reads exactly {@code length} bytes at {@code offset} into {@code dst}, or throws if the source ended early. */
  default void readBlock(long offset, ByteBuffer dst, int length) throws IOException {
    if (dst.remaining() < length) throw new IllegalArgumentException("buffer has room for " + dst.remaining());
    int limit = dst.limit();
    dst.limit(dst.position() + length);
    try {
      int n = read(offset, dst);
      if (n != length) {
        throw new EOFException("source ended at offset " + (offset + n) + ", expected " + length + " bytes at " + offset
            + " (file truncated while serving?)");
      }
    } finally {
      dst.limit(limit);
    }
  }

  @Override
  default void close() throws IOException {}

  /** An in-memory source (small generated files; tests). The array is not copied. */
  static BlockSource of(byte[] bytes) {
    return new BlockSource() {
      @Override
      public long size() {
        return bytes.length;
      }

      @Override
      public int read(long offset, ByteBuffer dst) {
        if (offset >= bytes.length) return 0;
        int n = (int) Math.min(dst.remaining(), bytes.length - offset);
        dst.put(bytes, (int) offset, n);
        return n;
      }
    };
  }
}
