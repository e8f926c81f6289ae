package dev.pxebus.tftp.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.TftpPacket.OptionAck;
import dev.pxebus.tftp.transfer.WriteTransfer.Action;
import dev.pxebus.tftp.transfer.WriteTransfer.WriteStep;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WriteTransferTest {
  private static final long MS = 1_000_000L;
  private static final RetransmitPolicy POLICY = RetransmitPolicy.DEFAULT;

  private static WriteTransfer lockStep(long max) {
    return new WriteTransfer(TransferOptions.of(512, 1), Optional.empty(), max, POLICY);
  }

  @Test
  void blocksAreStoredInOrderAndAShortBlockEndsTheTransfer() {
    WriteTransfer t = lockStep(1 << 20);
    assertEquals(Action.ACK_AGAIN, t.start(0).action(), "ACK 0 answers the WRQ");
    WriteStep s1 = t.onData(1, 512, MS);
    assertEquals(Action.STORE_AND_ACK, s1.action());
    assertEquals(0, s1.offset());
    WriteStep s2 = t.onData(2, 100, 2 * MS);
    assertEquals(Action.STORE_AND_ACK, s2.action());
    assertEquals(512, s2.offset());
    assertEquals(Optional.of(new Outcome.Completed()), s2.outcome());
    assertEquals(612, t.bytesReceived());
    assertTrue(t.complete());
  }

  @Test
  void aRepeatedBlockIsAcknowledgedAgainAndAFutureOneIgnored() {
    WriteTransfer t = lockStep(1 << 20);
    t.start(0);
    t.onData(1, 512, MS);
    WriteStep again = t.onData(1, 512, 2 * MS);
    assertEquals(Action.ACK_AGAIN, again.action());
    assertEquals(1, again.ack());
    assertEquals(Action.NONE, t.onData(5, 512, 3 * MS).action());
    assertEquals(512, t.bytesReceived(), "nothing stored twice");
  }

  @Test
  void theSizeLimitEndsTheTransferWithDiskFull() {
    WriteTransfer t = lockStep(1000);
    t.start(0);
    t.onData(1, 512, MS);
    WriteStep s = t.onData(2, 512, 2 * MS);
    assertEquals(Action.ERROR, s.action());
    assertEquals(Optional.of(ErrorCode.DISK_FULL), s.error());
  }

  @Test
  void blockNumbersRollOver() {
    WriteTransfer t = lockStep(Long.MAX_VALUE);
    t.start(0);
    for (int i = 1; i <= 65536 + 2; i++) {
      WriteStep s = t.onData(i & 0xFFFF, 512, i * MS);
      assertEquals(Action.STORE_AND_ACK, s.action(), "block " + i);
      assertEquals((long) (i - 1) * 512, s.offset());
    }
  }

  @Test
  void theTimerResendsSlowlyAndGivesUp() {
    WriteTransfer t = new WriteTransfer(TransferOptions.of(1468, 1), Optional.of(new OptionAck(Map.of("blksize",
        "1468"))), 1 << 20, POLICY.withGiveUpAfter(Duration.ZERO));
    long deadline = t.start(0).deadline().getAsLong();
    assertEquals(POLICY.maxRto().toNanos(), deadline, "a receiver re-ACKs only after the slow timeout");
    assertEquals(Action.NONE, t.onTimer(deadline - 1).action());
    WriteStep s = t.onTimer(deadline);
    assertEquals(Action.OACK_AGAIN, s.action(), "no DATA yet: the OACK again");
    long now = deadline;
    for (int i = 1; i < POLICY.maxRetransmits(); i++) {
      now = s.deadline().getAsLong();
      s = t.onTimer(now);
    }
    s = t.onTimer(s.deadline().getAsLong());
    assertTrue(s.outcome().orElseThrow() instanceof Outcome.TimedOut, s.toString());
  }
}
