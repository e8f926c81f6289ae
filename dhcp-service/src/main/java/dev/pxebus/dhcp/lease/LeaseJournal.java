package dev.pxebus.dhcp.lease;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of leases: a local append-only journal, the source of truth for which address belongs to whom.
 * A DHCPACK may leave only once the future of its record has completed, i.e. the record is on disk.
 *
 * <p><b>Group commit.</b> Callers (an event loop) only enqueue. One platform thread, {@code lease-journal}, takes
 * everything queued, writes it with one {@link FileChannel#write}, makes it durable with one {@link
 * FileChannel#force}, and then completes the futures of all those records; what arrives during the fsync goes into
 * the next batch. With {@link Options#maxBatchDelay()} zero (the default) an append to an idle journal is written at
 * once; a positive delay lets the writer wait that long after the first append of a batch for more. Under load
 * (the last batch held more than one append: appends arrive faster than an fsync takes) the writer waits {@link
 * Options#busyBatchDelay()} for more before it writes, so that one fsync covers more ACKs: a lone client is answered
 * as fast as before, and a busy server pays for a fraction of the fsyncs (each costs the disk a flush and this
 * machine's virtual disk a notification) at the price of up to that delay on each ACK.
 *
 * <p><b>Preallocation.</b> A log segment is grown ahead of its records, {@link Options#preallocateBytes()} at a time,
 * by writing zeros (and fsyncing them) between batches. A batch then overwrites space the file already has, so its
 * {@code fdatasync} flushes only the data: the file's size, and with it the file system's own journal, stays as it
 * is. On this machine's ext4 that took a third off an fsync's time and CPU (bench/fsync). Zeros after the last record
 * read as unwritten space, never as a record; recovery and a clean close cut them off.
 *
 * <p><b>Compaction.</b> When the current log segment holds more than {@link Options#compactAfterRecords()} records,
 * the writer starts a new segment and a second thread, {@code lease-journal-compactor}, writes the latest record of
 * every client as a snapshot, then deletes the older generation (see {@code JournalFiles} for the file scheme and
 * {@code JournalRecovery} for why a crash at any point of this loses nothing). Appends continue meanwhile.
 *
 * <p><b>Failures.</b> If a write or fsync fails, the futures of that batch complete exceptionally (so no ACK leaves)
 * and the segment is cut back to its last durable record; if even that fails the journal refuses every later append
 * until the process restarts and recovers.
 *
 * <p>Futures complete on the writer thread: callbacks must not block, and should hop back to their own context
 * (e.g. {@code Future.fromCompletionStage(f, context)} in Vert.x).
 */
public final class LeaseJournal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseJournal.class);

  /** Pending appends taken into one batch at most; more wait for the next. */
  private static final int MAX_BATCH_APPENDS = 8192;
  /** A batch buffer up to this size is kept for the next batch. */
  private static final int KEPT_BUFFER_BYTES = 1 << 20;
  /** Zeros written at a time when a segment grows; read-only views of it are written. */
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

  /**
   * How the journal batches and compacts.
   *
   * @param compactAfterRecords a log segment holding more records than this is compacted into a snapshot
   * @param maxBatchDelay how long the writer may wait after the first append of a batch for more; zero: not at all
   * @param busyBatchDelay how long it waits for more when the previous batch held more than one append (and
   *     {@code maxBatchDelay} is zero); zero: never
   * @param preallocateBytes how far ahead of its records a log segment is grown with zeros; zero: the segment grows
   *     with each batch, and each fsync then writes the file's new size as well
   */
  public record Options(int compactAfterRecords, Duration maxBatchDelay, Duration busyBatchDelay,
      int preallocateBytes) {
    public static final int DEFAULT_COMPACT_AFTER_RECORDS = 10_000;
    /** 1 MiB: about the size of a segment of {@value #DEFAULT_COMPACT_AFTER_RECORDS} records. */
    public static final int DEFAULT_PREALLOCATE_BYTES = 1 << 20;
    public static final Duration DEFAULT_MAX_BATCH_DELAY = Duration.ZERO;
    /** 1 ms: about two fsyncs' time on this machine's disk; bench/dhcp measured the effect (docs/performance.md). */
    public static final Duration DEFAULT_BUSY_BATCH_DELAY = Duration.ofMillis(1);

    /** Without a busy delay, with the default preallocation. */
    public Options(int compactAfterRecords, Duration maxBatchDelay) {
      this(compactAfterRecords, maxBatchDelay, Duration.ZERO, DEFAULT_PREALLOCATE_BYTES);
    }

    public Options {
      if (compactAfterRecords < 1) {
        throw new IllegalArgumentException("compactAfterRecords must be at least 1, is " + compactAfterRecords);
      }
      Objects.requireNonNull(maxBatchDelay, "maxBatchDelay");
      if (maxBatchDelay.isNegative()) {
        throw new IllegalArgumentException("maxBatchDelay must not be negative, is " + maxBatchDelay);
      }
      Objects.requireNonNull(busyBatchDelay, "busyBatchDelay");
      if (busyBatchDelay.isNegative()) {
        throw new IllegalArgumentException("busyBatchDelay must not be negative, is " + busyBatchDelay);
      }
      if (preallocateBytes < 0) {
        throw new IllegalArgumentException("preallocateBytes must not be negative, is " + preallocateBytes);
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_COMPACT_AFTER_RECORDS, DEFAULT_MAX_BATCH_DELAY, DEFAULT_BUSY_BATCH_DELAY,
          DEFAULT_PREALLOCATE_BYTES);
    }

    public Options withCompactAfterRecords(int records) {
      return new Options(records, maxBatchDelay, busyBatchDelay, preallocateBytes);
    }

    public Options withMaxBatchDelay(Duration delay) {
      return new Options(compactAfterRecords, delay, busyBatchDelay, preallocateBytes);
    }

    public Options withBusyBatchDelay(Duration delay) {
      return new Options(compactAfterRecords, maxBatchDelay, delay, preallocateBytes);
    }

    public Options withPreallocateBytes(int bytes) {
      return new Options(compactAfterRecords, maxBatchDelay, busyBatchDelay, bytes);
    }
  }

  /** Records waiting for the writer, already encoded, and the future to complete when they are durable. */
  private record Pending(List<LeaseRecord> records, byte[][] frames, int bytes, CompletableFuture<Void> done) {}

  /** Queued last by {@link #close()}: the writer stops when it takes it. */
  private static final Pending CLOSE = new Pending(List.of(), new byte[0][], 0, null);

  private final Path dir;
  private final Options options;
  private final JournalHooks hooks;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<String, LeaseRecord> recovered;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final ExecutorService compactor;

  /** Guards {@link #closed} and every enqueue, so nothing is queued after {@link #CLOSE}. */
  private final Object gate = new Object();
  private boolean closed;
  /** Set when a failed write could not be rolled back: the segment's tail is unknown, so no more appends. */
  private volatile IOException failure;
  /** A compaction is running; no new segment is started until it ends. */
  private volatile boolean compacting;

  // Metrics: each written by one thread only (the writer, or the compactor for compactions).
  private volatile long fsyncs;
  private volatile long recordsWritten;
  private volatile long compactions;

  // Writer thread only.
  private final Map<String, LeaseRecord> live;
  private FileChannel log;
  private Path logPath;
  private long generation;
  /** Length of the segment up to its last durable record. */
  private long durableLength;
  /** How far the segment holds zeros written ahead of its records: its length, at least {@link #durableLength}. */
  private long allocatedLength;
  private long recordsInSegment;
  /** Growing the segment ahead of its records failed last time it was tried: logged once, not per batch. */
  private boolean growthFailing;
  /** Appends in the batch last taken: more than one means the journal is busy. */
  private int lastBatchAppends;
  private ByteBuffer batchBuffer = ByteBuffer.allocate(64 * 1024);

  private LeaseJournal(Path dir, Options options, JournalHooks hooks, FileChannel lockChannel, FileLock lock,
      JournalRecovery.Recovered r) throws IOException {
    this.dir = dir;
    this.options = options;
    this.hooks = hooks;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.recovered = Collections.unmodifiableMap(new HashMap<>(r.state()));
    this.live = new HashMap<>(r.state());
    this.generation = r.generation();
    this.logPath = JournalFiles.log(dir, generation);
    this.durableLength = r.logLength();
    this.allocatedLength = durableLength; // recovery cut the segment back to its last record
    this.recordsInSegment = r.logRecords();
    this.log = hooks.openLog(logPath, StandardOpenOption.WRITE);
    try {
      log.position(durableLength);
    } catch (IOException | RuntimeException e) {
      log.close();
      throw e;
    }
    this.compactor = Executors.newSingleThreadExecutor(task -> {
      Thread t = new Thread(task, "lease-journal-compactor");
      t.setDaemon(true);
      return t;
    });
    this.writer = new Thread(this::runWriter, "lease-journal");
    this.writer.setDaemon(true);
  }

  /**
   * Opens (creating if needed) the journal in {@code dir}, replays snapshot and log, truncating a torn tail record.
   *
   * @throws JournalLockedException if another process (or another open journal in this one) holds the directory
   * @throws IOException if the directory cannot be read or written, or its history has a gap recovery cannot close
   */
  public static LeaseJournal open(Path dir, Options options) throws IOException {
    return open(dir, options, JournalHooks.NONE);
  }

  static LeaseJournal open(Path dir, Options options, JournalHooks hooks) throws IOException {
    Objects.requireNonNull(options, "options");
    Files.createDirectories(dir);
    Path lockPath = dir.resolve(JournalFiles.LOCK);
    FileChannel lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another journal in this JVM
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(lockPath);
      lockChannel.close();
      throw new JournalLockedException(dir, holder);
    }
    try {
      lockChannel.truncate(0);
      JournalFiles.writeFully(lockChannel, ("pid " + ProcessHandle.current().pid() + "\n")
          .getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      JournalRecovery.Recovered r = JournalRecovery.run(dir);
      LeaseJournal journal = new LeaseJournal(dir, options, hooks, lockChannel, lock, r);
      LOG.info("Lease journal {}: recovered {} clients ({} from snapshot generation {}, then {} log records) in {} ms",
          dir, r.state().size(), r.snapshotLeases(), r.snapshotGeneration() < 0 ? "none" : r.snapshotGeneration(),
          r.logRecords(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      journal.writer.start();
      return journal;
    } catch (IOException | RuntimeException e) {
      lockChannel.close(); // releases the lock
      throw e;
    }
  }

  private static String holder(Path lockPath) {
    try {
      String s = Files.readString(lockPath, StandardCharsets.US_ASCII).trim();
      return s.isEmpty() ? "unknown" : s;
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The state recovered at open: the latest record per clientKey (a later record for a key replaces the earlier). */
  public Map<String, LeaseRecord> recovered() {
    return recovered;
  }

  /**
   * Appends a record; the future completes (on the writer thread) once it is fsynced, or exceptionally if it could
   * not be. Never blocks.
   *
   * @throws IllegalArgumentException if the record is {@link LeaseRecord.State#OFFERED} or has a string too long
   */
  public CompletableFuture<Void> append(LeaseRecord r) {
    return appendAll(List.of(r));
  }

  /**
   * Appends records, in order and in one batch; the future completes once all are fsynced. After a crash before
   * that, a prefix of them may have been kept.
   *
   * @throws IllegalArgumentException if a record is {@link LeaseRecord.State#OFFERED} or has a string too long
   */
  public CompletableFuture<Void> appendAll(List<LeaseRecord> rs) {
    List<LeaseRecord> records = List.copyOf(rs);
    byte[][] frames = new byte[records.size()][];
    int bytes = 0;
    for (int i = 0; i < frames.length; i++) {
      frames[i] = JournalFormat.frame(records.get(i));
      bytes += frames[i].length;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (gate) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("lease journal " + dir + " is closed"));
      }
      IOException broken = failure;
      if (broken != null) {
        return CompletableFuture.failedFuture(refused(broken));
      }
      if (records.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      queue.add(new Pending(records, frames, bytes, done));
    }
    return done;
  }

  /** Group commits (one fsync each) since open. */
  public long fsyncs() {
    return fsyncs;
  }

  /** Records made durable since open. */
  public long recordsWritten() {
    return recordsWritten;
  }

  /** Snapshots completed since open. */
  public long compactions() {
    return compactions;
  }

  /** The directory of this journal. */
  public Path directory() {
    return dir;
  }

  /**
   * Writes what is queued (those futures complete), waits for a running compaction, stops the threads and releases
   * the directory. Idempotent; appends after it fail with {@link IllegalStateException}.
   */
  @Override
  public void close() {
    synchronized (gate) {
      if (!closed) {
        closed = true;
        queue.add(CLOSE);
      }
    }
    if (Thread.currentThread() == writer) {
      return; // called from a future's callback: the writer finishes once the callback returns
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- writer thread ----

  private void runWriter() {
    List<Pending> batch = new ArrayList<>();
    try {
      maybeStartCompaction();
      boolean stop = false;
      while (!stop) {
        batch.clear();
        stop = collect(batch);
        try {
          if (!batch.isEmpty()) {
            commit(batch);
          }
          maybeStartCompaction();
          maybePreallocate();
        } catch (Throwable t) {
          // A bug, not an I/O failure; fail this batch rather than leave its futures hanging, and go on.
          LOG.error("Lease journal {}: unexpected failure in the writer", dir, t);
          fail(batch, t);
        }
      }
    } finally {
      shutDown();
    }
  }

  /** Takes the next batch; true if the journal is closing (the batch is then the last one). */
  private boolean collect(List<Pending> batch) {
    Pending first = takeUninterruptibly();
    if (first == CLOSE) {
      return true;
    }
    batch.add(first);
    long delay = options.maxBatchDelay().toNanos();
    if (delay == 0 && lastBatchAppends > 1) {
      delay = options.busyBatchDelay().toNanos();
    }
    if (delay > 0) {
      // Sleep the delay out rather than wait on the queue: waiting, the writer was woken by every append in the
      // delay (a futex call on the appending event loop and a wake-up here, per record); sleeping, appends only
      // queue, and what came meanwhile is taken in one go below.
      long deadline = System.nanoTime() + delay;
      for (long left = delay; left > 0; left = deadline - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
    }
    queue.drainTo(batch, MAX_BATCH_APPENDS - batch.size());
    lastBatchAppends = batch.size();
    // CLOSE is queued last of all, so it can only be the last element taken.
    if (batch.get(batch.size() - 1) == CLOSE) {
      batch.remove(batch.size() - 1);
      return true;
    }
    return false;
  }

  private Pending takeUninterruptibly() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // Nobody interrupts this thread on purpose (an interrupt would close the FileChannel); carry on.
      }
    }
  }

  private void commit(List<Pending> batch) {
    IOException broken = failure;
    if (broken != null) {
      fail(batch, refused(broken));
      return;
    }
    int bytes = 0;
    int count = 0;
    for (Pending p : batch) {
      bytes += p.bytes();
      count += p.records().size();
    }
    ByteBuffer buf = buffer(bytes);
    for (Pending p : batch) {
      for (byte[] f : p.frames()) {
        buf.put(f);
      }
    }
    buf.flip();
    long start = durableLength;
    long end = start + bytes;
    try {
      while (buf.hasRemaining()) {
        log.write(buf);
      }
      if (end > allocatedLength && options.preallocateBytes() > 0) {
        // The batch grows the file anyway: zeros after it in the same fsync, so the next batch need not grow it.
        allocatedLength = grow(end, end + Math.min(ZEROS.capacity(), options.preallocateBytes()));
      }
      log.force(false);
    } catch (IOException | RuntimeException e) {
      LOG.error("Lease journal {}: writing {} records to {} failed; none of them is acknowledged", dir, count,
          logPath.getFileName(), e);
      rollBack(start, e);
      fail(batch, new IOException("lease journal " + dir + ": " + count + " records not made durable: " + e, e));
      return;
    }
    durableLength = end;
    allocatedLength = Math.max(allocatedLength, end);
    fsyncs++;
    recordsWritten += count;
    recordsInSegment += count;
    for (Pending p : batch) {
      for (LeaseRecord r : p.records()) {
        live.put(r.clientKey(), r);
      }
    }
    for (Pending p : batch) {
      p.done().complete(null);
    }
  }

  /**
   * Grows the segment with zeros once less than half of {@link Options#preallocateBytes()} is left ahead of the
   * records. Runs between batches, so a lone append never waits for it; if it fails the segment simply grows with the
   * next batch, as without preallocation.
   */
  private void maybePreallocate() {
    int ahead = options.preallocateBytes();
    if (ahead == 0 || failure != null || allocatedLength - durableLength >= ahead / 2) {
      return;
    }
    long to = grow(allocatedLength, durableLength + ahead);
    if (to > allocatedLength) {
      try {
        log.force(false);
        allocatedLength = to;
      } catch (IOException | RuntimeException e) {
        growthFailed(allocatedLength, e);
      }
    }
  }

  /**
   * Writes zeros over {@code [from, to)}; returns {@code to}, or {@code from} if that failed. A failure costs no
   * record anything: the batches after it grow the segment themselves, as without preallocation.
   */
  private long grow(long from, long to) {
    try {
      zeroFill(from, to);
    } catch (IOException | RuntimeException e) {
      growthFailed(from, e);
      return from;
    }
    if (growthFailing) {
      growthFailing = false;
      LOG.info("Lease journal {}: {} grows ahead of its records again", dir, logPath.getFileName());
    }
    return to;
  }

  private void growthFailed(long from, Exception e) {
    if (!growthFailing) {
      growthFailing = true;
      LOG.warn("Lease journal {}: cannot grow {} beyond offset {} ahead of its records; until it can, each batch grows"
          + " it (records are as safe, each fsync just costs more)", dir, logPath.getFileName(), from, e);
    }
  }

  /**
   * Writes zeros over {@code [from, to)} without moving the channel's position; returns {@code to}. Only ever over
   * space after the last record: zeros there read as unwritten, so a crash halfway through leaves nothing to repair.
   */
  private long zeroFill(long from, long to) throws IOException {
    for (long at = from; at < to; ) {
      ByteBuffer z = ZEROS.duplicate();
      z.limit((int) Math.min(z.capacity(), to - at));
      at += log.write(z, at);
    }
    return to;
  }

  private ByteBuffer buffer(int bytes) {
    if (batchBuffer.capacity() < bytes) {
      ByteBuffer b = ByteBuffer.allocate(bytes);
      if (bytes <= KEPT_BUFFER_BYTES) {
        batchBuffer = b;
      }
      return b;
    }
    batchBuffer.clear();
    return batchBuffer;
  }

  /** Cuts the segment back to its last durable record after a failed batch, so later records follow intact ones. */
  private void rollBack(long length, Exception cause) {
    try {
      log.truncate(length);
      log.position(length);
      log.force(true);
      allocatedLength = length;
      LOG.warn("Lease journal {}: {} cut back to offset {}; later appends go on from there", dir,
          logPath.getFileName(), length);
    } catch (IOException | RuntimeException e) {
      IOException broken = new IOException("lease journal " + dir + ": a write to " + logPath.getFileName()
          + " failed and cutting it back to offset " + length + " failed too", cause);
      broken.addSuppressed(e);
      failure = broken;
      LOG.error("Lease journal {}: {} cannot be cut back to its last durable record; refusing all further appends"
          + " until restart", dir, logPath.getFileName(), e);
    }
  }

  private IOException refused(IOException broken) {
    return new IOException("lease journal " + dir + " failed earlier and accepts no appends until restarted: "
        + broken.getMessage(), broken);
  }

  private static void fail(List<Pending> batch, Throwable t) {
    for (Pending p : batch) {
      p.done().completeExceptionally(t);
    }
  }

  /** Starts a new segment and hands the state to the compactor, if the segment is full and none is running. */
  private void maybeStartCompaction() {
    if (failure != null || compacting || recordsInSegment <= options.compactAfterRecords()) {
      return;
    }
    long next = generation + 1;
    FileChannel fresh;
    try {
      fresh = JournalFiles.createLog(dir, next, hooks);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Lease journal {}: cannot start log segment {}; compaction put off for another {} records", dir,
          JournalFiles.log(dir, next).getFileName(), options.compactAfterRecords(), e);
      recordsInSegment = 0;
      return;
    }
    closeSegment();
    log = fresh;
    logPath = JournalFiles.log(dir, next);
    generation = next;
    durableLength = JournalFormat.HEADER_BYTES;
    allocatedLength = durableLength;
    recordsInSegment = 0;
    Map<String, LeaseRecord> state = new HashMap<>(live);
    compacting = true;
    compactor.execute(() -> compact(next, state));
  }

  /** Closes the current segment, first cutting off the zeros ahead of its records. */
  private void closeSegment() {
    if (allocatedLength > durableLength && failure == null) {
      try {
        log.truncate(durableLength); // zeros read as unwritten anyway: no fsync needed for this to be safe
      } catch (IOException | RuntimeException e) {
        LOG.warn("Lease journal {}: cannot cut the unwritten space off {}; recovery does it at the next open", dir,
            logPath.getFileName(), e);
      }
    }
    try {
      log.close();
    } catch (IOException e) {
      LOG.warn("Lease journal {}: closing {} failed; its records were all fsynced", dir, logPath.getFileName(), e);
    }
  }

  private void shutDown() {
    closeSegment();
    compactor.shutdown();
    boolean interrupted = false;
    while (!compactor.isTerminated()) {
      try {
        compactor.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("Lease journal {}: releasing the lock failed", dir, e);
    }
    LOG.info("Lease journal {}: closed after {} records in {} fsyncs, {} compactions", dir, recordsWritten, fsyncs,
        compactions);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- compactor thread ----

  /** Writes {@code state} (everything below segment {@code gen}) as {@code snapshot-<gen>}, then drops older files. */
  private void compact(long gen, Map<String, LeaseRecord> state) {
    Path tmp = JournalFiles.temporarySnapshot(dir, gen);
    Path snapshot = JournalFiles.snapshot(dir, gen);
    long started = System.nanoTime();
    try {
      hooks.compactionStep(JournalHooks.CompactionStep.LOG_ROTATED, JournalFiles.log(dir, gen));
      JournalFiles.writeSnapshot(tmp, gen, state.values());
      hooks.compactionStep(JournalHooks.CompactionStep.SNAPSHOT_WRITTEN, tmp);
      Files.move(tmp, snapshot, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      JournalFiles.syncDirectory(dir);
      hooks.compactionStep(JournalHooks.CompactionStep.SNAPSHOT_RENAMED, snapshot);
      // Only now that the snapshot is durable under its name may the generations it covers go.
      JournalFiles.Listing files = JournalFiles.list(dir);
      int deleted = 0;
      for (Path p : files.logs().headMap(gen, false).values()) {
        Files.deleteIfExists(p);
        deleted++;
      }
      for (Path p : files.snapshots().headMap(gen, false).values()) {
        Files.deleteIfExists(p);
        deleted++;
      }
      JournalFiles.syncDirectory(dir);
      compactions++;
      LOG.debug("Lease journal {}: {} of {} clients written in {} ms, {} older files removed", dir,
          snapshot.getFileName(), state.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), deleted);
    } catch (JournalHooks.SimulatedCrash e) {
      LOG.warn("Lease journal {}: compaction to generation {} stopped: {}", dir, gen, e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.warn("Lease journal {}: compaction to generation {} failed; the log segments stay and are replayed at the"
          + " next open", dir, gen, e);
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // recovery removes it
      }
    } finally {
      compacting = false;
    }
  }
}
