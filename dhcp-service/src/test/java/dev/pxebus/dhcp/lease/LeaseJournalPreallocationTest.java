package dev.pxebus.dhcp.lease;

import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.await;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.latest;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.lease;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.onlyLog;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.recordsEnd;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.dhcp.lease.LeaseJournal.Options;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.LogCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log segment is grown with zeros ahead of its records, so that a batch's fsync need not write the file's new size;
 * the zeros never read as records, whether the journal closed cleanly or the process died with them in place.
 */
class LeaseJournalPreallocationTest {
  private static final Duration DEADLINE = Duration.ofSeconds(LeaseJournalFixtures.DEADLINE_SECONDS);

  @TempDir
  Path dir;

  @TempDir
  Path crashed;

  @Test
  void appendsGoIntoSpaceGrownAheadOfThemAndACleanCloseCutsTheRestOff() throws Exception {
    Options options = Options.defaults().withPreallocateBytes(64 * 1024);
    List<LeaseRecord> written = new ArrayList<>();
    try (LeaseJournal j = LeaseJournal.open(dir, options)) {
      written.add(lease("first", 0));
      await(j.append(written.get(0)));
      Path log = onlyLog(dir);
      Await.until(DEADLINE, () -> size(log) >= 64 * 1024, () -> "segment grown ahead: " + size(log) + " bytes");
      long grown = size(log);
      for (int i = 1; i <= 100; i++) {
        written.add(lease("client-" + i, i));
        await(j.append(written.get(i)));
      }
      long end = recordsEnd(log);
      assertAll(
          () -> assertTrue(end > 100 * JournalFormat.FRAME_PREFIX_BYTES, "records written: " + end),
          () -> assertEquals(grown, size(log), "the 100 appends went into the grown space, the size stayed"));
    }
    Path log = onlyLog(dir);
    assertEquals(recordsEnd(log), size(log), "close cut the unwritten space off");
    try (LeaseJournal j = LeaseJournal.open(dir, options)) {
      assertEquals(latest(written), j.recovered());
    }
  }

  @Test
  void zerosLeftByACrashReadAsUnwrittenSpaceAndAreCutOff() throws Exception {
    Options options = Options.defaults().withPreallocateBytes(16 * 1024);
    List<LeaseRecord> written = new ArrayList<>();
    try (LeaseJournal j = LeaseJournal.open(dir, options)) {
      for (int i = 0; i < 50; i++) {
        written.add(lease("client-" + i, i));
        await(j.append(written.get(i)));
      }
      Path log = onlyLog(dir);
      Await.until(DEADLINE, () -> size(log) > recordsEnd(log), "zeros ahead of the records");
      // What a SIGKILL leaves: the segment as it is on disk now, zeros and all, and no clean close.
      Files.copy(log, crashed.resolve(log.getFileName()));
    }
    Path copy = onlyLog(crashed);
    long end = recordsEnd(copy);
    assertTrue(size(copy) > end, "the copy holds zeros after its records");
    try (LogCapture logs = LogCapture.of(JournalRecovery.class);
        LeaseJournal j = LeaseJournal.open(crashed, options)) {
      assertAll(
          () -> assertEquals(latest(written), j.recovered()),
          () -> assertEquals(end, size(copy), "cut back to the last record"),
          () -> assertEquals(1, logs.occurrences("50 records, then unwritten space (zeros) from here to the end"),
              () -> String.join("\n", logs.lines())),
          () -> assertEquals(0, logs.occurrences("WARN"), "unwritten space is no damage: " + logs.lines()));
      written.add(lease("after-recovery", 100));
      await(j.append(written.get(written.size() - 1)));
    }
    try (LeaseJournal j = LeaseJournal.open(crashed, options)) {
      assertEquals(latest(written), j.recovered());
    }
  }

  @Test
  void batchesLargerThanTheGrowthStepAndManySmallOnesAllSurviveACrash() throws Exception {
    Options options = Options.defaults().withPreallocateBytes(4096);
    List<LeaseRecord> written = new ArrayList<>();
    try (LeaseJournal j = LeaseJournal.open(dir, options)) {
      List<LeaseRecord> big = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        big.add(lease("big-" + i, i));
      }
      await(j.appendAll(big)); // about 20 KiB: more than a growth step at once
      written.addAll(big);
      for (int i = 0; i < 400; i++) {
        LeaseRecord r = lease("small-" + (i % 150), 1000 + i);
        written.add(r);
        await(j.append(r));
      }
      Path log = onlyLog(dir);
      Files.copy(log, crashed.resolve(log.getFileName()));
      assertTrue(size(log) - recordsEnd(log) <= 4096 + 64 * 1024, "grown by steps, not without bound: "
          + size(log) + " bytes for records ending at " + recordsEnd(log));
    }
    try (LeaseJournal j = LeaseJournal.open(crashed, options)) {
      assertEquals(latest(written), j.recovered());
    }
  }

  @Test
  void withoutPreallocationTheSegmentEndsAtItsLastRecord() throws Exception {
    Options options = Options.defaults().withPreallocateBytes(0);
    try (LeaseJournal j = LeaseJournal.open(dir, options)) {
      for (int i = 0; i < 20; i++) {
        await(j.append(lease("client-" + i, i)));
        Path log = onlyLog(dir);
        assertEquals(recordsEnd(log), size(log), "after append " + i);
      }
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
