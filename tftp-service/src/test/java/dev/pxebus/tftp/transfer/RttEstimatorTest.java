package dev.pxebus.tftp.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RttEstimatorTest {
  private static final long MS = 1_000_000L;

  private static RttEstimator estimator() {
    return new RttEstimator(200 * MS, 20 * MS, 2000 * MS);
  }

  @Test
  void initialRtoBeforeAnySample() {
    RttEstimator rtt = estimator();
    assertEquals(200 * MS, rtt.rtoNanos());
    assertEquals(OptionalLong.empty(), rtt.srttNanos());
    assertEquals(0, rtt.samples());
  }

  @Test
  void firstSampleSetsSrttAndHalfOfItAsRttvar() {
    RttEstimator rtt = estimator();
    rtt.sample(100 * MS); // RFC 6298 (2.2): SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR
    assertEquals(OptionalLong.of(100 * MS), rtt.srttNanos());
    assertEquals(50 * MS, rtt.rttvarNanos());
    assertEquals(300 * MS, rtt.rtoNanos());
  }

  @Test
  void laterSamplesSmoothWithAlphaAndBeta() {
    RttEstimator rtt = estimator();
    rtt.sample(100 * MS);
    rtt.sample(200 * MS);
    // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5
    assertEquals(62_500_000L, rtt.rttvarNanos());
    assertEquals(OptionalLong.of(112_500_000L), rtt.srttNanos());
    assertEquals(112_500_000L + 4 * 62_500_000L, rtt.rtoNanos());
  }

  @Test
  void lanRoundTripsOfAboutOneMillisecondBringTheRtoToTheFloor() {
    RttEstimator rtt = estimator();
    for (int i = 0; i < 50; i++) rtt.sample((900 + (i % 3) * 100) * 1000L); // 0.9–1.1 ms
    assertEquals(20 * MS, rtt.rtoNanos());
    assertTrue(Math.abs(rtt.srttNanos().getAsLong() - MS) < 100_000, "SRTT ≈ 1 ms");
  }

  @Test
  void constantRttStillKeepsTheGranularityMarginAboveSrtt() {
    RttEstimator rtt = new RttEstimator(200 * MS, MS / 10, 2000 * MS);
    for (int i = 0; i < 200; i++) rtt.sample(50 * MS);
    // RTTVAR decays to 0; RTO = SRTT + max(G, 4 RTTVAR) never equals SRTT exactly
    assertEquals(50 * MS + RttEstimator.GRANULARITY_NANOS, rtt.rtoNanos());
  }

  @Test
  void backoffDoublesUpToTheCeilingAndTheNextSampleUndoesIt() {
    RttEstimator rtt = estimator();
    for (int i = 0; i < 20; i++) rtt.sample(MS);
    assertEquals(20 * MS, rtt.rtoNanos());
    rtt.backoff();
    assertEquals(40 * MS, rtt.rtoNanos());
    rtt.backoff();
    assertEquals(80 * MS, rtt.rtoNanos());
    for (int i = 0; i < 10; i++) rtt.backoff();
    assertEquals(2000 * MS, rtt.rtoNanos(), "capped at the ceiling");
    assertEquals(12, rtt.backoffs());
    rtt.sample(MS);
    assertEquals(20 * MS, rtt.rtoNanos(), "a fresh sample recomputes the RTO (RFC 6298 §5.7 via Karn)");
  }

  @Test
  void slowSampleRaisesTheRtoButNotAboveTheCeiling() {
    RttEstimator rtt = estimator();
    rtt.sample(5000 * MS);
    assertEquals(2000 * MS, rtt.rtoNanos());
  }

  @Test
  void aSpuriousTimeoutReseedsTheEstimatorToThreeTimesItsRoundTripAndUndoesTheBackoff() {
    RttEstimator rtt = estimator();
    for (int i = 0; i < 20; i++) rtt.sample(MS);
    rtt.backoff();
    assertEquals(40 * MS, rtt.rtoNanos());
    rtt.spuriousTimeout(50 * MS);
    assertEquals(50 * MS, rtt.srttNanos().getAsLong(), "SRTT at least the round trip");
    assertEquals(25 * MS, rtt.rttvarNanos(), "RTTVAR at least half of it");
    assertEquals(150 * MS, rtt.rtoNanos());
    assertEquals(1, rtt.spuriousTimeouts());
    assertEquals(20, rtt.samples(), "not counted as a sample");
    for (int i = 0; i < 40; i++) rtt.sample(MS);
    assertEquals(20 * MS, rtt.rtoNanos(), "fast round trips bring it back down to the floor");
    rtt.spuriousTimeout(900 * MS);
    assertEquals(2000 * MS, rtt.rtoNanos(), "within the ceiling");
    rtt.spuriousTimeout(-1);
    assertEquals(2, rtt.spuriousTimeouts(), "a negative round trip is ignored");
  }

  @Test
  void negativeSamplesAreIgnored() {
    RttEstimator rtt = estimator();
    rtt.sample(-1);
    assertEquals(0, rtt.samples());
    assertEquals(200 * MS, rtt.rtoNanos());
  }

  @Test
  void policyBuildsEstimatorsCappedByTheClientsTimeoutOption() {
    RttEstimator plain = RetransmitPolicy.DEFAULT.newEstimator(TransferOptions.DEFAULT);
    assertEquals(200 * MS, plain.rtoNanos());
    assertEquals(20 * MS, plain.floorNanos());
    assertEquals(1000 * MS, plain.ceilingNanos());

    RetransmitPolicy policy = new RetransmitPolicy(Duration.ofMillis(200), Duration.ofMillis(20), Duration.ofSeconds(5),
        5, Duration.ofSeconds(10));
    TransferOptions twoSeconds = new TransferOptions(512, 1, OptionalInt.of(2), OptionalLong.empty());
    assertEquals(2000 * MS, policy.newEstimator(twoSeconds).ceilingNanos(), "timeout=2 caps the backoff at 2 s");
    TransferOptions tenSeconds = new TransferOptions(512, 1, OptionalInt.of(10), OptionalLong.empty());
    assertEquals(5000 * MS, policy.newEstimator(tenSeconds).ceilingNanos(), "a longer timeout does not slow us");
    TransferOptions oneSecond = new TransferOptions(512, 1, OptionalInt.of(1), OptionalLong.empty());

    RetransmitPolicy slow = new RetransmitPolicy(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(5),
        5, Duration.ZERO);
    RttEstimator capped = slow.newEstimator(oneSecond);
    assertEquals(1000 * MS, capped.rtoNanos(), "initial and floor never above the client's timeout");
    assertEquals(1000 * MS, capped.floorNanos());
  }

  @Test
  void policyIsChecked() {
    assertThrows(IllegalArgumentException.class,
        () -> new RetransmitPolicy(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(1), 5,
            Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> new RetransmitPolicy(Duration.ofMillis(20), Duration.ZERO, Duration.ofSeconds(1), 5, Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> new RetransmitPolicy(Duration.ofMillis(20), Duration.ofMillis(20), Duration.ofMillis(10), 5,
            Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> RetransmitPolicy.DEFAULT.withMaxRetransmits(-1));
  }
}
