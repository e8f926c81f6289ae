package dev.pxebus.tftp.transfer;

import java.time.Duration;

/**
 * How a transfer retransmits and when it gives up. The timer adapts to the measured round trip (RFC 6298, see
 * {@link RttEstimator}); these bound it.
 *
 * <p>The defaults are for a LAN where a round trip takes 0.05–1 ms and clients are PXE ROMs: a lost packet costs about
 * {@link #DEFAULT_MIN_RTO} instead of the second classic servers (tftp-hpa) wait, and no packet is sent twice on a
 * clean link because the floor is far above any measured round trip.
 *
 * @param initialRto the timer before the first round-trip sample (RFC 6298 says 1 s for the Internet; a LAN
 *     answers in well under a millisecond, and a spurious first retransmission costs one duplicate block)
 * @param minRto the floor of the adaptive timer. RFC 6298 (2.4) rounds up to 1 s for TCP on the Internet; on a LAN
 *     that makes every loss cost a second, which is what this server is built to avoid
 * @param maxRto the ceiling, also of exponential backoff; lowered to the client's negotiated {@code timeout}. One
 *     second by default: whatever happens, never slower to retransmit than a classic fixed-timer server. (With big
 *     windows and heavy loss, Karn's rule can go many timeouts without a clean sample; the ceiling bounds the backoff.)
 * @param maxRetransmits retransmissions of the same (oldest unacknowledged) packet before giving up…
 * @param giveUpAfter …provided also this long has passed without progress, so that a client pausing for a moment
 *     (a VM descheduled, a ROM busy writing to flash) is not dropped after a burst of fast retries. Zero: count only.
 */
public record RetransmitPolicy(
    Duration initialRto, Duration minRto, Duration maxRto, int maxRetransmits, Duration giveUpAfter) {
  public static final Duration DEFAULT_INITIAL_RTO = Duration.ofMillis(200);
  public static final Duration DEFAULT_MIN_RTO = Duration.ofMillis(20);
  public static final Duration DEFAULT_MAX_RTO = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_RETRANSMITS = 5;
  public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofSeconds(10);
  public static final RetransmitPolicy DEFAULT = new RetransmitPolicy(
      DEFAULT_INITIAL_RTO, DEFAULT_MIN_RTO, DEFAULT_MAX_RTO, DEFAULT_MAX_RETRANSMITS, DEFAULT_GIVE_UP_AFTER);

  public RetransmitPolicy {
    if (minRto.isNegative() || minRto.isZero()) throw new IllegalArgumentException("minRto must be > 0");
    if (maxRto.compareTo(minRto) < 0) throw new IllegalArgumentException("maxRto must be >= minRto");
    if (initialRto.compareTo(minRto) < 0 || initialRto.compareTo(maxRto) > 0) {
      throw new IllegalArgumentException("initialRto must lie within minRto..maxRto");
    }
    if (maxRetransmits < 0) throw new IllegalArgumentException("maxRetransmits must be >= 0");
    if (giveUpAfter.isNegative()) throw new IllegalArgumentException("giveUpAfter must be >= 0");
  }

  /** A fixed timer with no adaptation: initial = floor = ceiling (what classic servers do; used for comparisons). */
  public static RetransmitPolicy fixed(Duration rto, int maxRetransmits) {
    return new RetransmitPolicy(rto, rto, rto, maxRetransmits, Duration.ZERO);
  }

  public RetransmitPolicy withMaxRetransmits(int value) {
    return new RetransmitPolicy(initialRto, minRto, maxRto, value, giveUpAfter);
  }

  public RetransmitPolicy withGiveUpAfter(Duration value) {
    return new RetransmitPolicy(initialRto, minRto, maxRto, maxRetransmits, value);
  }

  /** A fresh estimator for one transfer, its ceiling lowered to the client's timeout option if it gave one. */
  public RttEstimator newEstimator(TransferOptions options) {
    long ceiling = maxRto.toNanos();
    if (options.timeoutSeconds().isPresent()) {
      ceiling = Math.min(ceiling, Duration.ofSeconds(options.timeoutSeconds().getAsInt()).toNanos());
    }
    long floor = Math.min(minRto.toNanos(), ceiling);
    return new RttEstimator(Math.min(initialRto.toNanos(), ceiling), floor, ceiling);
  }
}
