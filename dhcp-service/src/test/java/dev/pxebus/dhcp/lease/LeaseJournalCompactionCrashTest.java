package dev.pxebus.dhcp.lease;

import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.await;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.fileNames;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.latest;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.lease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.dhcp.lease.JournalHooks.CompactionStep;
import dev.pxebus.dhcp.lease.LeaseJournal.Options;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A crash at each point of a compaction, with what it may leave: the files are frozen there (the second compaction
 * is stopped, and every later one before it starts), then the journal is reopened. Nothing acknowledged is lost, and
 * the next compaction tidies up.
 */
class LeaseJournalCompactionCrashTest {

  private static final Options SMALL = new Options(20, Duration.ZERO);

  @TempDir
  Path dir;

  /** What happens to the file of the step where the crash came (see {@link CompactionStep}). */
  @FunctionalInterface
  interface Leftover {
    void apply(Path file) throws IOException;
  }

  record Crash(CompactionStep at, Leftover leftover) {}

  static Stream<Arguments> crashes() {
    Leftover asIs = file -> {};
    Leftover halved = file -> cut(file, Files.size(file) / 2);
    Leftover withoutEnd = file -> cut(file, Files.size(file) - JournalFormat.FRAME_PREFIX_BYTES - 9);
    Leftover flipped = file -> flip(file, Files.size(file) / 2);
    return Stream.of(
        Arguments.of(named("after the new segment, before the snapshot", new Crash(CompactionStep.LOG_ROTATED, asIs))),
        Arguments.of(named("snapshot complete under its temporary name",
            new Crash(CompactionStep.SNAPSHOT_WRITTEN, asIs))),
        Arguments.of(named("snapshot half written under its temporary name",
            new Crash(CompactionStep.SNAPSHOT_WRITTEN, halved))),
        Arguments.of(named("snapshot named, older generation not yet deleted",
            new Crash(CompactionStep.SNAPSHOT_RENAMED, asIs))),
        Arguments.of(named("newest snapshot half written (renamed before its data was on disk)",
            new Crash(CompactionStep.SNAPSHOT_RENAMED, halved))),
        Arguments.of(named("newest snapshot without its end record",
            new Crash(CompactionStep.SNAPSHOT_RENAMED, withoutEnd))),
        Arguments.of(named("newest snapshot with a damaged record",
            new Crash(CompactionStep.SNAPSHOT_RENAMED, flipped))));
  }

  /** Lets the first compaction finish, freezes the second at the crash point, stops every later one at once. */
  private static final class Freeze implements JournalHooks {
    private final Crash crash;
    private final CompletableFuture<Path> frozen = new CompletableFuture<>();
    private int compaction; // compactor thread only

    Freeze(Crash crash) {
      this.crash = crash;
    }

    @Override
    public void compactionStep(CompactionStep step, Path file) throws IOException {
      if (step == CompactionStep.LOG_ROTATED) {
        compaction++;
      }
      if (compaction == 2 && step == crash.at()) {
        crash.leftover().apply(file);
        frozen.complete(file);
        throw new SimulatedCrash("crash at " + step);
      }
      if (compaction > 2) {
        throw new SimulatedCrash("files frozen since the crash");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("crashes")
  void reopenAfterACrashDuringCompactionLosesNothing(Crash crash) throws Exception {
    Freeze freeze = new Freeze(crash);
    List<LeaseRecord> written = new ArrayList<>();
    long seq = 0;
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL, freeze)) {
      while (!freeze.frozen.isDone() && seq < 10_000) {
        written.add(lease("client-" + (seq % 30), seq++));
        await(j.append(written.get(written.size() - 1)));
      }
      assertTrue(freeze.frozen.isDone(), "the second compaction came");
      for (int i = 0; i < 5; i++) {
        written.add(lease("client-" + (seq % 30), seq++));
        await(j.append(written.get(written.size() - 1)));
      }
      assertEquals(1, j.compactions());
    }
    List<String> left = fileNames(dir);

    try (LeaseJournal j = LeaseJournal.open(dir, SMALL)) {
      assertEquals(latest(written), j.recovered(), "recovered from " + left);
      Path crashedAt = freeze.frozen.getNow(null);
      if (crashedAt.getFileName().toString().endsWith(".tmp")) {
        // (a compaction the reopened journal starts at once may have a temporary file of its own by now)
        assertFalse(Files.exists(crashedAt), "the unfinished snapshot was removed at open");
      }
      for (int i = 0; i < 50; i++) {
        written.add(lease("client-" + (seq % 30), seq++));
        await(j.append(written.get(written.size() - 1)));
      }
      // Compaction runs in the background: wait for it rather than assume it finished with the last append.
      dev.pxebus.testing.Await.until(java.time.Duration.ofSeconds(30), () -> j.compactions() > 0,
          "a compaction after reopening");
    }
    List<String> tidy = fileNames(dir);
    assertEquals(3, tidy.size(), "tidied up: " + tidy);
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL)) {
      assertEquals(latest(written), j.recovered(), "recovered from " + tidy);
    }
  }

  private static void cut(Path file, long length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(length);
    }
  }

  private static void flip(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x5A);
    }
  }
}
