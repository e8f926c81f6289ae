package dev.pxebus.dhcp.lease;

import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.await;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.failure;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.fileNames;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.latest;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.lease;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.dhcp.lease.LeaseJournal.Options;
import dev.pxebus.dhcp.lease.LeaseRecord.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Append, close, reopen: the journal gives back the latest record per client; the directory lock; closing. */
class LeaseJournalTest {

  @TempDir
  Path dir;

  @Test
  void reopenRecoversTheLatestRecordPerClient() throws Exception {
    List<LeaseRecord> written = List.of(
        new LeaseRecord("01:52:54:00:12:34:56", "52:54:00:12:34:56", 0x0A000064, State.BOUND, 1_000, 3_601_000,
            "pxe-node-1"),
        new LeaseRecord("52:54:00:aa:bb:cc", "52:54:00:aa:bb:cc", 0x0A000065, State.BOUND, 2_000, 3_602_000, null),
        new LeaseRecord("empty-hostname", "52:54:00:00:00:01", 0x0A000066, State.DECLINED, 3_000, 3_000, ""),
        new LeaseRecord("unicode", "52:54:00:00:00:02", 0xFFFFFFFF, State.EXPIRED, -1, Long.MAX_VALUE, "nœud-ü-雪"),
        new LeaseRecord("no-mac", null, 0, State.RELEASED, Long.MIN_VALUE, 0, null),
        // later records for the same clients replace the earlier ones
        new LeaseRecord("52:54:00:aa:bb:cc", "52:54:00:aa:bb:cc", 0x0A000065, State.RELEASED, 2_000, 9_000, "b"),
        new LeaseRecord("01:52:54:00:12:34:56", "52:54:00:12:34:56", 0x0A000064, State.BOUND, 5_000, 3_605_000,
            "pxe-node-1"));

    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(Map.of(), j.recovered());
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      for (LeaseRecord r : written) {
        acks.add(j.append(r));
      }
      acks.forEach(LeaseJournalFixtures::await);
      assertEquals(written.size(), j.recordsWritten());
    }

    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(latest(written), j.recovered());
      assertEquals(5, j.recovered().size());
    }
  }

  @Test
  void aNewDirectoryHoldsTheLockAndOneEmptySegment() throws Exception {
    Path fresh = dir.resolve("a/b/journal");
    try (LeaseJournal j = LeaseJournal.open(fresh, Options.defaults())) {
      assertAll(
          () -> assertEquals(Map.of(), j.recovered()),
          () -> assertEquals(List.of("lock", "log-0000000000"), fileNames(fresh)),
          () -> assertEquals(0, j.fsyncs()));
    }
  }

  @Test
  void appendAllIsOneBatchInOrder() throws Exception {
    List<LeaseRecord> rs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rs.add(lease("c" + (i % 10), i));
    }
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      await(j.appendAll(rs));
      assertEquals(1, j.fsyncs());
      assertEquals(50, j.recordsWritten());
      await(j.appendAll(List.of()));
    }
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(latest(rs), j.recovered());
    }
  }

  @Test
  void aSecondOpenOfTheDirectoryFailsWhileTheFirstIsOpen() throws Exception {
    try (LeaseJournal first = LeaseJournal.open(dir, Options.defaults())) {
      JournalLockedException e = assertThrows(JournalLockedException.class,
          () -> LeaseJournal.open(dir, Options.defaults()));
      assertAll(
          () -> assertEquals(dir, e.directory()),
          () -> assertTrue(e.getMessage().contains("lease journal " + dir + " is in use"), e.getMessage()),
          () -> assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage()));
      await(first.append(lease("still-works", 1)));
    }
    try (LeaseJournal again = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(Map.of("still-works", lease("still-works", 1)), again.recovered());
    }
  }

  @Test
  void closeMakesQueuedAppendsDurableAndRefusesLaterOnes() throws Exception {
    List<LeaseRecord> rs = new ArrayList<>();
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    LeaseJournal j = LeaseJournal.open(dir, Options.defaults());
    for (int i = 0; i < 500; i++) {
      rs.add(lease("c" + i, i));
      acks.add(j.append(rs.get(i)));
    }
    j.close();
    assertTrue(acks.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()), "all acknowledged by close");
    assertInstanceOf(IllegalStateException.class, failure(j.append(lease("late", 1))));
    j.close(); // idempotent
    try (LeaseJournal again = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(latest(rs), again.recovered());
    }
  }

  @Test
  void closeFromACompletionCallbackDoesNotDeadlock() throws Exception {
    LeaseJournal j = LeaseJournal.open(dir, Options.defaults());
    CompletableFuture<Void> closed = j.append(lease("a", 1)).thenRun(j::close);
    await(closed);
    j.close(); // waits for the writer the callback asked to stop
    try (LeaseJournal again = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(Map.of("a", lease("a", 1)), again.recovered());
    }
  }

  @Test
  void recordsThatMayNotBeJournalledAreRefusedAtOnce() throws Exception {
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      LeaseRecord offered = new LeaseRecord("c", "52:54:00:00:00:01", 1, State.OFFERED, 0, 1, null);
      LeaseRecord longName = new LeaseRecord("c", "m", 1, State.BOUND, 0, 1, "x".repeat(1025));
      IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> j.append(offered));
      IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
          () -> j.appendAll(List.of(lease("ok", 1), longName)));
      assertAll(
          () -> assertTrue(e1.getMessage().contains("OFFERED"), e1.getMessage()),
          () -> assertTrue(e2.getMessage().contains("hostname is 1025 bytes"), e2.getMessage()),
          () -> assertEquals(0, j.recordsWritten()));
    }
  }

  @Test
  void optionsAreChecked() {
    assertAll(
        () -> assertEquals(new Options(10_000, Duration.ZERO, Duration.ofMillis(1), 1 << 20), Options.defaults()),
        () -> assertEquals(new Options(5, Duration.ofMillis(2), Duration.ofMillis(3), 4096),
            Options.defaults().withCompactAfterRecords(5).withMaxBatchDelay(Duration.ofMillis(2))
                .withBusyBatchDelay(Duration.ofMillis(3)).withPreallocateBytes(4096)),
        () -> assertEquals(Duration.ZERO, new Options(5, Duration.ZERO).busyBatchDelay()),
        () -> assertEquals(1 << 20, new Options(5, Duration.ZERO).preallocateBytes()),
        () -> assertThrows(IllegalArgumentException.class,
            () -> new Options(1, Duration.ZERO, Duration.ofMillis(-1), 0)),
        () -> assertThrows(IllegalArgumentException.class,
            () -> Options.defaults().withPreallocateBytes(-1)),
        () -> assertThrows(IllegalArgumentException.class, () -> new Options(0, Duration.ZERO)),
        () -> assertThrows(IllegalArgumentException.class, () -> new Options(1, Duration.ofMillis(-1))),
        () -> assertThrows(NullPointerException.class, () -> new Options(1, null)));
  }
}
