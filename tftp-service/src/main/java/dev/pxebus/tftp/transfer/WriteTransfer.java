package dev.pxebus.tftp.transfer;

import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.TftpPacket.OptionAck;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The receiver side of one TFTP write transfer (RFC 1350 with RFC 2347/2348/2349 options; lock-step — windowsize is
 * not granted for writes), as a pure state machine with an injected clock, like {@link ReadTransfer}.
 *
 * <p>DATA block k (k = last + 1) is accepted: the I/O layer stores its payload at {@code (k-1) * blksize} and sends
 * ACK k. A repeat of the last block is answered with its ACK again (the client lost our ACK; a receiver re-ACKing a
 * duplicate is correct, the Sorcerer's Apprentice concerns senders). A block shorter than blksize ends the transfer
 * once acknowledged. The timer resends the last ACK (or the OACK) on a slow fixed timeout and gives up like a read
 * transfer does.
 */
public final class WriteTransfer {
  /** What the I/O layer does after an event. */
  public enum Action {
    /** Nothing to send (an early timer, a block from the future). */
    NONE,
    /** Store the payload at {@code offset}, then send ACK {@code ack}. */
    STORE_AND_ACK,
    /** Send ACK {@code ack} again. */
    ACK_AGAIN,
    /** Send the OACK again. */
    OACK_AGAIN,
    /** Send ERROR {@code error} and stop. */
    ERROR
  }

  /**
   * @param ack wire block number to acknowledge
   * @param offset where the payload of an accepted block goes
   * @param deadline when to call {@link #onTimer}; empty once finished
   * @param outcome present when the transfer is over (after the action)
   * @param error the error to send for {@link Action#ERROR}
   */
  public record WriteStep(Action action, int ack, long offset, OptionalLong deadline, Optional<Outcome> outcome,
      Optional<ErrorCode> error, String message) {}

  private final TransferOptions options;
  private final Optional<OptionAck> oack;
  private final long maxSize;
  private final RetransmitPolicy policy;
  private final RttEstimator rtt;
  private long received; // highest block index stored (64-bit: rolls over on the wire)
  private long bytes;
  private boolean finished;
  private boolean finalReceived;
  private long deadline;
  private int retransmits;
  private long lastProgressAt;
  private long sentAt;
  private boolean resent;

  public WriteTransfer(TransferOptions options, Optional<OptionAck> oack, long maxSize, RetransmitPolicy policy) {
    this.options = options;
    this.oack = oack;
    this.maxSize = maxSize;
    this.policy = policy;
    // The client is the sender and retransmits DATA on its own timer; the server only re-ACKs after a slow, fixed
    // timeout (the read ceiling, or the client's timeout option), so a slow client never gets a stream of duplicate
    // ACKs (which would trigger the Sorcerer's Apprentice bug in clients that have it).
    long slow = policy.newEstimator(options).ceilingNanos();
    this.rtt = new RttEstimator(slow, slow, slow);
  }

  /** Sends the OACK or ACK 0. */
  public WriteStep start(long now) {
    lastProgressAt = now;
    sentAt = now;
    return step(oack.isPresent() ? Action.OACK_AGAIN : Action.ACK_AGAIN, 0, 0, now);
  }

  /** A DATA packet from the peer. */
  public WriteStep onData(int block, int length, long now) {
    if (finished) return new WriteStep(Action.NONE, 0, 0, OptionalLong.empty(), Optional.empty(), Optional.empty(), "");
    int expected = (int) ((received + 1) & 0xFFFF);
    int last = (int) (received & 0xFFFF);
    if (block == expected) {
      if (length > options.blksize()) {
        return fail(ErrorCode.ILLEGAL_OPERATION, "DATA of " + length + " bytes exceeds blksize " + options.blksize());
      }
      if (bytes + length > maxSize) {
        return fail(ErrorCode.DISK_FULL, "file larger than the " + maxSize + " bytes this server accepts");
      }
      if (!resent) rtt.sample(now - sentAt);
      long offset = received * options.blksize();
      received++;
      bytes += length;
      retransmits = 0;
      resent = false;
      lastProgressAt = now;
      sentAt = now;
      if (length < options.blksize()) {
        finalReceived = true;
        finished = true;
        return new WriteStep(Action.STORE_AND_ACK, block, offset, OptionalLong.empty(),
            Optional.of(new Outcome.Completed()), Optional.empty(), "");
      }
      return step(Action.STORE_AND_ACK, block, offset, now);
    }
    if (block == last) return step(Action.ACK_AGAIN, last, 0, now);
    return new WriteStep(Action.NONE, 0, 0, OptionalLong.of(deadline), Optional.empty(), Optional.empty(),
        "DATA " + block + " while expecting " + expected);
  }

  /** An ERROR from the peer ends the transfer. */
  public WriteStep onError(ErrorCode code, String message) {
    finished = true;
    return new WriteStep(Action.NONE, 0, 0, OptionalLong.empty(), Optional.of(new Outcome.ClientError(code, message)),
        Optional.empty(), message);
  }

  public WriteStep onTimer(long now) {
    if (finished || now - deadline < 0) {
      return new WriteStep(Action.NONE, 0, 0, finished ? OptionalLong.empty() : OptionalLong.of(deadline),
          Optional.empty(), Optional.empty(), "timer early");
    }
    if (retransmits >= policy.maxRetransmits() && now - lastProgressAt >= policy.giveUpAfter().toNanos()) {
      finished = true;
      return new WriteStep(Action.NONE, 0, 0, OptionalLong.empty(),
          Optional.of(new Outcome.TimedOut(received + 1, retransmits, false)), Optional.empty(), "gave up");
    }
    retransmits++;
    resent = true;
    rtt.backoff();
    boolean oackStage = oack.isPresent() && received == 0;
    return step(oackStage ? Action.OACK_AGAIN : Action.ACK_AGAIN, (int) (received & 0xFFFF), 0, now);
  }

  public long bytesReceived() {
    return bytes;
  }

  public boolean complete() {
    return finalReceived;
  }

  public TransferOptions options() {
    return options;
  }

  private WriteStep step(Action action, int ack, long offset, long now) {
    deadline = now + rtt.rtoNanos();
    return new WriteStep(action, ack, offset, OptionalLong.of(deadline), Optional.empty(), Optional.empty(), "");
  }

  private WriteStep fail(ErrorCode code, String message) {
    finished = true;
    return new WriteStep(Action.ERROR, 0, 0, OptionalLong.empty(), Optional.of(new Outcome.ClientError(code, message)),
        Optional.of(code), message);
  }
}
