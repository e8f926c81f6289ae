package dev.pxebus.dhcp.lease;

import dev.pxebus.dhcp.lease.JournalFormat.Torn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the state of a journal directory and leaves the directory ready for appending: the newest intact snapshot,
 * then every log segment from its generation up, each cut back to its last intact record; files of a compaction that
 * did not finish, and generations a durable snapshot has made obsolete, are removed.
 *
 * <p>Why any crash during compaction is safe: the new segment {@code log-<g+1>} is durable before the snapshot of
 * everything below it is begun; {@code snapshot-<g+1>} gets its name only once fsynced; older files are deleted only
 * after that. So at any instant either the newest named snapshot is intact and covers every segment below it, or the
 * previous snapshot and all segments from its generation are still there.
 */
final class JournalRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

  /** The recovered state, and the segment to append to. */
  record Recovered(Map<String, LeaseRecord> state, long generation, long logLength, long snapshotGeneration,
      int snapshotLeases, long logRecords) {}

  private JournalRecovery() {}

  static Recovered run(Path dir) throws IOException {
    JournalFiles.Listing files = JournalFiles.list(dir);
    boolean changed = false;
    for (Path tmp : files.temporaries()) {
      LOG.info("Lease journal {}: removing {}, left by a compaction that did not finish", dir, tmp.getFileName());
      Files.deleteIfExists(tmp);
      changed = true;
    }

    Map<String, LeaseRecord> state = new HashMap<>();
    long base = -1;
    List<Path> obsolete = new ArrayList<>();
    for (Map.Entry<Long, Path> s : files.snapshots().descendingMap().entrySet()) {
      if (base >= 0) {
        obsolete.add(s.getValue());
        continue;
      }
      try {
        state = JournalFiles.readSnapshot(s.getValue(), s.getKey());
        base = s.getKey();
      } catch (Torn t) {
        LOG.warn("Lease journal {}: ignoring {}: {} at offset {}; falling back to the generation before it", dir,
            s.getValue().getFileName(), t.getMessage(), t.offset());
        obsolete.add(s.getValue());
      }
    }
    int snapshotLeases = state.size();

    NavigableMap<Long, Path> logs = files.logs();
    long first = base >= 0 ? base : logs.isEmpty() ? 0 : logs.firstKey();
    if (base < 0 && first > 0) {
      throw new IOException("lease journal " + dir + ": no intact snapshot, and the oldest log segment is "
          + logs.firstEntry().getValue().getFileName() + ", so the leases journalled before it are lost. Refusing to"
          + " start and hand out addresses that may be taken: restore the directory, or move it away to start empty");
    }
    obsolete.addAll(logs.headMap(first, false).values());
    NavigableMap<Long, Path> replay = logs.tailMap(first, true);
    long expected = first;
    for (long g : replay.keySet()) {
      if (g != expected) {
        throw new IOException("lease journal " + dir + ": log segment " + JournalFiles.log(dir, expected).getFileName()
            + " is missing (the segments present from generation " + first + " are " + replay.keySet()
            + "). Refusing to start with a gap in the lease history");
      }
      expected++;
    }

    long records = 0;
    long length = JournalFormat.HEADER_BYTES;
    for (Map.Entry<Long, Path> log : replay.entrySet()) {
      Path path = log.getValue();
      Map<String, LeaseRecord> target = state;
      JournalFiles.Replay r = JournalFiles.replayLog(path, log.getKey(), rec -> target.put(rec.clientKey(), rec));
      records += r.records();
      length = r.validLength();
      Torn t = r.problem();
      if (t == null) {
        continue;
      }
      if (t.offset() == 0) {
        if (!t.nothingWritten()) {
          throw new IOException("lease journal " + dir + ": the header of " + path.getFileName() + " is damaged ("
              + t.getMessage() + "); refusing to guess what the segment holds");
        }
        LOG.warn("Lease journal {}: {}: {}; the crash came before its first record, starting it afresh", dir,
            path.getFileName(), t.getMessage());
        JournalFiles.resetLog(path, log.getKey());
        length = JournalFormat.HEADER_BYTES;
      } else if (t.nothingWritten()) {
        LOG.info("Lease journal {}: {}: {} records, then {}; cutting that off", dir, path.getFileName(), r.records(),
            t.getMessage());
        JournalFiles.truncate(path, t.offset());
      } else {
        LOG.warn("Lease journal {}: {}: torn or damaged record at offset {} ({}); truncating the {} bytes from there,"
            + " keeping the {} records before it", dir, path.getFileName(), t.offset(), t.getMessage(),
            r.fileLength() - t.offset(), r.records());
        JournalFiles.truncate(path, t.offset());
      }
    }

    for (Path p : obsolete) {
      LOG.debug("Lease journal {}: removing {}, superseded by snapshot generation {}", dir, p.getFileName(), base);
      Files.deleteIfExists(p);
      changed = true;
    }

    long generation = replay.isEmpty() ? first : replay.lastKey();
    if (replay.isEmpty()) {
      JournalFiles.createLog(dir, generation, JournalHooks.NONE).close();
      length = JournalFormat.HEADER_BYTES;
      changed = false; // createLog synced the directory
    }
    if (changed) {
      JournalFiles.syncDirectory(dir);
    }
    return new Recovered(state, generation, length, base, snapshotLeases, records);
  }
}
