package dev.pxebus.tftp.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file read with positional reads ({@code pread}): no shared file position, so any offset any time, and the page
 * cache makes a retransmission cheap. The size is taken when the file is opened. Blocking.
 */
public final class FileBlockSource implements BlockSource {
  private final FileChannel channel;
  private final long size;

  private FileBlockSource(FileChannel channel) throws IOException {
    this.channel = channel;
    this.size = channel.size();
  }

  public static FileBlockSource open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new FileBlockSource(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int read(long offset, ByteBuffer dst) throws IOException {
    if (offset >= size) return 0;
    int limit = dst.limit();
    dst.limit(dst.position() + (int) Math.min(dst.remaining(), size - offset)); // never past the size taken at open
    try {
      int total = 0;
      while (dst.hasRemaining()) {
        int n = channel.read(dst, offset + total);
        if (n < 0) break; // truncated meanwhile: the caller sees a short read
        total += n;
      }
      return total;
    } finally {
      dst.limit(limit);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
