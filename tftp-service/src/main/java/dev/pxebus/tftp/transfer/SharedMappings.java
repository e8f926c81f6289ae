package dev.pxebus.tftp.transfer;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Files mapped read-only into memory once and shared by every transfer reading them, unmapped when the last of them
 * closes. A block is then a copy from the page cache's own pages, with no {@code pread} per block: under a boot storm
 * hundreds of transfers read the same initrd, and the system call was about a tenth of the server's time per block.
 *
 * <p>A file is known by its inode, size and modification time, so a file replaced under the same name (the usual
 * way: write elsewhere, rename) gets a mapping of its own, and transfers already reading the old one go on with it,
 * as they would with an open descriptor. Only regular files from {@link #MIN_SIZE} up to {@link #MAX_SIZE} are
 * mapped; others are read with {@code pread}. Unmapping is explicit ({@code Unsafe.invokeCleaner}), never left to the
 * garbage collector, which could keep thousands of finished transfers' mappings until a full collection.
 */
final class SharedMappings {
  /** Smaller files cost more to map than to read a few blocks of. */
  static final long MIN_SIZE = 64 * 1024;
  /** One {@link MappedByteBuffer} addresses at most 2 GiB. */
  static final long MAX_SIZE = Integer.MAX_VALUE;

  static final SharedMappings INSTANCE = new SharedMappings();

  private static final Method INVOKE_CLEANER;
  private static final Object UNSAFE;

  static {
    Method m = null;
    Object u = null;
    try {
      Class<?> c = Class.forName("sun.misc.Unsafe");
      Field f = c.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      u = f.get(null);
      m = c.getMethod("invokeCleaner", ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      m = null; // no explicit unmap on this JVM: files are read with pread instead
    }
    INVOKE_CLEANER = m;
    UNSAFE = u;
  }

  private record Key(Object inode, long size, long modified) {}

  /** One file's mapping and how many open sources use it. */
  static final class Mapping {
    private final Key key;
    final ByteBuffer bytes;
    private int users;

    private Mapping(Key key, ByteBuffer bytes) {
      this.key = key;
      this.bytes = bytes;
    }
  }

  private final Map<Key, Mapping> open = new HashMap<>();

  /**
   * The shared mapping of {@code file}, open as {@code channel} of {@code size} bytes, mapped now if no transfer holds
   * one; empty when the file is not worth or not able to be mapped. {@code before} are the file's attributes read
   * before {@code channel} was opened: only if the name still leads to that same file now is the channel known to be
   * it (a file renamed over the name in between must not have its mapping filed under the newcomer's key, where the
   * next transfer of the new file would read the old bytes). Each present result must be {@linkplain #release
   * released} once.
   */
  Optional<Mapping> acquire(Path file, FileChannel channel, long size, BasicFileAttributes before) {
    if (INVOKE_CLEANER == null || size < MIN_SIZE || size > MAX_SIZE) return Optional.empty();
    Key key;
    try {
      BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
      key = keyOf(now);
      if (!now.isRegularFile() || key == null || !key.equals(keyOf(before)) || now.size() != size) {
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    synchronized (this) {
      Mapping m = open.get(key);
      if (m == null) {
        MappedByteBuffer mapped;
        try {
          mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException | RuntimeException e) {
          return Optional.empty(); // e.g. out of address space or map count: pread still works
        }
        m = new Mapping(key, mapped);
        open.put(key, m);
      }
      m.users++;
      return Optional.of(m);
    }
  }

  private static Key keyOf(BasicFileAttributes a) {
    return a == null || a.fileKey() == null ? null : new Key(a.fileKey(), a.size(), a.lastModifiedTime().toMillis());
  }

  /** The source using {@code m} is done with it: the last one unmaps it. */
  void release(Mapping m) {
    synchronized (this) {
      if (--m.users > 0) return;
      open.remove(m.key, m);
    }
    try {
      INVOKE_CLEANER.invoke(UNSAFE, m.bytes);
    } catch (ReflectiveOperationException e) {
      // left to the garbage collector
    }
  }

  /** Files mapped now (for tests). */
  synchronized int mapped() {
    return open.size();
  }
}
