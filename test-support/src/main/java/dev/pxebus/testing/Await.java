package dev.pxebus.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, for tests: poll, back off a little, poll again; fail with a
 * description of what was awaited (and, if the description says so, of what was seen) when the deadline
 * passes. This replaces fixed sleeps: a test waits exactly as long as it has to, and no longer than the
 * deadline. Exceptions thrown by the condition propagate at once.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(10), () -> store.size() == 2, () -> "two leases, have " + store.all());
 * Lease lease = Await.value(Duration.ofSeconds(10), () -> store.find(mac), "lease for " + mac);
 * }</pre>
 */
public final class Await {

  private static final long FIRST_BACKOFF_MS = 5;
  private static final long MAX_BACKOFF_MS = 200;

  private Await() {}

  /**
   * Returns as soon as {@code condition} holds.
   *
   * @param deadline how long to keep trying
   * @param describe what was awaited; evaluated only on timeout, so it can report the state seen then
   * @throws AssertionError if {@code condition} still does not hold when {@code deadline} has passed
   */
  public static void until(Duration deadline, BooleanSupplier condition, Supplier<String> describe) {
    Objects.requireNonNull(condition, "condition");
    value(deadline, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), describe);
  }

  /** As {@link #until(Duration, BooleanSupplier, Supplier)} with a fixed description. */
  public static void until(Duration deadline, BooleanSupplier condition, String describe) {
    until(deadline, condition, () -> describe);
  }

  /**
   * Returns the first value {@code probe} yields.
   *
   * @throws AssertionError if {@code probe} still yields nothing when {@code deadline} has passed
   */
  public static <T> T value(Duration deadline, Supplier<Optional<T>> probe, String describe) {
    return value(deadline, probe, () -> describe);
  }

  /** As {@link #value(Duration, Supplier, String)}, describing the wait only on timeout. */
  public static <T> T value(Duration deadline, Supplier<Optional<T>> probe, Supplier<String> describe) {
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(describe, "describe");
    long start = System.nanoTime();
    long end = start + deadline.toNanos();
    long backoffMs = FIRST_BACKOFF_MS;
    int attempts = 0;
    while (true) {
      attempts++;
      Optional<T> v = Objects.requireNonNull(probe.get(), "probe returned null instead of an Optional");
      if (v.isPresent()) {
        return v.get();
      }
      long remainingMs = (end - System.nanoTime()) / 1_000_000;
      if (remainingMs <= 0) {
        throw new AssertionError("Waited " + deadline.toMillis() + " ms (" + attempts + " checks) for: "
            + describe.get());
      }
      try {
        Thread.sleep(Math.min(backoffMs, remainingMs));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for: " + describe.get(), e);
      }
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
  }
}
