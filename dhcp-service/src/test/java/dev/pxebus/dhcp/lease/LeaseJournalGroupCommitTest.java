package dev.pxebus.dhcp.lease;

import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.DEADLINE_SECONDS;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.await;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.latest;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.lease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.dhcp.lease.LeaseJournal.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One fsync covers every append waiting on it; appends that arrive during an fsync go in the next one. */
class LeaseJournalGroupCommitTest {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseJournalGroupCommitTest.class);

  @TempDir
  Path dir;

  @Test
  void concurrentAppendsShareFsyncs() throws Exception {
    int threads = 8;
    int perThread = 125;
    int total = threads * perThread;
    Map<String, LeaseRecord> written = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long fsyncs;
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        submitted.add(pool.submit(() -> {
          start.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
          List<CompletableFuture<Void>> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            LeaseRecord r = lease("t" + thread + "-c" + i, thread * 1000L + i);
            written.put(r.clientKey(), r);
            mine.add(j.append(r));
          }
          return mine;
        }));
      }
      for (Future<List<CompletableFuture<Void>>> f : submitted) {
        acks.addAll(f.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
      }
      await(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
      fsyncs = j.fsyncs();
      LOG.info("{} concurrent appends from {} threads: {} fsyncs", total, threads, fsyncs);
      assertEquals(total, j.recordsWritten());
      assertTrue(fsyncs >= 1 && fsyncs < total, total + " appends took " + fsyncs + " fsyncs");
    } finally {
      pool.shutdownNow();
    }
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(total, j.recovered().size());
      assertEquals(written, j.recovered());
    }
  }

  @Test
  void appendsArrivingDuringAnFsyncGoTogetherInTheNext() throws Exception {
    ControlledChannel.Controls controls = new ControlledChannel.Controls();
    List<LeaseRecord> written = new ArrayList<>();
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults(), controls.hooks())) {
      CompletableFuture<Void> first = appendHeldInItsFsync(j, controls, written);

      List<CompletableFuture<Void>> queued = new ArrayList<>();
      for (int i = 1; i < 1000; i++) {
        written.add(lease("c" + i, i));
        queued.add(j.append(written.get(i)));
      }
      assertFalse(first.isDone(), "not acknowledged before its fsync returns");
      assertTrue(queued.stream().noneMatch(CompletableFuture::isDone));

      controls.release.countDown();
      await(first);
      await(CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)));
      LOG.info("1 append held in its fsync, 999 queued behind it: {} fsyncs", j.fsyncs());
      assertEquals(2, j.fsyncs(), "one fsync for the first append, one for the 999 queued during it");
      assertEquals(1000, j.recordsWritten());
    }
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(latest(written), j.recovered());
    }
  }

  @Test
  void aBatchDelayGathersAppendsThatArriveWithinIt() throws Exception {
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults().withMaxBatchDelay(Duration.ofMillis(300)))) {
      CompletableFuture<Void> a = j.append(lease("a", 1));
      CompletableFuture<Void> b = j.append(lease("b", 2));
      await(CompletableFuture.allOf(a, b));
      assertEquals(1, j.fsyncs());
    }
  }

  @Test
  void anIdleJournalWritesAtOnceDespiteABusyDelay() throws Exception {
    // A 30 s busy delay must not touch a lone client: each of these appends is the only one in its batch.
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults().withBusyBatchDelay(Duration.ofSeconds(30)))) {
      j.append(lease("a", 1)).get(10, TimeUnit.SECONDS);
      j.append(lease("b", 2)).get(10, TimeUnit.SECONDS);
      assertEquals(2, j.fsyncs());
    }
  }

  @Test
  void aBusyJournalWaitsForMoreBeforeItsNextFsync() throws Exception {
    ControlledChannel.Controls controls = new ControlledChannel.Controls();
    List<LeaseRecord> written = new ArrayList<>();
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults().withBusyBatchDelay(Duration.ofSeconds(2)),
        controls.hooks())) {
      CompletableFuture<Void> first = appendHeldInItsFsync(j, controls, written);
      List<CompletableFuture<Void>> queued = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        written.add(lease("c" + i, i));
        queued.add(j.append(written.get(i)));
      }
      controls.release.countDown();
      await(first);
      await(CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)));
      assertEquals(2, j.fsyncs(), "the five queued during the first fsync went together: the journal is busy");

      // Busy: the next append waits up to 2 s for company, so one appended right after it shares its fsync.
      written.add(lease("x", 10));
      written.add(lease("y", 11));
      CompletableFuture<Void> x = j.append(written.get(6));
      CompletableFuture<Void> y = j.append(written.get(7));
      await(CompletableFuture.allOf(x, y));
      assertEquals(3, j.fsyncs(), "x and y in one fsync");

      // That batch held two: still busy. A batch of one ends it, and the next lone append is written at once.
      written.add(lease("z", 12));
      j.append(written.get(8)).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      long beforeLone = System.nanoTime();
      written.add(lease("w", 13));
      j.append(written.get(9)).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      assertTrue(System.nanoTime() - beforeLone < TimeUnit.MILLISECONDS.toNanos(1000),
          "after a batch of one the journal is idle again and does not wait its 2 s");
      assertEquals(5, j.fsyncs());
    }
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(latest(written), j.recovered());
    }
  }

  /** Appends a first record and holds the writer inside its fsync until {@code controls.release} is counted down. */
  private static CompletableFuture<Void> appendHeldInItsFsync(LeaseJournal j, ControlledChannel.Controls controls,
      List<LeaseRecord> written) throws InterruptedException {
    controls.forceEntered = new CountDownLatch(1);
    controls.release = new CountDownLatch(1);
    written.add(lease("first", 0));
    CompletableFuture<Void> first = j.append(written.get(0));
    assertTrue(controls.forceEntered.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "the writer reached its fsync");
    return first;
  }
}
