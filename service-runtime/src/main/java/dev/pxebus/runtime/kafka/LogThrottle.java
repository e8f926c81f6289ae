package dev.pxebus.runtime.kafka;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a repeated condition (a full buffer, a bad record, an unreachable broker) be logged at most once per
 * interval while still reporting how often it happened in between. Lock-free; safe from any thread.
 */
final class LogThrottle {
  private final long intervalNanos;
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong nextAllowed;

  LogThrottle(Duration interval) {
    this.intervalNanos = interval.toNanos();
    this.nextAllowed = new AtomicLong(System.nanoTime());
  }

  /**
   * Records one occurrence. Returns 0 when it must not be logged now, else the number of occurrences (this one
   * included) since the last one that was logged.
   */
  long occur() {
    count.incrementAndGet();
    return due();
  }

  /** For a periodic check: the occurrences not logged yet, if the interval has passed; 0 otherwise. */
  long due() {
    long now = System.nanoTime();
    long next = nextAllowed.get();
    if (now - next < 0 || count.get() == 0) {
      return 0;
    }
    if (!nextAllowed.compareAndSet(next, now + intervalNanos)) {
      return 0;
    }
    return count.getAndSet(0);
  }

  /** The occurrences not logged yet, whatever the time; for a last report when shutting down. */
  long drain() {
    return count.getAndSet(0);
  }
}
