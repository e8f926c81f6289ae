package dev.pxebus.dhcp.lease;

import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.await;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.failure;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.lease;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.dhcp.lease.LeaseJournal.Options;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write or fsync that fails: the records of that batch are not acknowledged, and no later record is harmed. */
class LeaseJournalFaultTest {

  @TempDir
  Path dir;

  private final ControlledChannel.Controls controls = new ControlledChannel.Controls();

  @Test
  void aFailedFsyncFailsItsBatchAndTheJournalGoesOn() throws Exception {
    long lengthBefore;
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults(), controls.hooks())) {
      await(j.append(lease("before", 1)));
      growthDone(j);
      lengthBefore = LeaseJournalFixtures.recordsEnd(LeaseJournalFixtures.onlyLog(dir));
      controls.failForces.set(1);
      Throwable t = failure(j.appendAll(List.of(lease("lost-1", 2), lease("lost-2", 3))));
      assertAll(
          () -> assertInstanceOf(IOException.class, t),
          () -> assertTrue(t.getMessage().contains("2 records not made durable"), t.getMessage()),
          () -> assertTrue(t.getMessage().contains("Input/output error"), t.getMessage()),
          () -> assertEquals(lengthBefore, LeaseJournalFixtures.recordsEnd(LeaseJournalFixtures.onlyLog(dir)),
              "cut back to the last durable record"));
      await(j.append(lease("after", 4)));
      assertEquals(3, j.recordsWritten(), "before (twice) and after");
    }
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(Map.of("before", lease("before", 1), "after", lease("after", 4)), j.recovered());
    }
  }

  @Test
  void aFailedWriteFailsItsBatchAndLeavesNoHalfRecordBehind() throws Exception {
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults(), controls.hooks())) {
      await(j.append(lease("before", 1)));
      controls.failWrites.set(1);
      Throwable t = failure(j.append(lease("lost", 2)));
      assertTrue(t.getMessage().contains("No space left on device"), t.getMessage());
      await(j.append(lease("after", 3)));
    }
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      // had the half-written record stayed, "after" would sit behind it and be cut off by recovery
      assertEquals(Map.of("before", lease("before", 1), "after", lease("after", 3)), j.recovered());
    }
  }

  @Test
  void whenTheSegmentCannotBeCutBackEveryLaterAppendIsRefused() throws Exception {
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults(), controls.hooks())) {
      await(j.append(lease("before", 1)));
      growthDone(j);
      controls.failForces.set(1);
      controls.failTruncates.set(true);
      failure(j.append(lease("lost", 2)));
      CompletableFuture<Void> refused = j.append(lease("refused", 3));
      Throwable t = failure(refused);
      assertTrue(t.getMessage().contains("failed earlier and accepts no appends until restarted"), t.getMessage());
      assertEquals(2, j.recordsWritten(), "before, twice");
    }
    controls.failTruncates.set(false);
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(lease("before", 1), j.recovered().get("before"));
      assertTrue(!j.recovered().containsKey("refused"));
    }
  }

  @Test
  void whenTheSegmentCannotGrowAheadEachBatchGrowsItAndNothingIsLost() throws Exception {
    List<LeaseRecord> written = new ArrayList<>();
    Options small = Options.defaults().withPreallocateBytes(4096);
    try (LogCapture logs = LogCapture.of(LeaseJournal.class);
        LeaseJournal j = LeaseJournal.open(dir, small, controls.hooks())) {
      controls.failPositionalWrites.set(Integer.MAX_VALUE);
      for (int i = 0; i < 100; i++) {
        written.add(lease("client-" + i, i));
        await(j.append(written.get(i)));
      }
      Path log = LeaseJournalFixtures.onlyLog(dir);
      assertAll(
          () -> assertEquals(LeaseJournalFixtures.recordsEnd(log), Files.size(log), "no zeros ahead"),
          () -> assertEquals(1, logs.occurrences("ahead of its records; until it can, each batch grows it"),
              () -> "warned once: " + logs.lines()));
      controls.failPositionalWrites.set(0);
      written.add(lease("after", 100));
      await(j.append(written.get(100)));
      Await.until(Duration.ofSeconds(LeaseJournalFixtures.DEADLINE_SECONDS),
          () -> logs.occurrences("grows ahead of its records again") == 1, () -> "recovered: " + logs.lines());
      assertEquals(100 + 1, j.recordsWritten());
    }
    try (LeaseJournal j = LeaseJournal.open(dir, small)) {
      assertEquals(LeaseJournalFixtures.latest(written), j.recovered());
    }
  }

  /**
   * Returns once the writer has grown the segment ahead of the first record, fsync included, so that growing takes
   * none of a test's faults: the writer grows it right after the first batch, before it takes the next, so a second
   * append (the same record again) completing means it is done; after that batch half the space is still ahead.
   */
  private void growthDone(LeaseJournal j) throws IOException {
    await(j.append(lease("before", 1)));
    Path log = LeaseJournalFixtures.onlyLog(dir);
    assertTrue(Files.size(log) >= Options.DEFAULT_PREALLOCATE_BYTES, "grown ahead: " + Files.size(log) + " bytes");
  }
}
