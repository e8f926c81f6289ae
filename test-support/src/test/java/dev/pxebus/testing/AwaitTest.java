package dev.pxebus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void untilReturnsOnceTheConditionHolds() {
    AtomicInteger checks = new AtomicInteger();

    Await.until(Duration.ofSeconds(5), () -> checks.incrementAndGet() == 3, () -> "third check");

    assertEquals(3, checks.get());
  }

  @Test
  void untilFailsWithTheDescriptionSeenAtTheDeadline() {
    AtomicInteger checks = new AtomicInteger();

    AssertionError e = assertThrows(AssertionError.class, () -> Await.until(Duration.ofMillis(150),
        () -> checks.incrementAndGet() < 0, () -> "a negative count, have " + checks.get()));

    assertTrue(e.getMessage().startsWith("Waited 150 ms ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("for: a negative count, have " + checks.get()), e.getMessage());
    assertTrue(checks.get() > 1, "polled more than once");
  }

  @Test
  void valueReturnsTheFirstValuePresent() {
    AtomicInteger checks = new AtomicInteger();

    String v = Await.value(Duration.ofSeconds(5),
        () -> checks.incrementAndGet() < 2 ? Optional.empty() : Optional.of("lease " + checks.get()), "a lease");

    assertEquals("lease 2", v);
  }

  @Test
  void valueFailsWithTheDescription() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> Await.value(Duration.ofMillis(50), Optional::empty, "a lease for 52:54:00:12:34:56"));

    assertTrue(e.getMessage().endsWith("for: a lease for 52:54:00:12:34:56"), e.getMessage());
  }

  @Test
  void aFailingConditionPropagatesAtOnce() {
    IllegalStateException boom = new IllegalStateException("boom");

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Await.until(Duration.ofSeconds(30), () -> { throw boom; }, () -> "never"));

    assertSame(boom, e);
  }

  @Test
  void aZeroDeadlineStillChecksOnce() {
    Await.until(Duration.ZERO, () -> true, () -> "true");
    assertThrows(AssertionError.class, () -> Await.until(Duration.ZERO, () -> false, () -> "false"));
  }
}
