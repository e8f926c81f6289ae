package dev.pxebus.tftp.transfer;

import static dev.pxebus.tftp.transfer.Simulation.MS;
import static dev.pxebus.tftp.transfer.Simulation.S;
import static dev.pxebus.tftp.transfer.Simulation.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.tftp.transfer.Simulation.ClientStyle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Whole transfers between {@link ReadTransfer} and a simulated client over a deterministic in-memory network:
 * lock-step and windows, chosen and random losses, delay spikes, block number rollover, a vanished client.
 */
class ReadTransferSimulationTest {
  private static final OptionLimits LIMITS = OptionLimits.DEFAULT.withMaxWindowsize(64);

  private static Simulation transfer(BlockSource source, String request, RetransmitPolicy policy) throws IOException {
    Negotiation n = new OptionNegotiator(LIMITS).negotiate(pairs(request), OptionalLong.of(source.size()));
    return new Simulation(ReadTransfer.of(source.size(), n, policy), source);
  }

  private static Simulation transfer(SyntheticSource source, String request) throws IOException {
    return transfer(source, request, RetransmitPolicy.DEFAULT);
  }

  @Test
  void cleanLinkLockStepNeverRetransmitsAndTheTimerSettlesOnTheFloor() throws IOException {
    SyntheticSource file = new SyntheticSource(1 << 20);
    Simulation sim = transfer(file, "blksize=1432 tsize=0"); // iPXE
    sim.delay = Simulation.jitter(50 * US, 1500 * US, 1); // RTT 0.1–3 ms
    sim.run();
    assertInstanceOf(Outcome.Completed.class, sim.outcome());
    sim.assertClientGotEverything(file.crc(), file.size());
    TransferStats stats = sim.stats();
    assertEquals(0, stats.retransmissions());
    assertEquals(0, stats.timeouts());
    assertEquals((1 << 20) / 1432 + 1 + 1, stats.packetsSent(), "every block once, plus the OACK");
    assertEquals(20 * MS, stats.rtoNanos(), "round trips of a few ms: the RTO sits on its 20 ms floor");
  }

  @ParameterizedTest(name = "windowsize {0}")
  @ValueSource(ints = {4, 8, 16})
  void cleanLinkWindowsNeedOneAckPerWindow(int window) throws IOException {
    SyntheticSource file = new SyntheticSource(1 << 20);
    Simulation sim = transfer(file, "tsize=0 blksize=1468 windowsize=" + window).run();
    assertInstanceOf(Outcome.Completed.class, sim.outcome());
    sim.assertClientGotEverything(file.crc(), file.size());
    long blocks = (1 << 20) / 1468 + 1;
    assertEquals(0, sim.stats().retransmissions());
    assertEquals((blocks + window - 1) / window + 1, sim.acksSent, "ACK 0, then one per window");

    Simulation lockStep = transfer(file, "tsize=0 blksize=1468").run();
    assertTrue(sim.elapsed() * (window / 2) < lockStep.elapsed(),
        "a window of " + window + " is much faster than lock-step: " + sim.elapsed() + " vs " + lockStep.elapsed());
  }

  @Test
  void lostDataBlockCostsOneRtoNotASecond() throws IOException {
    SyntheticSource file = new SyntheticSource(100 * 512);
    Simulation clean = transfer(file, "").run();
    Simulation sim = transfer(file, "");
    sim.drop = p -> p.isData(3) && p.copy() == 1;
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertEquals(1, sim.stats().retransmissions());
    assertEquals(1, sim.stats().timeouts());
    assertEquals(2, sim.sendsPerIndex.get(3L));
    long cost = sim.elapsed() - clean.elapsed();
    assertTrue(cost >= 20 * MS && cost < 22 * MS, "one RTO at the floor: " + cost / 1e6 + " ms");
  }

  @Test
  void lostAckIsRepairedByTheServerTimer() throws IOException {
    SyntheticSource file = new SyntheticSource(100 * 512);
    Simulation sim = transfer(file, "");
    sim.drop = p -> p.isAck(3) && p.copy() == 1;
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertEquals(1, sim.stats().retransmissions(), "block 3 once more; the client re-ACKs the duplicate");
    assertEquals(2, sim.sendsPerIndex.get(3L));
    assertEquals(1, sim.sendsPerIndex.get(4L), "its re-ACK must not make block 4 go twice");
  }

  @Test
  void sorcerersApprenticeDelayedAckCausesOneRetransmissionNotADoublingCascade() throws IOException {
    SyntheticSource file = new SyntheticSource(200 * 512);
    Simulation sim = transfer(file, "");
    // ACK 50 is delayed just past the 20 ms RTO: the server resends 50, the late ACK 50 arrives and 51 goes out,
    // then the client's ACK of the duplicate DATA 50 arrives — a duplicate ACK 50 while 51 is in flight. RFC 1350's
    // naive "resend on ACK of the previous block" would send 51 twice, then every later block twice, for ever
    // (RFC 1123 §4.2.3.1).
    sim.delay = p -> p.isAck(50) && p.copy() == 1 ? 20 * MS : 250 * US;
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertEquals(1, sim.stats().retransmissions());
    assertEquals(1, sim.stats().duplicateAcks());
    assertEquals(0, sim.retransmissionsFromAcks, "no ACK caused a resend");
    for (long i = 1; i <= 201; i++) {
      assertEquals(i == 50 ? 2 : 1, sim.sendsPerIndex.get(i), "block " + i);
    }
  }

  @Test
  void windowRollbackAfterAMidWindowLossEdk2Style() throws IOException {
    SyntheticSource file = new SyntheticSource(40 * 1468 + 7);
    Simulation sim = transfer(file, "blksize=1468 windowsize=4");
    sim.style = ClientStyle.ACK_UNEXPECTED; // EDK2: ACK 5 on receiving 7, again on 8
    sim.drop = p -> p.isData(6) && p.copy() == 1;
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    TransferStats stats = sim.stats();
    assertEquals(1, stats.rollbacks());
    assertEquals(0, stats.timeouts(), "no wait for the timer");
    assertEquals(3, stats.retransmissions(), "6, 7 and 8 once more, nothing else");
    assertEquals(1, stats.duplicateAcks(), "the second ACK 5 is a duplicate and sends nothing");
    assertEquals(0, sim.sendsFromTimer);
  }

  @Test
  void lossOfTheFirstBlockOfAWindowWaitsForTheTimerBecauseOnlyDuplicatesCome() throws IOException {
    SyntheticSource file = new SyntheticSource(40 * 1468 + 7);
    Simulation sim = transfer(file, "blksize=1468 windowsize=4");
    sim.drop = p -> p.isData(5) && p.copy() == 1; // client gets 6, 7, 8: ACK 4 three times, all duplicates
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    TransferStats stats = sim.stats();
    assertEquals(3, stats.duplicateAcks());
    assertEquals(1, stats.timeouts());
    assertEquals(4, stats.retransmissions(), "the window 5..8 once more");
    assertEquals(0, sim.retransmissionsFromAcks, "duplicate ACKs caused no resend");
  }

  @Test
  void lossOfTheLastBlockOfAWindowConvergesWithoutRepeatedBursts() throws IOException {
    SyntheticSource file = new SyntheticSource(40 * 1468 + 7);
    Simulation sim = transfer(file, "blksize=1468 windowsize=4");
    sim.drop = p -> p.isData(8) && p.copy() == 1; // no gap visible to the client: silence until the timer
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertEquals(1, sim.stats().timeouts());
    assertEquals(4, sim.stats().retransmissions(), "only the timer's burst: the ACKs it provokes do not add more");
  }

  @Test
  void quietClientThatOnlyAcksOnItsOwnTimeoutIsStillRepairedAtServerSpeed() throws IOException {
    SyntheticSource file = new SyntheticSource(64 * 1468 + 1);
    Simulation clean = transfer(file, "blksize=1468 windowsize=8").run();
    Simulation sim = transfer(file, "blksize=1468 windowsize=8");
    sim.style = ClientStyle.QUIET;
    sim.drop = p -> p.isData(10) && p.copy() == 1;
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertEquals(1, sim.stats().timeouts());
    assertTrue(sim.elapsed() - clean.elapsed() < 25 * MS, "the server's 20 ms timer, not the client's 1 s");
  }

  @Test
  void consecutiveLossesOfOneBlockBackOffExponentially() throws IOException {
    SyntheticSource file = new SyntheticSource(100 * 512);
    Simulation sim = transfer(file, "");
    sim.drop = p -> p.isData(40) && p.copy() <= 3;
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertEquals(3, sim.stats().timeouts());
    assertEquals(java.util.List.of(40 * MS, 80 * MS, 160 * MS), sim.timerIntervals, "20 ms floor, doubled each time");
  }

  @Test
  void rolloverPastBlock65535AtBlksize512() throws IOException {
    long size = 34L << 20; // 34 MiB: 69633 blocks of 512 bytes, the last one empty
    SyntheticSource file = new SyntheticSource(size);
    Simulation sim = transfer(file, "tsize=0");
    sim.run();
    assertInstanceOf(Outcome.Completed.class, sim.outcome());
    sim.assertClientGotEverything(file.crc(), size);
    assertEquals(size / 512 + 1, sim.acceptedWireBlocks.size());
    assertEquals(65535, sim.acceptedWireBlocks.get(65534));
    assertEquals(0, sim.acceptedWireBlocks.get(65535), "after 65535 comes 0");
    assertEquals(1, sim.acceptedWireBlocks.get(65536));
    assertEquals(0, sim.stats().retransmissions());
  }

  @Test
  void rolloverWithWindowsAndRandomLoss() throws IOException {
    long size = 70_000L * 512 + 100;
    SyntheticSource file = new SyntheticSource(size);
    Simulation sim = transfer(file, "windowsize=16");
    sim.drop = Simulation.randomLoss(0.01, 42);
    sim.run();
    assertInstanceOf(Outcome.Completed.class, sim.outcome());
    sim.assertClientGotEverything(file.crc(), size);
    assertTrue(sim.stats().retransmissions() > 0);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void fivePercentLossOn256KibIsAtLeastFiveTimesFasterThanAOneSecondTimer(int seed) throws IOException {
    SyntheticSource file = new SyntheticSource(256 * 1024);
    Simulation adaptive = transfer(file, "");
    adaptive.drop = Simulation.randomLoss(0.05, seed);
    adaptive.run();
    adaptive.assertClientGotEverything(file.crc(), file.size());

    // tftpd-hpa's behaviour: a fixed one-second retransmission timer
    Simulation classic = transfer(file, "", RetransmitPolicy.fixed(Duration.ofSeconds(1), 10));
    classic.drop = Simulation.randomLoss(0.05, seed);
    classic.run();
    classic.assertClientGotEverything(file.crc(), file.size());

    assertTrue(adaptive.dropped > 20, "the link really lost packets: " + adaptive.dropped);
    assertTrue(adaptive.elapsed() * 5 <= classic.elapsed(),
        "adaptive " + adaptive.elapsed() / 1e6 + " ms vs fixed 1 s timer " + classic.elapsed() / 1e6 + " ms");
    assertTrue(adaptive.elapsed() < 3 * S, "absolute: " + adaptive.elapsed() / 1e6 + " ms");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void edk2WindowOf4At5PercentLossIsAlsoAtLeastFiveTimesFaster(int seed) throws IOException {
    SyntheticSource file = new SyntheticSource(256 * 1024);
    Simulation adaptive = transfer(file, "blksize=1468 windowsize=4");
    adaptive.drop = Simulation.randomLoss(0.05, seed);
    adaptive.run();
    adaptive.assertClientGotEverything(file.crc(), file.size());
    Simulation classic = transfer(file, "blksize=1468 windowsize=4", RetransmitPolicy.fixed(Duration.ofSeconds(1), 10));
    classic.drop = Simulation.randomLoss(0.05, seed);
    classic.run();
    classic.assertClientGotEverything(file.crc(), file.size());
    assertTrue(adaptive.elapsed() * 5 <= classic.elapsed(),
        "adaptive " + adaptive.elapsed() / 1e6 + " ms vs fixed 1 s timer " + classic.elapsed() / 1e6 + " ms");
  }

  // --- atftp 0.8.0, whose packet sequences under loss the namespace test met (TftpNetworkTest)

  @Test
  void atftpWhoseWindowAckAndExtraAckAreBothLostIsSentTheNextBlock() throws IOException {
    SyntheticSource file = new SyntheticSource(256 * 1024);
    Simulation sim = transfer(file, "blksize=1468 windowsize=8").likeAtftp();
    // ACK 8 lost; the timer resends 1..8; atftp answers DATA 1 with one extra ACK 8, lost too, and ignores the rest.
    // From then on it takes only DATA 9: resending 1..8 every RTO keeps its own 5 s timer from ever firing.
    sim.drop = p -> p.isAck(8) && p.copy() <= 2;
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertInstanceOf(Outcome.Completed.class, sim.outcome());
    assertTrue(sim.elapsed() < 1 * S, "repaired at the server's pace, not atftp's 5 s: " + sim.elapsed() / 1e6 + " ms");
  }

  @Test
  void atftpLockStepWhoseAckAndExtraAckAreBothLostIsSentTheNextBlock() throws IOException {
    SyntheticSource file = new SyntheticSource(256 * 1024);
    Simulation sim = transfer(file, "blksize=1468").likeAtftp();
    sim.drop = p -> p.isAck(5) && p.copy() <= 2;
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertInstanceOf(Outcome.Completed.class, sim.outcome());
    assertTrue(sim.elapsed() < 1 * S, "repaired at the server's pace: " + sim.elapsed() / 1e6 + " ms");
  }

  @Test
  void atftpWhoseOackAndThenAck0AreLostSeesOnlyOneOack() throws IOException {
    SyntheticSource file = new SyntheticSource(256 * 1024);
    Simulation sim = transfer(file, "blksize=1468 windowsize=8").likeAtftp();
    // OACK lost: atftp repeats its RRQ after 5 s, the OACK answers it at once; that ACK 0 is lost, and atftp repeats
    // ACK 0 5 s later. An OACK from the server's timer in between would be atftp's second: "unexpected OACK".
    sim.drop = p -> p.isOack() && p.copy() == 1 || p.isAck(0) && p.copy() == 1;
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertInstanceOf(Outcome.Completed.class, sim.outcome());
    assertEquals(1, sim.oacksReceived);
  }

  @Test
  void atftpWhoseAck0AndItsRetransmissionAreLostSeesOnlyOneOack() throws IOException {
    SyntheticSource file = new SyntheticSource(256 * 1024);
    Simulation sim = transfer(file, "blksize=1468 windowsize=8").likeAtftp();
    sim.drop = p -> p.isAck(0) && p.copy() <= 2; // ACK 0 at 0 s and again at 5 s; the one at 10 s arrives
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertInstanceOf(Outcome.Completed.class, sim.outcome());
    assertEquals(1, sim.oacksReceived);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void atftpWindowOf8At5PercentLossCompletes(int seed) throws IOException {
    SyntheticSource file = new SyntheticSource(256 * 1024);
    Simulation sim = transfer(file, "blksize=1468 windowsize=8").likeAtftp();
    sim.drop = Simulation.randomLoss(0.05, seed);
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertFalse(sim.clientGaveUp);
    assertCompletedOrFinalAckLost(sim, file.size() / 1468 + 1);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void atftpLockStepAt5PercentLossCompletes(int seed) throws IOException {
    SyntheticSource file = new SyntheticSource(256 * 1024);
    Simulation sim = transfer(file, "blksize=1468").likeAtftp();
    sim.drop = Simulation.randomLoss(0.05, seed);
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertFalse(sim.clientGaveUp);
    assertCompletedOrFinalAckLost(sim, file.size() / 1468 + 1);
  }

  /** atftp exits after its last ACK: when that is lost, the server retransmits into the void and gives up. */
  private static void assertCompletedOrFinalAckLost(Simulation sim, long blocks) {
    Outcome outcome = sim.outcome();
    assertTrue(outcome instanceof Outcome.Completed || outcome instanceof Outcome.TimedOut t && t.index() == blocks,
        "outcome " + outcome);
  }

  @Test
  void slowLinkAdaptsAfterTheFirstPacketAndThenNeverResendsEarly() throws IOException {
    SyntheticSource file = new SyntheticSource(300 * 1432);
    Simulation sim = transfer(file, "blksize=1432");
    sim.delay = Simulation.jitter(100 * MS, 200 * MS, 9); // RTT 200–400 ms: a loaded VM, or far away
    sim.run();
    sim.assertClientGotEverything(file.crc(), file.size());
    assertTrue(sim.stats().retransmissions() <= 1, "at most the first packet, sent before any measurement: "
        + sim.stats().retransmissions());
    assertTrue(sim.stats().rtoNanos() > 400 * MS);
  }

  @Test
  void vanishedClientTimesOutWithinTheGiveUpBudget() throws IOException {
    SyntheticSource file = new SyntheticSource(100 * 512);
    Simulation sim = transfer(file, "");
    sim.drop = p -> !p.toClient() && p.index() >= 10; // the client powered off after ACK 9
    sim.clientMaxRetries = 0;
    sim.run();
    Outcome.TimedOut out = assertInstanceOf(Outcome.TimedOut.class, sim.outcome());
    assertEquals(10, out.index());
    assertTrue(out.retransmissions() >= RetransmitPolicy.DEFAULT_MAX_RETRANSMITS);
    long waited = sim.elapsed() - 10 * 500 * US;
    assertTrue(waited >= 10 * S && waited < 13 * S, "gave up after ~10 s without progress: " + waited / 1e6 + " ms");
  }

  @Test
  void edk2TsizeProbeEndsAsAbortedAfterOack() throws IOException {
    SyntheticSource file = new SyntheticSource(173_792);
    Simulation sim = transfer(file, "tsize=0 blksize=1468 windowsize=4");
    sim.clientAbortsOack = Simulation.userAborted();
    sim.run();
    assertEquals(new Outcome.AbortedAfterOack("User aborted the transfer"), sim.outcome());
    assertEquals(1, sim.stats().packetsSent(), "just the OACK");
  }

  @Test
  void netasciiTransferDeliversTheConvertedBytesAndTsizeSaysSo() throws IOException {
    StringBuilder text = new StringBuilder();
    IntStream.range(0, 3000).forEach(i -> text.append("LABEL entry").append(i).append(i % 7 == 0 ? "\r\n" : "\n"));
    byte[] raw = text.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] converted = NetasciiBlockSourceTest.convert(raw);
    NetasciiBlockSource source = new NetasciiBlockSource(BlockSource.of(raw));
    Negotiation n = new OptionNegotiator(LIMITS).negotiate(pairs("tsize=0 blksize=1408"),
        OptionalLong.of(source.size()));
    assertEquals(String.valueOf(converted.length), n.oack().orElseThrow().options().get("tsize"));
    Simulation sim = new Simulation(ReadTransfer.of(source.size(), n, RetransmitPolicy.DEFAULT), source);
    sim.drop = Simulation.randomLoss(0.05, 3); // retransmissions read earlier offsets again
    sim.run();
    CRC32 crc = new CRC32();
    crc.update(converted);
    sim.assertClientGotEverything(crc.getValue(), converted.length);
  }

  private static Map<String, String> pairs(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    if (text.isEmpty()) return m;
    for (String kv : text.split(" ")) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return m;
  }
}
