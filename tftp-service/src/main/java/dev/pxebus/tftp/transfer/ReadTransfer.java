package dev.pxebus.tftp.transfer;

import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.TftpPacket.OptionAck;
import dev.pxebus.tftp.transfer.Transmission.SendBlock;
import dev.pxebus.tftp.transfer.Transmission.SendOack;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The sender side of one TFTP read transfer (RFC 1350, with RFC 2347 OACK and RFC 7440 windows), as a pure state
 * machine: events in ({@link #start}, {@link #onAck}, {@link #onError}, {@link #onTimer}, each with the current
 * {@code System.nanoTime()}), a {@link Step} out (packets to send, the next timer deadline, or the end). It does no
 * I/O, reads no clock and holds no file: a {@link Transmission.SendBlock} says which bytes to send, the I/O layer reads
 * them from its {@link BlockSource}. One instance per transfer, driven from one thread.
 *
 * <p>Behaviour:
 * <ul>
 *   <li>With an OACK, it is sent first and DATA starts when ACK 0 arrives (RFC 2347). ERROR 8 in answer to the OACK
 *       ends the transfer as {@link Outcome.AbortedAfterOack} (EDK2's tsize probe), any other ERROR as
 *       {@link Outcome.ClientError}.</li>
 *   <li>Blocks are numbered by a 64-bit index internally; on the wire the number rolls over from 65535 to 0 (as
 *       tftp-hpa, atftp and curl do), and an ACK's 16-bit number is read relative to the window, so transfers of any
 *       length work.</li>
 *   <li>The last block is shorter than blksize, and empty when the size is a multiple of blksize (RFC 1350 §6).</li>
 *   <li>Up to windowsize blocks are in flight (RFC 7440). An ACK for block k acknowledges everything up to k; if k is
 *       before the last block sent, the client lost k+1 and discarded what followed, so the window restarts at k+1
 *       (rollback) — unless a resend burst went out less than an RTO ago: then the ACK may be the client's answer to
 *       a duplicate from that burst, k+1 may be in flight, and the window only slides on (the timer covers a real
 *       loss). At most one resend burst per RTO, whatever the client does.</li>
 *   <li>A duplicate ACK (the block already acknowledged) never causes a send: answering duplicates is the Sorcerer's
 *       Apprentice bug (RFC 1123 §4.2.3.1), and with EDK2, which ACKs every out-of-order block, even a once-per-RTO
 *       duplicate-triggered resend would feed on its own duplicates. Only the timer retransmits. An ACK for a block
 *       not sent yet, or acknowledged long ago, is ignored.</li>
 *   <li>The timer is RFC 6298's ({@link RttEstimator}): one round-trip sample per burst, from its last block, never
 *       from a retransmitted one (Karn); restarted whenever an ACK makes progress; on expiry the whole unacknowledged
 *       window (or the OACK) is resent and the timeout doubled. The client's {@code timeout} option caps it.</li>
 *   <li>It gives up ({@link Outcome.TimedOut}) when the oldest unacknowledged packet has been retransmitted
 *       {@link RetransmitPolicy#maxRetransmits()} times and {@link RetransmitPolicy#giveUpAfter()} has passed with no
 *       progress.</li>
 * </ul>
 */
public final class ReadTransfer {
  /** Where the transfer is. */
  public enum State { NEW, AWAITING_OACK_ACK, SENDING, FINISHED }

  private static final long NOT_TIMED = -1;
  private static final long NEVER = Long.MIN_VALUE;

  private final long size;
  private final TransferOptions options;
  private final Optional<OptionAck> oack;
  private final RetransmitPolicy policy;
  private final RttEstimator rtt;
  private final int blksize;
  private final int window;
  private final long lastIndex;
  private final long giveUpAfterNanos;

  private State state = State.NEW;
  /** Highest block index the client has acknowledged (cumulative); 0 before any. */
  private long acked;
  /** Highest block index sent so far. */
  private long sentHigh;
  private long deadline;
  /** Timer-driven retransmissions since the last progress. */
  private int retransmitsOfOldest;
  private long lastProgressAt;
  /** The packet being timed for an RTT sample (0 = the OACK), or NOT_TIMED. */
  private long timedIndex = NOT_TIMED;
  private long timedSentAt;
  /** When the last resend burst (timer or rollback) went out; at most one rollback per RTO after it. */
  private long lastResendAt = NEVER;
  private Outcome outcome;
  private long startedAt;
  private long lastEventAt;

  private long packetsSent;
  private long retransmissions;
  private long payloadBytesSent;
  private long timeouts;
  private long rollbacks;
  private long duplicateAcks;
  private long unexpectedAcks;

  /**
   * @param size bytes the client will receive (for netascii: the converted size)
   * @param options the negotiated options
   * @param oack the OACK to send first, if negotiation acknowledged anything
   * @param policy retransmission bounds
   */
  public ReadTransfer(long size, TransferOptions options, Optional<OptionAck> oack, RetransmitPolicy policy) {
    this(size, options, oack, policy, policy.newEstimator(options));
  }

  /** As above with a given estimator (for instance one seeded from an earlier transfer to the same client). */
  public ReadTransfer(
      long size, TransferOptions options, Optional<OptionAck> oack, RetransmitPolicy policy, RttEstimator rtt) {
    if (size < 0) throw new IllegalArgumentException("negative size");
    this.size = size;
    this.options = options;
    this.oack = oack;
    this.policy = policy;
    this.rtt = rtt;
    this.blksize = options.blksize();
    this.window = options.windowsize();
    this.lastIndex = size / blksize + 1;
    this.giveUpAfterNanos = policy.giveUpAfter().toNanos();
  }

  /** The transfer for a negotiation's result. */
  public static ReadTransfer of(long size, Negotiation negotiation, RetransmitPolicy policy) {
    return new ReadTransfer(size, negotiation.options(), negotiation.oack(), policy);
  }

  /** Sends the OACK, or the first window of DATA when there is none. Once, first. */
  public Step start(long now) {
    if (state != State.NEW) throw new IllegalStateException("already started");
    startedAt = now;
    lastEventAt = now;
    lastProgressAt = now;
    List<Transmission> out = new ArrayList<>();
    if (oack.isPresent()) {
      state = State.AWAITING_OACK_ACK;
      out.add(new SendOack(oack.get(), false));
      packetsSent++;
      timedIndex = 0;
      timedSentAt = now;
    } else {
      state = State.SENDING;
      sendRange(1, Math.min(window, lastIndex), now, out);
    }
    return armed(out, now);
  }

  /** An ACK from the client (already checked to come from the transfer's peer). */
  public Step onAck(int block, long now) {
    if (block < 0 || block > 0xFFFF) throw new IllegalArgumentException("block number out of 0..65535: " + block);
    if (state == State.FINISHED) return ended();
    requireStarted();
    lastEventAt = now;
    if (state == State.AWAITING_OACK_ACK) {
      if (block != 0) {
        unexpectedAcks++;
        return unchanged("ACK " + block + " while waiting for ACK 0 of the OACK");
      }
      if (timedIndex == 0) rtt.sample(now - timedSentAt);
      timedIndex = NOT_TIMED;
      progress(now);
      state = State.SENDING;
      List<Transmission> out = new ArrayList<>();
      sendRange(1, Math.min(window, lastIndex), now, out);
      return armed(out, now);
    }

    int diff = (block - (int) (acked & 0xFFFF)) & 0xFFFF;
    if (diff == 0) {
      duplicateAcks++;
      return unchanged("duplicate ACK " + block);
    }
    if (diff > sentHigh - acked) {
      unexpectedAcks++;
      return unchanged("ACK " + block + " is outside the window (acknowledged up to index " + acked
          + ", sent up to " + sentHigh + ")");
    }
    long index = acked + diff;
    if (timedIndex > 0 && index >= timedIndex) {
      rtt.sample(now - timedSentAt);
      timedIndex = NOT_TIMED;
    }
    acked = index;
    progress(now);
    if (acked == lastIndex) return finish(new Outcome.Completed(), now);

    List<Transmission> out = new ArrayList<>();
    long to = Math.min(acked + window, lastIndex);
    if (acked < sentHigh && (lastResendAt == NEVER || now - lastResendAt >= rtt.rtoNanos())) {
      // RFC 7440: the client acknowledges the last block it got in order; what followed is lost or discarded.
      rollbacks++;
      lastResendAt = now;
      sendRange(acked + 1, to, now, out);
    } else {
      // In order, or within an RTO of the last resend burst: this ACK may answer a duplicate from that burst (EDK2
      // ACKs every unexpected block), so what follows k may well be in flight. Only slide; the timer covers losses.
      sendRange(sentHigh + 1, to, now, out);
    }
    return armed(out, now);
  }

  /** An ERROR from the client: the transfer ends (RFC 1350 §7: no retransmission, no reply). */
  public Step onError(ErrorCode code, String message, long now) {
    if (state == State.FINISHED) return ended();
    requireStarted();
    lastEventAt = now;
    if (state == State.AWAITING_OACK_ACK && code.equals(ErrorCode.OPTION_REFUSED)) {
      return finish(new Outcome.AbortedAfterOack(message), now);
    }
    return finish(new Outcome.ClientError(code, message), now);
  }

  /**
   * The timer fired. Harmless when early or stale (a timer the I/O layer did not cancel): nothing happens before
   * the current deadline.
   */
  public Step onTimer(long now) {
    if (state == State.FINISHED) return ended();
    requireStarted();
    lastEventAt = now;
    if (now - deadline < 0) return unchanged("timer before the deadline");
    timeouts++;
    if (retransmitsOfOldest >= policy.maxRetransmits() && now - lastProgressAt >= giveUpAfterNanos) {
      long oldest = state == State.AWAITING_OACK_ACK ? 0 : acked + 1;
      return finish(new Outcome.TimedOut(oldest, retransmitsOfOldest, sentHigh == lastIndex), now);
    }
    retransmitsOfOldest++;
    rtt.backoff();
    List<Transmission> out = new ArrayList<>();
    if (state == State.AWAITING_OACK_ACK) {
      out.add(new SendOack(oack.orElseThrow(), true));
      packetsSent++;
      retransmissions++;
      timedIndex = NOT_TIMED;
    } else {
      lastResendAt = now;
      sendRange(acked + 1, sentHigh, now, out);
    }
    return armed(out, now);
  }

  public State state() {
    return state;
  }

  public Optional<Outcome> outcome() {
    return Optional.ofNullable(outcome);
  }

  public TransferOptions options() {
    return options;
  }

  public long size() {
    return size;
  }

  /** Number of DATA blocks in the transfer: size / blksize + 1. */
  public long blockCount() {
    return lastIndex;
  }

  /** The highest block index acknowledged so far. */
  public long acknowledgedIndex() {
    return acked;
  }

  /** The current timer deadline; empty before start and after the end. */
  public OptionalLong deadline() {
    return state == State.AWAITING_OACK_ACK || state == State.SENDING ? OptionalLong.of(deadline) : OptionalLong.empty();
  }

  /** The transfer's estimator (e.g. to seed the next transfer to the same client); do not feed it samples. */
  public RttEstimator rtt() {
    return rtt;
  }

  public TransferStats stats() {
    long ackedBytes = acked >= lastIndex ? size : Math.min(size, acked * blksize);
    return new TransferStats(packetsSent, retransmissions, payloadBytesSent, ackedBytes, timeouts, rollbacks,
        duplicateAcks, unexpectedAcks, rtt.samples(), rtt.srttNanos(), rtt.rtoNanos(), lastEventAt - startedAt);
  }

  private void sendRange(long from, long to, long now, List<Transmission> out) {
    for (long index = from; index <= to; index++) {
      boolean again = index <= sentHigh;
      long offset = (index - 1) * blksize;
      int length = (int) Math.min(blksize, size - offset);
      out.add(new SendBlock((int) (index & 0xFFFF), index, offset, length, again));
      packetsSent++;
      payloadBytesSent += length;
      if (again) {
        retransmissions++;
        if (timedIndex != NOT_TIMED && index <= timedIndex) timedIndex = NOT_TIMED; // Karn's rule
      }
    }
    if (to > sentHigh) {
      sentHigh = to;
      timedIndex = to; // the burst's last block triggers the client's ACK
      timedSentAt = now;
    }
  }

  private void progress(long now) {
    retransmitsOfOldest = 0;
    lastProgressAt = now;
  }

  private Step armed(List<Transmission> out, long now) {
    deadline = now + rtt.rtoNanos();
    return new Step(out, OptionalLong.of(deadline), Optional.empty(), Optional.empty());
  }

  private Step unchanged(String why) {
    return new Step(List.of(), OptionalLong.of(deadline), Optional.empty(), Optional.of(why));
  }

  private Step finish(Outcome end, long now) {
    state = State.FINISHED;
    outcome = end;
    lastEventAt = now;
    return ended();
  }

  private Step ended() {
    return new Step(List.of(), OptionalLong.empty(), Optional.of(outcome), Optional.empty());
  }

  private void requireStarted() {
    if (state == State.NEW) throw new IllegalStateException("not started");
  }
}
