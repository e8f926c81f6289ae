package dev.pxebus.tftp.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file read at any offset any time: with positional reads ({@code pread}, no shared file position), or — for a file
 * that never changes in place, opened with {@link #openImmutable} — from its {@linkplain SharedMappings shared
 * read-only mapping} (a copy from the page cache, no system call per block). The page cache makes a retransmission
 * cheap either way. The size is taken when the file is opened. Blocking (a page not in memory is read from disk).
 * Not thread-safe: one transfer reads it.
 *
 * <p>Why not map every file: a mapped file truncated in place (an operator's {@code cp} over a kernel being served)
 * makes the next read fault, and the JVM reports that fault as an {@code InternalError} thrown later, anywhere in the
 * event loop's code, not at the read. {@code pread} just returns fewer bytes, which the transfer reports as a read
 * error. So only content that is replaced by rename, never rewritten — the replica's content-addressed artifact
 * cache — is mapped.
 */
public final class FileBlockSource implements BlockSource {
  private final FileChannel channel;
  private final long size;
  private final SharedMappings mappings;
  private SharedMappings.Mapping mapping;
  private boolean closed;

  private FileBlockSource(FileChannel channel, Path file, SharedMappings mappings, BasicFileAttributes before)
      throws IOException {
    this.channel = channel;
    this.size = channel.size();
    this.mappings = mappings;
    this.mapping = mappings == null || before == null ? null
        : mappings.acquire(file, channel, size, before).orElse(null);
  }

  /** A file that may be rewritten while it is read (the boot root): always {@code pread}. */
  public static FileBlockSource open(Path file) throws IOException {
    return open(file, null);
  }

  /**
   * A file that is never truncated or rewritten in place, only replaced by rename or deleted (the artifact cache):
   * read from a mapping shared with every other transfer of it when it is large enough.
   */
  public static FileBlockSource openImmutable(Path file) throws IOException {
    return open(file, SharedMappings.INSTANCE);
  }

  /** With {@code mappings} null, always {@code pread}. */
  static FileBlockSource open(Path file, SharedMappings mappings) throws IOException {
    BasicFileAttributes before = mappings == null ? null : attributes(file);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new FileBlockSource(channel, file, mappings, before);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static BasicFileAttributes attributes(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return null; // the open below reports it, if it is real
    }
  }

  /** Whether blocks come from a shared mapping. */
  boolean mapped() {
    return mapping != null;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int read(long offset, ByteBuffer dst) throws IOException {
    if (closed) throw new IOException("source closed");
    if (offset >= size) return 0;
    if (mapping != null) {
      int n = (int) Math.min(dst.remaining(), size - offset);
      dst.put(dst.position(), mapping.bytes, (int) offset, n);
      dst.position(dst.position() + n);
      return n;
    }
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
    if (closed) return;
    closed = true;
    if (mapping != null) {
      mappings.release(mapping);
      mapping = null;
    }
    channel.close();
  }
}
