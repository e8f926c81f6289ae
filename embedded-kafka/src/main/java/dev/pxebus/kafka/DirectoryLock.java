package dev.pxebus.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a broker's data directory, held while the broker runs. Kafka locks its log directory
 * only when the broker part starts, after the controller part has already opened the shared metadata log; a
 * second broker on the same directory would get that far. This lock stops it before Kafka starts.
 */
final class DirectoryLock {

  static final String FILE = ".kraft-broker.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** @throws IllegalStateException if a broker in this or another process holds the directory */
  static DirectoryLock acquire(Path dir) {
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameJvm) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException("Kafka data directory " + dir + " is in use by another broker");
      }
      return new DirectoryLock(channel, lock);
    } catch (IOException e) {
      close(channel);
      throw new UncheckedIOException("cannot lock Kafka data directory " + dir, e);
    } catch (RuntimeException e) {
      close(channel);
      throw e;
    }
  }

  void release() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel below releases it too
    }
    close(channel);
  }

  private static void close(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to do with it
    }
  }
}
