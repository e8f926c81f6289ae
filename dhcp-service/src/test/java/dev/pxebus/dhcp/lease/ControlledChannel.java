package dev.pxebus.dhcp.lease;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link FileChannel} whose writes, fsyncs and truncations a test can make fail, and whose fsyncs it can hold
 * until released: how a test sees what the journal does when the disk misbehaves or is slow.
 */
final class ControlledChannel extends FileChannel {

  /** What the test controls; shared by every segment the journal opens. */
  static final class Controls {
    final AtomicInteger failWrites = new AtomicInteger();
    final AtomicInteger failForces = new AtomicInteger();
    /** Writes at a given position: how the journal grows a segment with zeros ahead of its records. */
    final AtomicInteger failPositionalWrites = new AtomicInteger();
    final AtomicBoolean failTruncates = new AtomicBoolean();
    /** Counted down when an fsync begins while {@link #release} is armed. */
    volatile CountDownLatch forceEntered;
    /** If set, an fsync waits for it. */
    volatile CountDownLatch release;

    JournalHooks hooks() {
      return new JournalHooks() {
        @Override
        public FileChannel openLog(Path path, OpenOption... options) throws IOException {
          return new ControlledChannel(FileChannel.open(path, options), Controls.this);
        }
      };
    }
  }

  private final FileChannel real;
  private final Controls controls;

  ControlledChannel(FileChannel real, Controls controls) {
    this.real = real;
    this.controls = controls;
  }

  private static boolean take(AtomicInteger n) {
    return n.getAndUpdate(x -> x > 0 ? x - 1 : x) > 0;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (take(controls.failWrites)) {
      // Part of the batch reaches the file before the failure, as with a disk filling up.
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + part.remaining() / 2);
      real.write(part);
      throw new IOException("No space left on device (simulated)");
    }
    return real.write(src);
  }

  @Override
  public void force(boolean metaData) throws IOException {
    CountDownLatch gate = controls.release;
    if (gate != null) {
      controls.forceEntered.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    if (take(controls.failForces)) {
      throw new IOException("Input/output error (simulated)");
    }
    real.force(metaData);
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (controls.failTruncates.get()) {
      throw new IOException("Read-only file system (simulated)");
    }
    real.truncate(size);
    return this;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return real.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return real.read(dsts, offset, length);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    return real.write(srcs, offset, length);
  }

  @Override
  public long position() throws IOException {
    return real.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    real.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return real.size();
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return real.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    return real.transferFrom(src, position, count);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return real.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    if (take(controls.failPositionalWrites)) {
      throw new IOException("No space left on device (simulated)");
    }
    return real.write(src, position);
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return real.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return real.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return real.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    real.close();
  }
}
