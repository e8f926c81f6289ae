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
 *       {@link Outcome.ClientError}. A repeated request ({@link #onRequestRepeated}) is answered with the OACK at
 *       once; the timer resends it only after two of the client's own retransmission periods (see
 *       {@link #OACK_RETRANSMIT_FLOOR_NANOS}).</li>
 *   <li>Blocks are numbered by a 64-bit index internally; on the wire the number rolls over from 65535 to 0 (as
 *       tftp-hpa, atftp and curl do), and an ACK's 16-bit number is read relative to the window, so transfers of any
 *       length work.</li>
 *   <li>The last block is shorter than blksize, and empty when the size is a multiple of blksize (RFC 1350 §6).</li>
 *   <li>Up to windowsize blocks are in flight (RFC 7440). An ACK for block k acknowledges everything up to k; if k is
 *       before the last block sent, the client lost k+1 and discarded what followed, so the window restarts at k+1
 *       (rollback) — unless k+1 went out in a resend burst less than an RTO ago: then the ACK may be the client's
 *       answer to a duplicate from that burst (EDK2 ACKs every unexpected block), k+1 is probably in flight right
 *       behind it, and the window only slides on; the timer covers a real loss. Without this, every resend burst
 *       provokes ACKs that provoke the next one, and a window goes out twice for the rest of the transfer.</li>
 *   <li>A duplicate ACK (the block already acknowledged) never causes a send: answering duplicates is the Sorcerer's
 *       Apprentice bug (RFC 1123 §4.2.3.1), and with EDK2, which ACKs every out-of-order block, even a once-per-RTO
 *       duplicate-triggered resend would feed on its own duplicates. Only the timer retransmits. An ACK for a block
 *       not sent yet, or acknowledged long ago, is ignored.</li>
 *   <li>The timer is RFC 6298's ({@link RttEstimator}): a round-trip sample from every ACK that makes progress,
 *       measured from the newest block it acknowledges that was sent only once (Karn's rule per block); restarted
 *       whenever an ACK makes progress; on expiry the whole unacknowledged window (or the OACK) is resent and the
 *       timeout doubled, until the next sample. The client's {@code timeout} option caps it.</li>
 *   <li>Lock-step, a first timeout is watched: if the client then ACKs the resent block twice, the second right
 *       behind the first, both copies arrived and the timeout was spurious (the client had only not run for a while).
 *       The estimator is re-seeded with that round trip ({@link RttEstimator#spuriousTimeout}, RFC 4015's response)
 *       and the block in flight gets as long; the duplicate still sends nothing.</li>
 *   <li>From the second expiry in a row on, the burst starts with the block after the last one sent (a probe, up to
 *       {@link #MAX_PROBES} beyond the window). A receiver that has the whole window and whose ACK and re-ACK were
 *       both lost can take only that block: atftp 0.8.0 answers only the first unexpected block with an ACK and
 *       then ignores unexpected blocks until the expected one comes, and every ignored block also restarts its
 *       timer, so resending the window alone would never get an answer. Receivers missing a block of the window
 *       find it behind the probe, as before.</li>
 *   <li>It gives up ({@link Outcome.TimedOut}) when the oldest unacknowledged packet has been retransmitted
 *       {@link RetransmitPolicy#maxRetransmits()} times and {@link RetransmitPolicy#giveUpAfter()} has passed with no
 *       progress.</li>
 * </ul>
 */
public final class ReadTransfer {
  /** Where the transfer is. */
  public enum State { NEW, AWAITING_OACK_ACK, SENDING, FINISHED }

  /** The client's retransmission timeout when it names none: atftp's, tftp-hpa's and curl's default. */
  public static final long DEFAULT_CLIENT_TIMEOUT_NANOS = 5_000_000_000L;

  private static final long SECOND_NANOS = 1_000_000_000L;
  /** Upper bound of the OACK timer, whatever the client's timeout (RFC 6298 §2.5's 60 s). */
  private static final long OACK_RETRANSMIT_CEILING_NANOS = 60 * SECOND_NANOS;

  /**
   * The OACK is resent on a slow timer only. Every client retransmits its own last packet: a lost OACK brings the
   * RRQ again (answered with the OACK at once, from the same port, see {@link #onRequestRepeated}) and a lost ACK 0
   * brings ACK 0 again. A timer resend can only add a second OACK, which atftp treats as fatal ("unexpected OACK":
   * ERROR, abort) — also when it is the answer to a lost ACK 0 whose first retransmission was lost as well. So the
   * timer waits out two of the client's retransmission periods and a second: 11 s for the 5 s period of atftp,
   * tftp-hpa and curl ({@link #DEFAULT_CLIENT_TIMEOUT_NANOS}), or twice the client's {@code timeout} option and a
   * second (RFC 2349; at most 60 s). A client that does not repeat ACK 0 still gets the OACK again well within a
   * patient reader's limit (GRUB gives up reading after about 32 s).
   */
  public static final long OACK_RETRANSMIT_FLOOR_NANOS = oackRetransmitNanos(DEFAULT_CLIENT_TIMEOUT_NANOS);

  /** Blocks a transfer may send beyond its window as probes, while no ACK comes (see the class comment). */
  public static final int MAX_PROBES = 8;

  private static final long NOT_TIMED = -1;
  private static final long NOT_WATCHING = -1;
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
  private final long oackRetransmitNanos;

  private State state = State.NEW;
  /** Highest block index the client has acknowledged (cumulative); 0 before any. */
  private long acked;
  /** Highest block index sent so far. */
  private long sentHigh;
  private long deadline;
  /** Timer-driven retransmissions since the last progress. */
  private int retransmitsOfOldest;
  private long lastProgressAt;
  /** When the OACK went out, while it can still give an RTT sample (sent once, not yet acknowledged). */
  private long oackSentAt = NOT_TIMED;
  /**
   * For the blocks in flight, (acked, sentHigh] — at most a window and its probes — by index modulo that: when each
   * was first sent and whether it was sent again. An ACK yields an RTT sample from the newest block it acknowledges
   * that went out only once (Karn's rule, applied per block as Linux TCP does), so losses elsewhere in a window do
   * not starve the estimator.
   */
  private final long[] sentAt;
  private final boolean[] resent;
  /** The last burst that resent blocks (timer or rollback): when, and which blocks it carried. */
  private long lastResendAt = NEVER;
  private long lastResendFrom;
  private long lastResendTo;
  /**
   * Lock-step only: the block a first timeout resent, watched for proof that the timeout was spurious — the client's
   * ACK for it and then a second ACK for it right behind (it got both copies). When the first ACK arrived and the
   * round trip it implies from the first send; {@link #NOT_WATCHING} when no block is watched.
   */
  private long watchedIndex = NOT_WATCHING;
  private long watchedSentAt;
  private long watchedResentAt;
  private long watchedAckAt = NEVER;
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
    this.oackRetransmitNanos = oackRetransmitNanos(options.timeoutSeconds().isPresent()
        ? options.timeoutSeconds().getAsInt() * SECOND_NANOS : DEFAULT_CLIENT_TIMEOUT_NANOS);
    int slots = (int) Math.min((long) window + MAX_PROBES, lastIndex);
    this.sentAt = new long[slots];
    this.resent = new boolean[slots];
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
      oackSentAt = now;
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
      if (oackSentAt != NOT_TIMED) rtt.sample(now - oackSentAt);
      oackSentAt = NOT_TIMED;
      progress(now);
      state = State.SENDING;
      List<Transmission> out = new ArrayList<>();
      sendRange(1, Math.min(window, lastIndex), now, out);
      return armed(out, now);
    }

    int diff = (block - (int) (acked & 0xFFFF)) & 0xFFFF;
    if (diff == 0) {
      duplicateAcks++;
      if (spuriousTimeoutShown(now)) return unchanged("duplicate ACK " + block + ": the last timeout was spurious");
      return unchanged("duplicate ACK " + block);
    }
    if (diff > sentHigh - acked) {
      unexpectedAcks++;
      return unchanged("ACK " + block + " is outside the window (acknowledged up to index " + acked
          + ", sent up to " + sentHigh + ")");
    }
    long index = acked + diff;
    if (index == watchedIndex) {
      watchedAckAt = now; // the answer to one of its two copies: a second right behind proves the first arrived
    } else {
      watchedIndex = NOT_WATCHING;
    }
    sampleNewestSentOnce(acked + 1, index, now);
    acked = index;
    progress(now);
    if (acked == lastIndex) return finish(new Outcome.Completed(), now);

    List<Transmission> out = new ArrayList<>();
    long to = Math.min(acked + window, lastIndex);
    if (acked < sentHigh && !mayAnswerRecentResend(acked + 1, now)) {
      // RFC 7440: the client acknowledges the last block it got in order; what followed is lost or discarded.
      rollbacks++;
      resendBurst(acked + 1, to, now);
      sendRange(acked + 1, to, now, out);
    } else {
      // In order — or the ACK may answer a duplicate from a resend burst still arriving (EDK2 ACKs every unexpected
      // block), and the block after k is in that burst, in flight: only slide on. The timer covers a real loss.
      sendRange(sentHigh + 1, to, now, out);
    }
    return armed(out, now);
  }

  /**
   * The client sent its request again from the same port: it never got the OACK. The OACK goes again at once, and
   * its timer starts over: the client has an OACK now, and if its ACK 0 is lost it repeats that itself, while an OACK
   * from the old timer would reach it as a second one (fatal to atftp). While DATA flows, a late duplicate of the
   * request changes nothing (DATA 1 answers it; the timer resends that).
   */
  public Step onRequestRepeated(long now) {
    if (state == State.FINISHED) return ended();
    requireStarted();
    lastEventAt = now;
    if (state != State.AWAITING_OACK_ACK) return unchanged("repeated request while sending");
    List<Transmission> out = new ArrayList<>();
    out.add(new SendOack(oack.orElseThrow(), true));
    packetsSent++;
    retransmissions++;
    oackSentAt = NOT_TIMED; // Karn: the ACK 0 could answer either copy
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
      oackSentAt = NOT_TIMED; // Karn: the ACK 0 could answer either copy
    } else {
      long resendTo = sentHigh;
      if (retransmitsOfOldest >= 2 && sentHigh < lastIndex && sentHigh - acked < (long) window + MAX_PROBES) {
        // The last burst drew no ACK at all: perhaps the client has everything and waits, deaf, for the next block.
        sendRange(sentHigh + 1, sentHigh + 1, now, out);
      }
      resendBurst(acked + 1, resendTo, now);
      watch(resendTo, now);
      sendRange(acked + 1, resendTo, now, out);
    }
    return armed(out, now);
  }

  /**
   * After a timer resend: in lock-step, the first timeout of a block sent once before is watched (see
   * {@link #spuriousTimeoutShown}); anything else is not.
   */
  private void watch(long resendTo, long now) {
    watchedIndex = NOT_WATCHING;
    if (window != 1 || retransmitsOfOldest != 1 || resendTo != acked + 1) return;
    int slot = (int) (resendTo % sentAt.length);
    watchedIndex = resendTo;
    watchedSentAt = sentAt[slot]; // a resend keeps the first send's time
    watchedResentAt = now;
    watchedAckAt = NEVER;
  }

  /**
   * A duplicate ACK for the block the last timeout resent, arriving soon after its first ACK — sooner than the
   * resend followed the first send — means the client got both copies: the first was not lost, its answer was only
   * late (on a busy machine the client may not run for tens of milliseconds), and the timeout was spurious. The
   * estimator learns that round trip ({@link RttEstimator#spuriousTimeout}), so the next one like it does not
   * resend again. A client's own retransmission of its ACK comes after its timeout (seconds), far later. Sends
   * nothing either way (no duplicate ACK ever does).
   */
  private boolean spuriousTimeoutShown(long now) {
    if (watchedIndex != acked || watchedAckAt == NEVER) return false;
    boolean soon = now - watchedAckAt <= watchedResentAt - watchedSentAt;
    if (soon) {
      rtt.spuriousTimeout(watchedAckAt - watchedSentAt);
      // The block in flight went out when that first ACK came: its timer, too, should allow such a round trip.
      long later = watchedAckAt + rtt.rtoNanos();
      if (later - deadline > 0) deadline = later; // nanoTime values: compared by difference
    }
    watchedIndex = NOT_WATCHING;
    return soon;
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
    boolean running = state == State.AWAITING_OACK_ACK || state == State.SENDING;
    return running ? OptionalLong.of(deadline) : OptionalLong.empty();
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

  /** The OACK timer for a client retransmitting every {@code clientTimeoutNanos}: see the floor's comment. */
  private static long oackRetransmitNanos(long clientTimeoutNanos) {
    return Math.min(2 * clientTimeoutNanos + SECOND_NANOS, OACK_RETRANSMIT_CEILING_NANOS);
  }

  private void sendRange(long from, long to, long now, List<Transmission> out) {
    for (long index = from; index <= to; index++) {
      boolean again = index <= sentHigh;
      long offset = (index - 1) * blksize;
      int length = (int) Math.min(blksize, size - offset);
      out.add(new SendBlock((int) (index & 0xFFFF), index, offset, length, again));
      packetsSent++;
      payloadBytesSent += length;
      int slot = (int) (index % sentAt.length);
      if (again) {
        retransmissions++;
        resent[slot] = true; // Karn: an ACK covering it could answer either copy
      } else {
        sentAt[slot] = now;
        resent[slot] = false;
      }
    }
    if (to > sentHigh) sentHigh = to;
  }

  /** An RTT sample from the newest block in [from, to] that was sent only once, if any. */
  private void sampleNewestSentOnce(long from, long to, long now) {
    for (long index = to; index >= from && index > to - sentAt.length; index--) {
      int slot = (int) (index % sentAt.length);
      if (!resent[slot]) {
        rtt.sample(now - sentAt[slot]);
        return;
      }
    }
  }

  /**
   * Whether block {@code next} went out in the last resend burst less than an RTO ago. Then an ACK for the block
   * before it proves nothing: the client may be answering a duplicate that arrived ahead of {@code next}'s copy.
   */
  private boolean mayAnswerRecentResend(long next, long now) {
    return lastResendAt != NEVER && now - lastResendAt < rtt.rtoNanos()
        && next >= lastResendFrom && next <= lastResendTo;
  }

  private void resendBurst(long from, long to, long now) {
    lastResendAt = now;
    lastResendFrom = from;
    lastResendTo = to;
  }

  private void progress(long now) {
    retransmitsOfOldest = 0;
    lastProgressAt = now;
  }

  private Step armed(List<Transmission> out, long now) {
    long timeout = rtt.rtoNanos();
    if (state == State.AWAITING_OACK_ACK) timeout = Math.max(timeout, oackRetransmitNanos);
    deadline = now + timeout;
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
