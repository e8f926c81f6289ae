package dev.pxebus.dhcp.lease;

import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.DEADLINE_SECONDS;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.await;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.fileNames;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.latest;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.lease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.dhcp.lease.JournalHooks.CompactionStep;
import dev.pxebus.dhcp.lease.LeaseJournal.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log is compacted into snapshots in the background; what is left is one snapshot, one segment, the lock. */
class LeaseJournalCompactionTest {

  private static final Options SMALL = new Options(50, Duration.ZERO);

  @TempDir
  Path dir;

  /** 1000 records over 100 clients, in batches of 10. */
  private List<LeaseRecord> writeThousand(LeaseJournal j) {
    List<LeaseRecord> written = new ArrayList<>();
    for (int batch = 0; batch < 100; batch++) {
      List<LeaseRecord> rs = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long seq = batch * 10L + i;
        rs.add(lease("client-" + (seq * 7 % 100), seq));
      }
      written.addAll(rs);
      await(j.appendAll(rs));
    }
    return written;
  }

  /** The files of a compacted journal: the lock, and one snapshot and one segment of the same generation. */
  private void assertCompacted() {
    List<String> names = fileNames(dir);
    assertEquals(3, names.size(), "files left: " + names);
    String gen = names.get(1).substring("log-".length());
    assertEquals(List.of("lock", "log-" + gen, "snapshot-" + gen), names);
  }

  @Test
  void compactionKeepsTheStateAndLeavesFewFiles() throws Exception {
    List<LeaseRecord> written;
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL)) {
      written = writeThousand(j);
      assertEquals(1000, j.recordsWritten());
    }
    // close() waited for the last compaction
    assertCompacted();
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL)) {
      assertEquals(latest(written), j.recovered());
      assertEquals(100, j.recovered().size());
      List<LeaseRecord> more = writeThousand(j);
      // Compaction runs in the background: wait for one rather than assume it finished with the last append.
      dev.pxebus.testing.Await.until(java.time.Duration.ofSeconds(30), () -> j.compactions() > 0, "a compaction");
      written.addAll(more);
    }
    assertCompacted();
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL)) {
      assertEquals(latest(written), j.recovered());
    }
  }

  @Test
  void compactionCountsAndSnapshotsOnlyTheLatestRecordPerClient() throws Exception {
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL)) {
      writeThousand(j);
      // Compaction runs in the background: wait for one rather than assume it finished with the last append.
      dev.pxebus.testing.Await.until(java.time.Duration.ofSeconds(30), () -> j.compactions() > 0, "a compaction");
    }
    Path snapshot = dir.resolve(fileNames(dir).get(2));
    long records = JournalFiles.readSnapshot(snapshot, Long.parseLong(snapshot.getFileName().toString()
        .substring("snapshot-".length()))).size();
    assertEquals(100, records);
  }

  @Test
  void appendsGoOnWhileACompactionIsRunning() throws Exception {
    CountDownLatch compactionStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    JournalHooks hold = new JournalHooks() {
      @Override
      public void compactionStep(CompactionStep step, Path file) {
        if (step == CompactionStep.LOG_ROTATED) {
          compactionStarted.countDown();
          try {
            release.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
    List<LeaseRecord> written = new ArrayList<>();
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL, hold)) {
      for (int i = 0; i < 51; i++) {
        written.add(lease("c" + i, i));
      }
      await(j.appendAll(written));
      assertTrue(compactionStarted.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
      for (int i = 51; i < 251; i++) {
        written.add(lease("c" + (i % 60), i));
        await(j.append(written.get(i)));
      }
      assertEquals(0, j.compactions(), "the compaction is still held");
      release.countDown();
    }
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL)) {
      assertEquals(latest(written), j.recovered());
    }
  }

  @Test
  void temporaryFilesLeftByACrashAreRemoved() throws Exception {
    List<LeaseRecord> written;
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL)) {
      written = writeThousand(j);
    }
    Files.write(dir.resolve("snapshot.tmp"), new byte[] {1, 2, 3});
    Files.write(dir.resolve("snapshot-0000009999.tmp"), JournalFormat.header(JournalFormat.KIND_SNAPSHOT, 9999));
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL)) {
      assertEquals(latest(written), j.recovered());
      assertFalse(Files.exists(dir.resolve("snapshot.tmp")), "left: " + fileNames(dir));
      assertFalse(Files.exists(dir.resolve("snapshot-0000009999.tmp")), "left: " + fileNames(dir));
    }
  }

  @Test
  void aGapInTheHistoryIsRefused() throws Exception {
    try (LeaseJournal j = LeaseJournal.open(dir, SMALL)) {
      writeThousand(j);
    }
    List<String> names = fileNames(dir);
    long gen = Long.parseLong(names.get(1).substring("log-".length()));
    JournalFiles.createLog(dir, gen + 2, JournalHooks.NONE).close();
    IOException gap = assertThrows(IOException.class, () -> LeaseJournal.open(dir, SMALL));
    assertTrue(gap.getMessage().contains(JournalFiles.log(dir, gen + 1).getFileName() + " is missing"),
        gap.getMessage());

    Files.delete(JournalFiles.log(dir, gen + 2));
    Files.delete(JournalFiles.snapshot(dir, gen));
    IOException lost = assertThrows(IOException.class, () -> LeaseJournal.open(dir, SMALL));
    assertTrue(lost.getMessage().contains("no intact snapshot"), lost.getMessage());
    assertEquals(List.of("lock", names.get(1)), fileNames(dir).stream().sorted().collect(Collectors.toList()),
        "nothing deleted by a refused open");
  }
}
