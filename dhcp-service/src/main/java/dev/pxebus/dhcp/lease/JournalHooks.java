package dev.pxebus.dhcp.lease;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Seams for tests of {@link LeaseJournal}: how a log segment is opened (so a test can make writes or fsyncs fail),
 * and the points in a compaction where a test can stop it as a crash would. Production uses {@link #NONE}.
 */
interface JournalHooks {

  JournalHooks NONE = new JournalHooks() {};

  /** The points of a compaction, in order. */
  enum CompactionStep {
    /** A new log segment was started; the snapshot is not yet written. {@code file} is the new segment. */
    LOG_ROTATED,
    /** The snapshot is complete and fsynced under its temporary name. {@code file} is the temporary file. */
    SNAPSHOT_WRITTEN,
    /** The snapshot has its name; the older generation is not yet deleted. {@code file} is the snapshot. */
    SNAPSHOT_RENAMED
  }

  /** Opens a log segment for appending. */
  default FileChannel openLog(Path path, OpenOption... options) throws IOException {
    return FileChannel.open(path, options);
  }

  /**
   * Called on the compaction thread at each step. Throwing {@link SimulatedCrash} abandons the compaction leaving
   * the files exactly as they are, as a crash at that point would.
   */
  default void compactionStep(CompactionStep step, Path file) throws IOException {}

  /** Thrown by a hook to stop a compaction where it stands. */
  final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
      super(message);
    }
  }
}
