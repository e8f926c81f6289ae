package dev.pxebus.tftp.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A source converted to netascii on the fly (RFC 1350 §1, RFC 764): every LF becomes CR LF and every CR becomes
 * CR NUL. Each byte is converted on its own, as tftp-hpa does, so the file is taken to be a local (Unix) text file; one
 * that already has CR LF line ends comes out as CR NUL CR LF.
 *
 * <p>{@link #size()} is the converted size — what the client receives, and what a {@code tsize} answer must say
 * (RFC 2349). Finding it takes one pass over the file (done once, on first use, blocking); the pass also records the
 * converted offset of every {@value #DEFAULT_CHUNK}-byte stretch of the file, so that a read at any converted offset
 * (a retransmission) starts from the nearest such checkpoint instead of the beginning. Sequential reads continue where
 * the last one stopped. Netascii transfers are rare and small (configuration files); octet never pays for this.
 *
 * <p>Thread-safe (synchronized): one instance may be read by whichever worker thread serves the next block.
 */
public final class NetasciiBlockSource implements BlockSource {
  static final int DEFAULT_CHUNK = 64 * 1024;
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final BlockSource raw;
  private final int chunkSize;
  private final ByteBuffer chunk;
  private long rawSize = -1;
  private long size = -1;
  /** checkpoints[i] = converted offset at which raw offset i * chunkSize starts. */
  private long[] checkpoints;
  /** Where the last read stopped: a raw offset at a byte boundary, and its converted offset. */
  private long cursorRaw;
  private long cursorOut;

  public NetasciiBlockSource(BlockSource raw) {
    this(raw, DEFAULT_CHUNK);
  }

  NetasciiBlockSource(BlockSource raw, int chunkSize) {
    if (chunkSize < 1) throw new IllegalArgumentException("chunkSize must be > 0");
    this.raw = raw;
    this.chunkSize = chunkSize;
    this.chunk = ByteBuffer.allocate(chunkSize);
  }

  @Override
  public synchronized long size() throws IOException {
    index();
    return size;
  }

  @Override
  public synchronized int read(long offset, ByteBuffer dst) throws IOException {
    if (offset < 0) throw new IllegalArgumentException("negative offset");
    index();
    if (offset >= size || !dst.hasRemaining()) return 0;

    int at = Arrays.binarySearch(checkpoints, offset);
    if (at < 0) at = -at - 2; // the last checkpoint before offset
    while (at > 0 && checkpoints[at - 1] == checkpoints[at]) at--;
    long rawPos = (long) at * chunkSize;
    long out = checkpoints[at];
    if (cursorOut <= offset && cursorOut > out) {
      rawPos = cursorRaw;
      out = cursorOut;
    }

    int written = 0;
    while (rawPos < rawSize && dst.hasRemaining()) {
      // each raw byte yields at least one converted byte, so this many raw bytes always suffice
      long wanted = (offset - Math.min(out, offset)) + dst.remaining();
      int n = fill(rawPos, (int) Math.min(chunkSize, Math.min(rawSize - rawPos, wanted)));
      for (int i = 0; i < n; i++) {
        byte b = chunk.get(i);
        int width = b == CR || b == LF ? 2 : 1;
        if (out + width <= offset) {
          out += width;
          continue;
        }
        if (!dst.hasRemaining()) return stop(rawPos + i, out, written);
        if (width == 1) {
          dst.put(b);
          written++;
        } else {
          if (out >= offset) {
            dst.put(CR);
            written++;
            if (!dst.hasRemaining()) return stop(rawPos + i, out, written); // the pair's second byte comes next time
          }
          dst.put(b == LF ? LF : 0);
          written++;
        }
        out += width;
      }
      rawPos += n;
    }
    return stop(rawPos, out, written);
  }

  @Override
  public void close() throws IOException {
    raw.close();
  }

  private int stop(long rawPos, long out, int written) {
    cursorRaw = rawPos;
    cursorOut = out;
    return written;
  }

  /** One pass: the converted size and the checkpoints. */
  private void index() throws IOException {
    if (size >= 0) return;
    long total = raw.size();
    long[] marks = new long[(int) (total / chunkSize) + 1];
    long out = 0;
    long pos = 0;
    while (pos < total) {
      marks[(int) (pos / chunkSize)] = out;
      int n = fill(pos, (int) Math.min(chunkSize, total - pos));
      for (int i = 0; i < n; i++) {
        byte b = chunk.get(i);
        out += b == CR || b == LF ? 2 : 1;
      }
      pos += n;
    }
    if (total % chunkSize == 0) marks[marks.length - 1] = out;
    rawSize = total;
    checkpoints = marks;
    size = out;
  }

  private int fill(long pos, int length) throws IOException {
    chunk.clear().limit(length);
    int n = raw.read(pos, chunk);
    if (n < length) {
      throw new EOFException("netascii source shrank: " + n + " bytes at " + pos + ", expected " + length);
    }
    return n;
  }
}
