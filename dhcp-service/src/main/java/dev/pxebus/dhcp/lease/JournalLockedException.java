package dev.pxebus.dhcp.lease;

import java.io.IOException;
import java.nio.file.Path;

/** The journal directory is held by another process, or by another open {@link LeaseJournal} in this one. */
public final class JournalLockedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path directory;

  JournalLockedException(Path directory, String holder) {
    super("lease journal " + directory + " is in use (lock file " + directory.resolve(JournalFiles.LOCK)
        + " held by " + holder + "); two servers must never write one journal: stop the other dhcp-service or give"
        + " this one its own directory");
    this.directory = directory;
  }

  /** The directory whose lock is held. */
  public Path directory() {
    return directory;
  }
}
