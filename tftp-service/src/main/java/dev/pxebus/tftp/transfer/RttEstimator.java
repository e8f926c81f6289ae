package dev.pxebus.tftp.transfer;

import java.util.OptionalLong;

/**
 * The retransmission timer of RFC 6298 (TCP's), for one transfer: smoothed round trip (SRTT) and its variation
 * (RTTVAR) from samples, RTO = SRTT + max(G, 4·RTTVAR) clamped to [floor, ceiling], doubled on every timeout
 * (exponential backoff, §5.5) until the next sample. Callers follow Karn's rule themselves: no sample from a packet
 * that was retransmitted (§3). Times in nanoseconds. Not thread-safe (one transfer, one thread).
 *
 * <p>Deliberate departures from RFC 6298, all because a boot LAN is not the Internet: the initial RTO and the floor
 * are configurable and far below 1 s ({@link RetransmitPolicy}); the ceiling is a few seconds, not 60.
 */
public final class RttEstimator {
  /** RFC 6298's α = 1/8 and β = 1/4 are applied as shifts; K = 4. */
  private static final int ALPHA_SHIFT = 3;
  private static final int BETA_SHIFT = 2;
  private static final int K = 4;
  /** Clock granularity G: Vert.x timers fire with millisecond resolution. */
  public static final long GRANULARITY_NANOS = 1_000_000L;

  private final long floor;
  private final long ceiling;
  private long srtt = -1;
  private long rttvar;
  private long rto;
  private int samples;
  private int backoffs;
  private int spurious;

  public RttEstimator(long initialRtoNanos, long floorNanos, long ceilingNanos) {
    if (floorNanos <= 0 || ceilingNanos < floorNanos) throw new IllegalArgumentException("need 0 < floor <= ceiling");
    this.floor = floorNanos;
    this.ceiling = ceilingNanos;
    this.rto = clamp(initialRtoNanos);
  }

  /** One round-trip measurement (RFC 6298 §2.2 for the first, §2.3 after). Negative samples are ignored. */
  public void sample(long rttNanos) {
    if (rttNanos < 0) return;
    if (srtt < 0) {
      srtt = rttNanos;
      rttvar = rttNanos / 2;
    } else {
      rttvar = rttvar - (rttvar >> BETA_SHIFT) + (Math.abs(srtt - rttNanos) >> BETA_SHIFT);
      srtt = srtt - (srtt >> ALPHA_SHIFT) + (rttNanos >> ALPHA_SHIFT);
    }
    samples++;
    rto = clamp(srtt + Math.max(GRANULARITY_NANOS, K * rttvar));
  }

  /**
   * A timeout turned out to be spurious: the packet it resent had arrived, only its answer came late (the client
   * answered both copies). {@code rttNanos} is how long the first answer took from the first send. As the Eifel
   * response does for TCP (RFC 4015 §3.2), the estimator is re-seeded so that a round trip that long no longer
   * times out: SRTT at least the sample, RTTVAR at least half of it, so the RTO becomes at least three times the
   * sample (within the ceiling) and then falls back with the following samples as usual. The backoff is undone.
   */
  public void spuriousTimeout(long rttNanos) {
    if (rttNanos < 0) return;
    srtt = Math.max(srtt, rttNanos);
    rttvar = Math.max(rttvar, rttNanos / 2);
    spurious++;
    rto = clamp(srtt + Math.max(GRANULARITY_NANOS, K * rttvar));
  }

  /** Timeouts found spurious ({@link #spuriousTimeout}). */
  public int spuriousTimeouts() {
    return spurious;
  }

  /** The timer expired: double the RTO, up to the ceiling (§5.5). */
  public void backoff() {
    backoffs++;
    rto = rto > ceiling / 2 ? ceiling : clamp(rto * 2);
  }

  /** The current retransmission timeout. */
  public long rtoNanos() {
    return rto;
  }

  /** The smoothed round trip; empty before the first sample. */
  public OptionalLong srttNanos() {
    return srtt < 0 ? OptionalLong.empty() : OptionalLong.of(srtt);
  }

  public long rttvarNanos() {
    return rttvar;
  }

  public int samples() {
    return samples;
  }

  public int backoffs() {
    return backoffs;
  }

  public long floorNanos() {
    return floor;
  }

  public long ceilingNanos() {
    return ceiling;
  }

  private long clamp(long v) {
    return Math.max(floor, Math.min(ceiling, v));
  }
}
