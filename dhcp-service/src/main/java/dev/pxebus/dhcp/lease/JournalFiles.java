package dev.pxebus.dhcp.lease;

import dev.pxebus.dhcp.lease.JournalFormat.End;
import dev.pxebus.dhcp.lease.JournalFormat.Entry;
import dev.pxebus.dhcp.lease.JournalFormat.Lease;
import dev.pxebus.dhcp.lease.JournalFormat.Torn;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of a journal directory and the operations on them.
 *
 * <p>A directory holds {@code lock}, log segments {@code log-<gen>} and snapshots {@code snapshot-<gen>}, the
 * generation zero-padded to ten digits. {@code snapshot-<g>} is the state after every log segment below {@code g},
 * so the state of the directory is the newest intact snapshot followed by the segments from its generation up. A
 * snapshot is written as {@code snapshot-<g>.tmp} and renamed when durable.
 */
final class JournalFiles {

  static final String LOCK = "lock";
  private static final Pattern NAME = Pattern.compile("(log|snapshot)-(\\d{1,18})");
  private static final Pattern TEMPORARY = Pattern.compile("snapshot.*\\.tmp");

  private JournalFiles() {}

  static Path log(Path dir, long generation) {
    return dir.resolve("log-" + padded(generation));
  }

  static Path snapshot(Path dir, long generation) {
    return dir.resolve("snapshot-" + padded(generation));
  }

  static Path temporarySnapshot(Path dir, long generation) {
    return dir.resolve("snapshot-" + padded(generation) + ".tmp");
  }

  private static String padded(long generation) {
    return String.format("%010d", generation);
  }

  /** The journal files in a directory, by generation. */
  record Listing(NavigableMap<Long, Path> logs, NavigableMap<Long, Path> snapshots, List<Path> temporaries) {}

  static Listing list(Path dir) throws IOException {
    NavigableMap<Long, Path> logs = new TreeMap<>();
    NavigableMap<Long, Path> snapshots = new TreeMap<>();
    List<Path> temporaries = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (m.matches()) {
          (m.group(1).equals("log") ? logs : snapshots).put(Long.parseLong(m.group(2)), p);
        } else if (TEMPORARY.matcher(name).matches()) {
          temporaries.add(p);
        }
      }
    }
    return new Listing(logs, snapshots, temporaries);
  }

  /** Makes the directory's entries (creations, renames, deletions) durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Creates a log segment holding only its header, durable with its directory entry; open for appending. */
  static FileChannel createLog(Path dir, long generation, JournalHooks hooks) throws IOException {
    Path path = log(dir, generation);
    FileChannel ch = hooks.openLog(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      writeFully(ch, JournalFormat.header(JournalFormat.KIND_LOG, generation));
      ch.force(true);
      syncDirectory(dir);
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      Files.deleteIfExists(path);
      throw e;
    }
  }

  /** Gives a log segment whose header never reached the disk a fresh header and nothing else. */
  static void resetLog(Path path, long generation) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
      ch.truncate(0);
      writeFully(ch, JournalFormat.header(JournalFormat.KIND_LOG, generation));
      ch.force(true);
    }
  }

  /** Cuts a file back to its first {@code length} bytes, durably. */
  static void truncate(Path path, long length) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
      ch.truncate(length);
      ch.force(true);
    }
  }

  static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** Writes a complete snapshot to {@code path} and fsyncs it. */
  static void writeSnapshot(Path path, long generation, Collection<LeaseRecord> leases) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
      out.write(JournalFormat.header(JournalFormat.KIND_SNAPSHOT, generation));
      long count = 0;
      for (LeaseRecord r : leases) {
        out.write(JournalFormat.frame(r));
        count++;
      }
      out.write(JournalFormat.endFrame(count));
      out.flush();
      ch.force(true);
    }
  }

  /**
   * Reads a snapshot.
   *
   * @throws Torn if it is incomplete or damaged anywhere (an intact snapshot ends with its end frame, nothing after)
   */
  static Map<String, LeaseRecord> readSnapshot(Path path, long generation) throws Torn, IOException {
    Map<String, LeaseRecord> state = new HashMap<>();
    try (JournalFormat.Reader in = new JournalFormat.Reader(path)) {
      in.header(JournalFormat.KIND_SNAPSHOT, generation);
      long count = 0;
      while (true) {
        Entry e = in.next();
        if (e == null) {
          throw new Torn(in.offset(), "snapshot ends without its end record", false);
        }
        if (e instanceof Lease l) {
          state.put(l.record().clientKey(), l.record());
          count++;
        } else if (e instanceof End end) {
          if (end.count() != count) {
            throw new Torn(in.offset(), "end record counts " + end.count() + " leases, " + count + " read", false);
          }
          if (in.offset() != in.size()) {
            throw new Torn(in.offset(), (in.size() - in.offset()) + " bytes after the end record", false);
          }
          return state;
        }
      }
    }
  }

  /** What replaying a log segment found. */
  record Replay(long records, long validLength, long fileLength, Torn problem) {}

  /**
   * Feeds every intact record of a log segment to {@code sink}, stopping at the first torn one.
   *
   * @throws IOException if the file is not a log segment of this generation, or holds a record this build cannot
   *     read although its checksum holds
   */
  static Replay replayLog(Path path, long generation, Consumer<LeaseRecord> sink) throws IOException {
    try (JournalFormat.Reader in = new JournalFormat.Reader(path)) {
      long records = 0;
      try {
        in.header(JournalFormat.KIND_LOG, generation);
        for (Entry e = in.next(); e != null; e = in.next()) {
          if (!(e instanceof Lease l)) {
            throw new IOException(path + " offset " + in.offset() + ": a log segment holds a snapshot's end record");
          }
          sink.accept(l.record());
          records++;
        }
        return new Replay(records, in.offset(), in.size(), null);
      } catch (Torn t) {
        return new Replay(records, t.offset(), in.size(), t);
      }
    }
  }
}
