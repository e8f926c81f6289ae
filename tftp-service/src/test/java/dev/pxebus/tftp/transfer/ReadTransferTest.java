package dev.pxebus.tftp.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.TftpPacket.OptionAck;
import dev.pxebus.tftp.transfer.Transmission.SendBlock;
import dev.pxebus.tftp.transfer.Transmission.SendOack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The state machine event by event, with exact expectations. (Whole transfers over a lossy link: the simulation.) */
class ReadTransferTest {
  private static final long MS = 1_000_000L;
  private static final long T0 = 1_000 * MS; // nanoTime values are arbitrary; not starting at 0 catches mistakes
  private static final OptionAck OACK = new OptionAck(Map.of("tsize", "1000"));

  private static ReadTransfer plain(long size) {
    return new ReadTransfer(size, TransferOptions.DEFAULT, Optional.empty(), RetransmitPolicy.DEFAULT);
  }

  private static ReadTransfer withOack(long size, int blksize, int window) {
    return new ReadTransfer(size, TransferOptions.of(blksize, window), Optional.of(OACK), RetransmitPolicy.DEFAULT);
  }

  private static SendBlock block(int block, long index, long offset, int length, boolean again) {
    return new SendBlock(block, index, offset, length, again);
  }

  @Test
  void lockStepWithoutOackEndsWithAShortBlock() {
    ReadTransfer t = plain(1000);
    Step s = t.start(T0);
    assertEquals(List.of(block(1, 1, 0, 512, false)), s.transmissions());
    assertEquals(OptionalLong.of(T0 + 200 * MS), s.deadline(), "initial RTO before any sample");
    s = t.onAck(1, T0 + MS);
    assertEquals(List.of(block(2, 2, 512, 488, false)), s.transmissions());
    s = t.onAck(2, T0 + 2 * MS);
    assertEquals(Optional.of(new Outcome.Completed()), s.outcome());
    assertEquals(List.of(), s.transmissions());
    assertEquals(OptionalLong.empty(), s.deadline());
    TransferStats stats = t.stats();
    assertEquals(2, stats.packetsSent());
    assertEquals(0, stats.retransmissions());
    assertEquals(1000, stats.payloadBytesSent());
    assertEquals(1000, stats.bytesAcknowledged());
    assertEquals(2, stats.rttSamples());
    assertEquals(2 * MS, stats.elapsedNanos());
  }

  @Test
  void emptyFileIsOneEmptyBlock() {
    ReadTransfer t = plain(0);
    assertEquals(List.of(block(1, 1, 0, 0, false)), t.start(T0).transmissions());
    assertTrue(t.onAck(1, T0 + MS).finished());
  }

  @Test
  void sizeMultipleOfBlksizeEndsWithAnEmptyBlock() {
    ReadTransfer t = plain(1024);
    assertEquals(3, t.blockCount());
    t.start(T0);
    t.onAck(1, T0 + MS);
    assertEquals(List.of(block(3, 3, 1024, 0, false)), t.onAck(2, T0 + 2 * MS).transmissions());
    assertEquals(Optional.of(new Outcome.Completed()), t.onAck(3, T0 + 3 * MS).outcome());
  }

  @Test
  void oackFirstThenDataAfterAck0() {
    ReadTransfer t = withOack(3000, 1432, 1);
    Step s = t.start(T0);
    assertEquals(List.of(new SendOack(OACK, false)), s.transmissions());
    assertEquals(ReadTransfer.State.AWAITING_OACK_ACK, t.state());
    s = t.onAck(1, T0 + MS);
    assertEquals(List.of(), s.transmissions(), "ACK 1 before ACK 0 is nonsense");
    assertTrue(s.ignored().orElseThrow().contains("waiting for ACK 0"));
    s = t.onAck(0, T0 + MS);
    assertEquals(List.of(block(1, 1, 0, 1432, false)), s.transmissions());
    assertEquals(ReadTransfer.State.SENDING, t.state());
    assertEquals(1, t.stats().rttSamples(), "the OACK round trip is a sample too");
  }

  @Test
  void oackIsRetransmittedOnlyOnASlowTimer() {
    ReadTransfer t = withOack(3000, 1432, 1);
    long deadline = t.start(T0).deadline().getAsLong();
    // Clients resend their RRQ or ACK 0 themselves; a quick duplicate OACK would abort atftp.
    assertEquals(T0 + ReadTransfer.OACK_RETRANSMIT_FLOOR_NANOS, deadline, "the OACK waits out client timeouts");
    assertEquals(List.of(), t.onTimer(deadline - 1).transmissions(), "not yet");
    Step s = t.onTimer(deadline);
    assertEquals(List.of(new SendOack(OACK, true)), s.transmissions());
    assertEquals(deadline + ReadTransfer.OACK_RETRANSMIT_FLOOR_NANOS, s.deadline().getAsLong(), "still the floor");
    s = t.onAck(0, deadline + MS);
    assertEquals(0, t.stats().rttSamples(), "Karn: no sample from a retransmitted OACK");
    assertEquals(1, s.transmissions().size());
  }

  @Test
  void repeatedRequestIsAnsweredWithTheOackAtOnceAndRestartsItsTimer() {
    // atftp: the OACK was lost, its RRQ comes again after 5 s. Its ACK 0 to this OACK may be lost too; then it
    // repeats ACK 0 5 s later, and an OACK from the first timer (due at 11 s) would be its second: fatal.
    ReadTransfer t = withOack(3000, 1432, 1);
    t.start(T0);
    long again = T0 + 5_000 * MS;
    Step s = t.onRequestRepeated(again);
    assertEquals(List.of(new SendOack(OACK, true)), s.transmissions());
    assertEquals(again + ReadTransfer.OACK_RETRANSMIT_FLOOR_NANOS, s.deadline().getAsLong(), "timer started over");
    assertEquals(List.of(), t.onTimer(T0 + ReadTransfer.OACK_RETRANSMIT_FLOOR_NANOS).transmissions(),
        "the first deadline has no effect any more");
    s = t.onAck(0, again + 5_000 * MS);
    assertEquals(List.of(block(1, 1, 0, 1432, false)), s.transmissions());
    assertEquals(0, t.stats().rttSamples(), "Karn: ACK 0 may answer either OACK");
    assertEquals(1, t.stats().retransmissions());
  }

  @Test
  void repeatedRequestWhileDataFlowsChangesNothing() {
    ReadTransfer t = withOack(3000, 1432, 1);
    t.start(T0);
    long deadline = t.onAck(0, T0 + MS).deadline().getAsLong();
    Step s = t.onRequestRepeated(T0 + 2 * MS);
    assertEquals(List.of(), s.transmissions());
    assertEquals(OptionalLong.of(deadline), s.deadline());
    assertTrue(s.ignored().isPresent());
  }

  @Test
  void oackTimerWaitsTwoOfTheClientsOwnTimeoutsAndASecond() {
    assertEquals(11_000 * MS, ReadTransfer.OACK_RETRANSMIT_FLOOR_NANOS, "atftp's 5 s period, twice, and a second");
    ReadTransfer two = new ReadTransfer(3000, new TransferOptions(512, 1, OptionalInt.of(2), OptionalLong.empty()),
        Optional.of(OACK), RetransmitPolicy.DEFAULT);
    assertEquals(T0 + 5_000 * MS, two.start(T0).deadline().getAsLong(), "timeout 2: ACK 0 repeated at 2 s and 4 s");
    ReadTransfer slow = new ReadTransfer(3000, new TransferOptions(512, 1, OptionalInt.of(255), OptionalLong.empty()),
        Optional.of(OACK), RetransmitPolicy.DEFAULT);
    assertEquals(T0 + 60_000 * MS, slow.start(T0).deadline().getAsLong(), "at most 60 s");
  }

  @Test
  void error8AnsweringTheOackIsANormalAbort() {
    ReadTransfer t = withOack(173792, 1468, 4);
    t.start(T0);
    Step s = t.onError(ErrorCode.OPTION_REFUSED, "User aborted the transfer", T0 + 2 * MS);
    assertEquals(Optional.of(new Outcome.AbortedAfterOack("User aborted the transfer")), s.outcome());
    assertEquals(Outcome.Kind.ABORTED_AFTER_OACK, s.outcome().orElseThrow().kind());
    assertEquals(OptionalLong.empty(), s.deadline());
  }

  @Test
  void error8DuringDataIsAClientError() {
    ReadTransfer t = withOack(5000, 512, 1);
    t.start(T0);
    t.onAck(0, T0 + MS);
    Step s = t.onError(ErrorCode.OPTION_REFUSED, "changed my mind", T0 + 2 * MS);
    assertEquals(Optional.of(new Outcome.ClientError(ErrorCode.OPTION_REFUSED, "changed my mind")), s.outcome());
  }

  @Test
  void otherErrorAnsweringTheOackIsAClientError() {
    ReadTransfer t = withOack(5000, 512, 1);
    t.start(T0);
    Step s = t.onError(ErrorCode.DISK_FULL, "no room", T0 + 2 * MS);
    assertEquals(Outcome.Kind.CLIENT_ERROR, s.outcome().orElseThrow().kind());
  }

  @Test
  void duplicateAckSendsNothing() {
    ReadTransfer t = plain(5000);
    t.start(T0);
    Step s = t.onAck(1, T0 + MS);
    long deadline = s.deadline().getAsLong();
    s = t.onAck(1, T0 + 2 * MS);
    assertEquals(List.of(), s.transmissions());
    assertEquals(OptionalLong.of(deadline), s.deadline(), "the timer is not restarted either");
    assertEquals(Optional.of("duplicate ACK 1"), s.ignored());
    assertEquals(1, t.stats().duplicateAcks());
  }

  /**
   * Lock-step, block 2's ACK late (the client did not run for 50 ms): the first timeout resends it, the client
   * answers both copies back to back. The second ACK shows the timeout was spurious: nothing is sent, and the timer
   * learns the long round trip for the block in flight and the ones after it.
   */
  @Test
  void aDuplicateAckRightBehindTheAckOfAResentBlockShowsTheTimeoutWasSpurious() {
    ReadTransfer t = plain(10 * 512);
    t.start(T0);
    long sent2 = T0 + MS;
    Step s = t.onAck(1, sent2);
    assertEquals(20 * MS, t.rtt().rtoNanos(), "a 1 ms round trip: the floor");
    s = t.onTimer(s.deadline().getAsLong());
    assertEquals(List.of(block(2, 2, 512, 512, true)), s.transmissions());
    long acked2 = sent2 + 50 * MS;
    s = t.onAck(2, acked2);
    assertEquals(List.of(block(3, 3, 1024, 512, false)), s.transmissions());
    s = t.onAck(2, acked2 + 20_000);
    assertEquals(List.of(), s.transmissions(), "a duplicate ACK never sends");
    assertEquals(Optional.of("duplicate ACK 2: the last timeout was spurious"), s.ignored());
    assertEquals(1, t.rtt().spuriousTimeouts());
    assertEquals(150 * MS, t.rtt().rtoNanos(), "three times the 50 ms round trip");
    assertEquals(OptionalLong.of(acked2 + 150 * MS), s.deadline(), "block 3's timer allows such a round trip too");
    assertEquals(List.of(), t.onTimer(acked2 + 100 * MS).transmissions(), "so a second such pause resends nothing");
    assertEquals(1, t.stats().retransmissions());
  }

  /** Lock-step, block 1 acknowledged after 1 ms, block 2's first timeout fired; returns when it fired. */
  private static long block2TimedOut(ReadTransfer t) {
    t.start(T0);
    long resent = t.onAck(1, T0 + MS).deadline().getAsLong();
    t.onTimer(resent);
    return resent;
  }

  @Test
  void aResentBlockWhoseFirstCopyWasLostIsNotASpuriousTimeout() {
    ReadTransfer t = plain(10 * 512);
    long resent = block2TimedOut(t); // block 2's first copy was lost
    t.onAck(2, resent + MS);
    assertEquals(List.of(), t.onAck(2, resent + 5_000 * MS).transmissions(), "the client's own repeat, seconds later");
    assertEquals(0, t.rtt().spuriousTimeouts());
    assertEquals(40 * MS, t.rtt().rtoNanos(), "still backed off: Karn's rule, no sample from the resent block");
  }

  @Test
  void withAWindowADuplicateAckAfterATimeoutProvesNothing() {
    ReadTransfer t = withOack(100 * 512, 512, 4);
    t.start(T0);
    long deadline = t.onAck(0, T0 + MS).deadline().getAsLong();
    t.onTimer(deadline);
    t.onAck(4, deadline + 30 * MS);
    t.onAck(4, deadline + 30 * MS + 10_000); // EDK2 ACKs every unexpected block: duplicates are common here
    assertEquals(0, t.rtt().spuriousTimeouts());
  }

  @Test
  void aSecondTimeoutOfTheSameBlockEndsTheWatch() {
    ReadTransfer t = plain(10 * 512);
    block2TimedOut(t);
    Step s = t.onTimer(t.deadline().getAsLong()); // which copy an ACK answers is anybody's guess now
    long at = s.deadline().getAsLong() - MS;
    t.onAck(2, at);
    t.onAck(2, at + 10_000);
    assertEquals(0, t.rtt().spuriousTimeouts());
  }

  @Test
  void ackForABlockNotSentYetIsIgnored() {
    ReadTransfer t = plain(50_000);
    t.start(T0);
    Step s = t.onAck(7, T0 + MS);
    assertEquals(List.of(), s.transmissions());
    assertTrue(s.ignored().orElseThrow().contains("outside the window"));
    assertEquals(1, t.stats().unexpectedAcks());
    assertEquals(0, t.acknowledgedIndex());
  }

  @Test
  void timerBeforeTheDeadlineDoesNothing() {
    ReadTransfer t = plain(5000);
    Step s = t.start(T0);
    Step early = t.onTimer(s.deadline().getAsLong() - 1);
    assertEquals(List.of(), early.transmissions());
    assertEquals(s.deadline(), early.deadline());
    assertEquals(0, t.stats().timeouts());
  }

  @Test
  void givesUpAfterMaxRetransmissionsWithBackoffWhenNoMinimumTimeIsSet() {
    RetransmitPolicy policy = RetransmitPolicy.DEFAULT.withMaxRetransmits(3).withGiveUpAfter(Duration.ZERO);
    ReadTransfer t = new ReadTransfer(5000, TransferOptions.DEFAULT, Optional.empty(), policy);
    long deadline = t.start(T0).deadline().getAsLong();
    long[] expectedIntervals = {400 * MS, 800 * MS, 1000 * MS}; // doubling, up to the 1 s ceiling
    List<List<SendBlock>> expectedBursts = List.of(
        List.of(block(1, 1, 0, 512, true)),
        List.of(block(2, 2, 512, 512, false), block(1, 1, 0, 512, true)), // from the 2nd expiry on: a probe first
        List.of(block(3, 3, 1024, 512, false), block(1, 1, 0, 512, true), block(2, 2, 512, 512, true)));
    for (int i = 0; i < expectedIntervals.length; i++) {
      Step s = t.onTimer(deadline);
      assertEquals(expectedBursts.get(i), s.transmissions());
      assertEquals(deadline + expectedIntervals[i], s.deadline().getAsLong());
      deadline = s.deadline().getAsLong();
    }
    Step s = t.onTimer(deadline);
    assertEquals(Optional.of(new Outcome.TimedOut(1, 3, false)), s.outcome());
    assertEquals(4, t.stats().retransmissions(), "block 1 three times, block 2 once");
    assertEquals(4, t.stats().timeouts());
  }

  @Test
  void givingUpAlsoWaitsForGiveUpAfterSoAShortStallDoesNotKillTheTransfer() {
    RetransmitPolicy policy = RetransmitPolicy.DEFAULT.withMaxRetransmits(2).withGiveUpAfter(Duration.ofSeconds(10));
    ReadTransfer t = new ReadTransfer(5000, TransferOptions.DEFAULT, Optional.empty(), policy);
    long deadline = t.start(T0).deadline().getAsLong();
    int resends = 0;
    Step s;
    while (!(s = t.onTimer(deadline)).finished()) {
      resends++;
      deadline = s.deadline().getAsLong();
    }
    assertTrue(deadline - T0 >= 10_000 * MS, "not before 10 s without progress");
    assertTrue(resends > 2, "kept retransmitting past maxRetransmits until giveUpAfter");
    // backoff: 200, 400, 800, then the 1 s ceiling
    assertEquals(new Outcome.TimedOut(1, resends, false), s.outcome().orElseThrow());
  }

  @Test
  void progressResetsTheGiveUpCount() {
    RetransmitPolicy policy = RetransmitPolicy.DEFAULT.withMaxRetransmits(1).withGiveUpAfter(Duration.ZERO);
    ReadTransfer t = new ReadTransfer(5000, TransferOptions.DEFAULT, Optional.empty(), policy);
    long deadline = t.start(T0).deadline().getAsLong();
    deadline = t.onTimer(deadline).deadline().getAsLong(); // 1st retransmission of block 1
    deadline = t.onAck(1, deadline - MS).deadline().getAsLong(); // progress
    Step s = t.onTimer(deadline);
    assertFalse(s.finished(), "block 2 gets its own retransmission");
    assertEquals(List.of(block(2, 2, 512, 512, true)), s.transmissions());
    assertEquals(Outcome.Kind.TIMED_OUT, t.onTimer(s.deadline().getAsLong()).outcome().orElseThrow().kind());
  }

  @Test
  void timedOutWaitingForTheFinalAckSaysEverythingWasSent() {
    RetransmitPolicy policy = RetransmitPolicy.DEFAULT.withMaxRetransmits(0).withGiveUpAfter(Duration.ZERO);
    ReadTransfer t = new ReadTransfer(100, TransferOptions.DEFAULT, Optional.empty(), policy);
    long deadline = t.start(T0).deadline().getAsLong();
    assertEquals(Optional.of(new Outcome.TimedOut(1, 0, true)), t.onTimer(deadline).outcome());
  }

  @Test
  void timedOutWaitingForAck0NamesTheOack() {
    RetransmitPolicy policy = RetransmitPolicy.DEFAULT.withMaxRetransmits(0).withGiveUpAfter(Duration.ZERO);
    ReadTransfer t = new ReadTransfer(100, TransferOptions.of(512, 1), Optional.of(OACK), policy);
    long deadline = t.start(T0).deadline().getAsLong();
    assertEquals(Optional.of(new Outcome.TimedOut(0, 0, false)), t.onTimer(deadline).outcome());
  }

  @Test
  void windowIsSentWholeAndAnAckForTheLastBlockSlidesIt() {
    ReadTransfer t = withOack(100 * 512, 512, 4);
    t.start(T0);
    Step s = t.onAck(0, T0 + MS);
    assertEquals(List.of(1L, 2L, 3L, 4L), indexes(s));
    s = t.onAck(4, T0 + 2 * MS);
    assertEquals(List.of(5L, 6L, 7L, 8L), indexes(s));
    assertTrue(s.transmissions().stream().noneMatch(Transmission::retransmission));
  }

  @Test
  void ackInsideTheWindowRollsBackToTheNextBlock() {
    ReadTransfer t = withOack(100 * 512, 512, 4);
    t.start(T0);
    t.onAck(0, T0 + MS); // 1..4 out
    Step s = t.onAck(2, T0 + 2 * MS); // the client lost 3 and dropped 4
    assertEquals(List.of(block(3, 3, 1024, 512, true), block(4, 4, 1536, 512, true),
        block(5, 5, 2048, 512, false), block(6, 6, 2560, 512, false)), s.transmissions());
    assertEquals(1, t.stats().rollbacks());
    Step dup = t.onAck(2, T0 + 2 * MS + 10_000);
    assertEquals(List.of(), dup.transmissions(), "a duplicate of the rollback ACK sends nothing");
    assertEquals(1, t.stats().rollbacks());
  }

  @Test
  void timeoutResendsTheWholeUnacknowledgedWindow() {
    ReadTransfer t = withOack(100 * 512, 512, 4);
    t.start(T0);
    long deadline = t.onAck(0, T0 + MS).deadline().getAsLong();
    Step s = t.onTimer(deadline);
    assertEquals(List.of(1L, 2L, 3L, 4L), indexes(s));
    assertTrue(s.transmissions().stream().allMatch(Transmission::retransmission));
  }

  @Test
  void secondUnansweredTimeoutSendsTheBlockAfterTheWindowFirst() {
    // atftp has 1..4, its ACK 4 and its one extra ACK 4 (for the resent DATA 1) were lost; now it ignores 1..4 and
    // takes only 5, after which the 1 behind it draws an ACK 5.
    ReadTransfer t = withOack(100 * 512, 512, 4);
    t.start(T0);
    long deadline = t.onAck(0, T0 + MS).deadline().getAsLong();
    Step s = t.onTimer(deadline);
    assertEquals(List.of(1L, 2L, 3L, 4L), indexes(s), "first expiry: the window only");
    s = t.onTimer(s.deadline().getAsLong());
    assertEquals(List.of(block(5, 5, 2048, 512, false), block(1, 1, 0, 512, true), block(2, 2, 512, 512, true),
        block(3, 3, 1024, 512, true), block(4, 4, 1536, 512, true)), s.transmissions());
    s = t.onAck(5, s.deadline().getAsLong() - MS);
    assertEquals(List.of(6L, 7L, 8L, 9L), indexes(s), "the window slides on from the probe");
    assertTrue(s.transmissions().stream().noneMatch(Transmission::retransmission));
    assertEquals(0, t.stats().rollbacks());
  }

  @Test
  void ackOfTheWindowButNotTheProbeResendsTheProbeAtOnce() {
    ReadTransfer t = withOack(100 * 512, 512, 4);
    t.start(T0);
    Step s = t.onTimer(t.onAck(0, T0 + MS).deadline().getAsLong());
    s = t.onTimer(s.deadline().getAsLong()); // 5, then 1..4
    s = t.onAck(4, s.deadline().getAsLong() - MS); // the probe was lost; the resent 1..4 drew the ACK
    assertEquals(List.of(block(5, 5, 2048, 512, true), block(6, 6, 2560, 512, false), block(7, 7, 3072, 512, false),
        block(8, 8, 3584, 512, false)), s.transmissions());
  }

  @Test
  void probesStopAtMaxProbesBeyondTheWindowAndAtTheLastBlock() {
    RetransmitPolicy keepGoing = RetransmitPolicy.DEFAULT.withMaxRetransmits(100).withGiveUpAfter(Duration.ZERO);
    ReadTransfer t = new ReadTransfer(100 * 512, TransferOptions.of(512, 4), Optional.of(OACK), keepGoing);
    t.start(T0);
    long deadline = t.onAck(0, T0 + MS).deadline().getAsLong();
    Step s = null;
    for (int i = 0; i < 20; i++) {
      s = t.onTimer(deadline);
      deadline = s.deadline().getAsLong();
    }
    assertEquals(4 + ReadTransfer.MAX_PROBES, s.transmissions().size());
    assertEquals(4L + ReadTransfer.MAX_PROBES, indexes(s).stream().mapToLong(Long::longValue).max().orElseThrow());

    ReadTransfer shortFile = new ReadTransfer(5 * 512 + 10, TransferOptions.of(512, 4), Optional.of(OACK), keepGoing);
    shortFile.start(T0);
    deadline = shortFile.onAck(0, T0 + MS).deadline().getAsLong();
    for (int i = 0; i < 5; i++) {
      s = shortFile.onTimer(deadline);
      deadline = s.deadline().getAsLong();
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), indexes(s), "no block after the last one");
  }

  @Test
  void finalWindowIsShorter() {
    ReadTransfer t = withOack(5 * 512 + 10, 512, 4); // 6 blocks
    t.start(T0);
    t.onAck(0, T0);
    Step s = t.onAck(4, T0 + MS);
    assertEquals(List.of(5L, 6L), indexes(s));
    assertEquals(10, ((SendBlock) s.transmissions().get(1)).length());
    assertTrue(t.onAck(6, T0 + 2 * MS).finished());
  }

  @Test
  void blockNumbersRollOverToZeroAndAcksAreReadRelativeToTheWindow() {
    long blocks = 65_540;
    ReadTransfer t = withOack((blocks - 1) * 8 + 3, 8, 1);
    t.start(T0);
    Step s = t.onAck(0, T0);
    for (long i = 1; i < 65_535; i++) s = t.onAck((int) (i & 0xFFFF), T0);
    assertEquals(List.of(block(65535, 65535, 65534L * 8, 8, false)), s.transmissions());
    s = t.onAck(65535, T0);
    assertEquals(List.of(block(0, 65536, 65535L * 8, 8, false)), s.transmissions(), "rolls over to 0");
    s = t.onAck(65535, T0);
    assertEquals(List.of(), s.transmissions(), "duplicate ACK 65535 after the rollover");
    s = t.onAck(0, T0);
    assertEquals(List.of(block(1, 65537, 65536L * 8, 8, false)), s.transmissions());
    assertEquals(65536, t.acknowledgedIndex());
    t.onAck(1, T0);
    t.onAck(2, T0);
    t.onAck(3, T0);
    assertEquals(Optional.of(new Outcome.Completed()), t.onAck(4, T0).outcome(), "index 65540 is wire block 4");
    assertEquals(65540, t.acknowledgedIndex());
  }

  @Test
  void rttSamplesFollowKarnsRule() {
    ReadTransfer t = plain(100 * 512);
    long now = T0;
    Step s = t.start(now);
    for (int b = 1; b <= 20; b++) {
      now += MS;
      s = t.onAck(b, now);
    }
    assertEquals(20, t.stats().rttSamples());
    assertEquals(20 * MS, t.stats().rtoNanos(), "1 ms round trips: the RTO sits on the 20 ms floor");
    Step resent = t.onTimer(s.deadline().getAsLong()); // block 21 lost
    assertEquals(40 * MS, resent.deadline().getAsLong() - s.deadline().getAsLong(), "backoff doubled it");
    t.onAck(21, resent.deadline().getAsLong() - MS);
    assertEquals(20, t.stats().rttSamples(), "no sample from the retransmitted block");
    assertEquals(40 * MS, t.stats().rtoNanos(), "the backed-off RTO stays until a fresh sample");
    t.onAck(22, resent.deadline().getAsLong());
    assertEquals(21, t.stats().rttSamples());
    assertEquals(20 * MS, t.stats().rtoNanos());
  }

  @Test
  void clientTimeoutOptionCapsTheTimer() {
    TransferOptions opts = new TransferOptions(512, 1, OptionalInt.of(1), OptionalLong.empty());
    RetransmitPolicy policy = new RetransmitPolicy(Duration.ofMillis(200), Duration.ofMillis(20), Duration.ofSeconds(5),
        20, Duration.ofSeconds(10)); // a 5 s ceiling of our own
    ReadTransfer t = new ReadTransfer(5000, opts, Optional.empty(), policy);
    long deadline = t.start(T0).deadline().getAsLong();
    long longest = 0;
    for (int i = 0; i < 6; i++) {
      Step s = t.onTimer(deadline);
      longest = Math.max(longest, s.deadline().getAsLong() - deadline);
      deadline = s.deadline().getAsLong();
    }
    assertEquals(1000 * MS, longest, "never waits longer than the client's own timeout of 1 s");
  }

  @Test
  void afterTheEndEveryEventReturnsTheOutcome() {
    ReadTransfer t = plain(10);
    t.start(T0);
    t.onAck(1, T0 + MS);
    assertEquals(ReadTransfer.State.FINISHED, t.state());
    for (Step s : List.of(t.onAck(1, T0 + 2 * MS), t.onTimer(T0 + 999 * MS),
        t.onError(ErrorCode.NOT_DEFINED, "late", T0 + 3 * MS))) {
      assertEquals(List.of(), s.transmissions());
      assertEquals(Optional.of(new Outcome.Completed()), s.outcome());
    }
    assertEquals(OptionalLong.empty(), t.deadline());
  }

  @Test
  void eventsBeforeStartAreProgrammingErrors() {
    ReadTransfer t = plain(10);
    assertThrows(IllegalStateException.class, () -> t.onAck(1, T0));
    assertThrows(IllegalStateException.class, () -> t.onTimer(T0));
    t.start(T0);
    assertThrows(IllegalStateException.class, () -> t.start(T0));
    assertThrows(IllegalArgumentException.class, () -> t.onAck(65536, T0));
  }

  @Test
  void negotiationFeedsTheTransfer() {
    Negotiation n = new OptionNegotiator(OptionLimits.DEFAULT)
        .negotiate(Map.of("tsize", "0", "blksize", "1468"), OptionalLong.of(3000));
    ReadTransfer t = ReadTransfer.of(3000, n, RetransmitPolicy.DEFAULT);
    SendOack oack = assertInstanceOf(SendOack.class, t.start(T0).transmissions().get(0));
    assertEquals("3000", oack.packet().options().get("tsize"));
    assertEquals(List.of(block(1, 1, 0, 1468, false)), t.onAck(0, T0 + MS).transmissions());
  }

  private static List<Long> indexes(Step s) {
    return s.transmissions().stream().map(x -> ((SendBlock) x).index()).toList();
  }
}
