package dev.pxebus.tftp.transfer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.TftpCodec;
import dev.pxebus.tftp.codec.TftpPacket;
import dev.pxebus.tftp.codec.TftpPacket.Ack;
import dev.pxebus.tftp.codec.TftpPacket.Data;
import dev.pxebus.tftp.codec.TftpPacket.ErrorPacket;
import dev.pxebus.tftp.codec.TftpPacket.OptionAck;
import dev.pxebus.tftp.codec.TftpPacket.ReadRequest;
import dev.pxebus.tftp.transfer.Transmission.SendBlock;
import dev.pxebus.tftp.transfer.Transmission.SendOack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * A deterministic in-memory network between a {@link ReadTransfer} (driven the way the I/O verticle will drive it:
 * encode with the codec, read the block from a {@link BlockSource}, arm the timer at the step's deadline) and a
 * simulated TFTP client. Virtual time in nanoseconds; packets are real encoded datagrams; losses and delays are
 * decided by pluggable rules. No threads, no sleeps.
 */
final class Simulation {
  static final long US = 1_000L;
  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  /** How the simulated client reacts to a DATA block it did not expect (RFC 7440 leaves it open). */
  enum ClientStyle {
    /** ACKs the last in-order block at once on any unexpected block, as EDK2's Mtftp4 does (and lock-step clients
     *  re-ACK a duplicate, RFC 1350). */
    ACK_UNEXPECTED,
    /** Ignores unexpected blocks; only its own timer re-ACKs. */
    QUIET,
    /**
     * atftp 0.8.0 (Debian bookworm's client, observed with {@code --trace}): on the first unexpected block after an
     * in-order one (or after its timer fired) it sends one "extra ACK" of the last in-order block and restarts its
     * window count; every further unexpected block is ignored ("got wrong block, ignoring"). Its timer is a wait for
     * any packet, so ignored blocks arriving keep it from firing. A second OACK aborts it ("unexpected OACK", ERROR
     * 0). After its last ACK it exits: nothing answers any more.
     */
    ATFTP
  }

  /** A datagram in flight, for loss and delay rules. */
  record Packet(boolean toClient, TftpPacket packet, long index, int copy) {
    boolean isOack() {
      return toClient && packet instanceof OptionAck;
    }

    boolean isData(long i) {
      return toClient && packet instanceof Data && index == i;
    }

    boolean isAck(long i) {
      return !toClient && packet instanceof Ack && index == i;
    }
  }

  interface Rule {
    boolean test(Packet p);
  }

  interface Delay {
    long nanos(Packet p);
  }

  // --- configuration
  private final ReadTransfer server;
  private final BlockSource source;
  Rule drop = p -> false;
  Delay delay = p -> 250 * US; // one way: RTT 0.5 ms, a LAN
  ClientStyle style = ClientStyle.ACK_UNEXPECTED;
  long clientTimeout = 1 * S;
  int clientMaxRetries = 10;
  /** The client answers the OACK with this ERROR instead of ACK 0 (EDK2's tsize probe). */
  ErrorPacket clientAbortsOack;
  long timeLimit = 3600 * S;
  /** The client's request, repeated on its timer until the first answer comes (RFC 1350 §2). */
  ReadRequest request = new ReadRequest("file", "octet", Map.of());
  long maxEvents = 2_000_000;

  // --- state
  private long now;
  private long seq;
  private long events;
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long serverDeadline = Long.MAX_VALUE;
  private final Map<String, Integer> copies = new HashMap<>();

  // --- client state
  private int clientBlksize = TftpCodec.DEFAULT_BLKSIZE;
  private int clientWindow = 1;
  private boolean clientStarted;
  private long expected = 1; // next block index the client wants
  private int sinceAck;
  private long clientTimerGeneration;
  private int clientRetries;
  /** ATFTP style: the one extra ACK since the last in-order block (or timer) went out. */
  private boolean extraAckSent;
  boolean clientComplete;
  boolean clientGaveUp;
  long clientBytes;
  long clientCompletedAt = -1;
  /** OACKs that reached the client. */
  int oacksReceived;
  final CRC32 clientCrc = new CRC32();
  final List<Integer> acceptedWireBlocks = new ArrayList<>();

  // --- observations
  final Map<Long, Integer> sendsPerIndex = new HashMap<>();
  long sendsFromTimer;
  long retransmissionsFromAcks;
  long acksSent;
  long dropped;
  final List<Long> timerIntervals = new ArrayList<>(); // deadline - now of each timer-driven step
  long serverFinishedAt = -1;

  Simulation(ReadTransfer server, BlockSource source) {
    this.server = server;
    this.source = source;
  }

  long now() {
    return now;
  }

  /** As atftp 0.8.0 runs by default: its behaviour, a 5 s timer, 5 retries (then "tftp: aborting"). */
  Simulation likeAtftp() {
    style = ClientStyle.ATFTP;
    clientTimeout = 5 * S;
    clientMaxRetries = 5;
    return this;
  }

  /** Runs until the server finished and nothing is in flight any more (or the time limit). */
  Simulation run() {
    handle(server.start(now), false);
    armClientTimer(); // the request went out with the server's start: the client waits for an answer
    while (true) {
      Event next = queue.peek();
      boolean timerFirst = serverDeadline != Long.MAX_VALUE && (next == null || serverDeadline <= next.at);
      if (timerFirst) {
        now = serverDeadline;
        serverDeadline = Long.MAX_VALUE;
        handle(server.onTimer(now), true);
      } else if (next != null) {
        queue.poll();
        now = next.at;
        next.action.run();
      } else {
        break;
      }
      if (now > timeLimit) throw new AssertionError("simulation ran past its time limit; server " + server.state());
      if (++events > maxEvents) throw new AssertionError("runaway simulation: " + events + " events; " + stats());
    }
    return this;
  }

  Outcome outcome() {
    return server.outcome().orElseThrow(() -> new AssertionError("transfer did not end"));
  }

  TransferStats stats() {
    return server.stats();
  }

  /** Virtual time from start to the server's last event. */
  long elapsed() {
    return serverFinishedAt;
  }

  private void handle(Step step, boolean fromTimer) {
    for (Transmission t : step.transmissions()) {
      if (fromTimer) sendsFromTimer++;
      else if (t.retransmission()) retransmissionsFromAcks++;
      if (t instanceof SendOack o) {
        transmit(new Packet(true, o.packet(), 0, copy("OACK")), TftpCodec.encode(o.packet()));
      } else if (t instanceof SendBlock b) {
        sendsPerIndex.merge(b.index(), 1, Integer::sum);
        ByteBuffer datagram = ByteBuffer.allocate(TftpCodec.DATA_HEADER_LENGTH + b.length());
        TftpCodec.putDataHeader(datagram, b.block());
        try {
          source.readBlock(b.offset(), datagram, b.length());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        byte[] bytes = datagram.array();
        transmit(new Packet(true, TftpCodec.decode(bytes), b.index(), copy("DATA" + b.index())), bytes);
      }
    }
    if (step.finished()) {
      serverDeadline = Long.MAX_VALUE;
      if (serverFinishedAt < 0) serverFinishedAt = now;
    } else {
      serverDeadline = step.deadline().orElseThrow();
      if (fromTimer) timerIntervals.add(serverDeadline - now);
    }
  }

  private int copy(String key) {
    return copies.merge(key, 1, Integer::sum);
  }

  private void transmit(Packet p, byte[] bytes) {
    if (drop.test(p)) {
      dropped++;
      return;
    }
    long at = now + delay.nanos(p);
    if (p.toClient()) schedule(at, () -> clientReceives(TftpCodec.decode(bytes)));
    else schedule(at, () -> serverReceives(TftpCodec.decode(bytes)));
  }

  private void schedule(long at, Runnable action) {
    if (queue.size() > 100_000) throw new AssertionError("runaway simulation: 100000 packets in flight; " + stats());
    queue.add(new Event(at, seq++, action));
  }

  private void serverReceives(TftpPacket p) {
    if (p instanceof Ack a) {
      handle(server.onAck(a.block(), now), false);
    } else if (p instanceof ReadRequest) {
      handle(server.onRequestRepeated(now), false);
    } else if (p instanceof ErrorPacket e) {
      handle(server.onError(e.code(), e.message(), now), false);
    }
  }

  // ---------------------------------------------------------------- the client

  private void clientAcks(long index) {
    Ack ack = new Ack((int) (index & 0xFFFF));
    acksSent++;
    transmit(new Packet(false, ack, index, copy("ACK" + index)), TftpCodec.encode(ack));
  }

  private void clientReceives(TftpPacket p) {
    if (clientGaveUp || clientComplete && style == ClientStyle.ATFTP) return;
    if (p instanceof OptionAck oack) {
      oacksReceived++;
      if (clientStarted && style == ClientStyle.ATFTP) {
        clientGaveUp = true; // "tftp: unexpected OACK"
        ErrorPacket error = new ErrorPacket(ErrorCode.NOT_DEFINED, "Undefined error code");
        transmit(new Packet(false, error, 0, 1), TftpCodec.encode(error));
        return;
      }
      if (clientStarted) {
        clientAcks(0); // our ACK 0 was lost: the OACK came again
        return;
      }
      if (clientAbortsOack != null) {
        clientGaveUp = true; // done with this transfer, as EDK2 after its tsize probe
        transmit(new Packet(false, clientAbortsOack, 0, 1), TftpCodec.encode(clientAbortsOack));
        return;
      }
      clientStarted = true;
      clientBlksize = Integer.parseInt(oack.options().getOrDefault("blksize", "512"));
      clientWindow = Integer.parseInt(oack.options().getOrDefault("windowsize", "1"));
      clientAcks(0);
      armClientTimer();
      return;
    }
    if (!(p instanceof Data d)) return;
    clientStarted = true;
    if (!clientComplete && d.block() == (int) (expected & 0xFFFF)) {
      extraAckSent = false;
      acceptedWireBlocks.add(d.block());
      clientCrc.update(d.payload());
      clientBytes += d.length();
      sinceAck++;
      clientRetries = 0;
      boolean last = d.length() < clientBlksize;
      long index = expected++;
      if (last) {
        clientComplete = true;
        clientCompletedAt = now;
      }
      if (last || sinceAck == clientWindow) {
        sinceAck = 0;
        clientAcks(index);
      }
      armClientTimer();
    } else if (clientComplete || style == ClientStyle.ACK_UNEXPECTED) {
      // duplicate or out of order: say where we are (after the end: dallying, RFC 1350 §6)
      sinceAck = 0;
      clientAcks(expected - 1);
    } else if (style == ClientStyle.ATFTP) {
      if (!extraAckSent) {
        extraAckSent = true;
        sinceAck = 0;
        clientAcks(expected - 1);
      }
      armClientTimer(); // a select() that returned: atftp waits its full timeout again
    }
  }

  private void armClientTimer() {
    long generation = ++clientTimerGeneration;
    schedule(now + clientTimeout, () -> {
      if (generation != clientTimerGeneration || clientComplete || clientGaveUp) return;
      if (++clientRetries > clientMaxRetries) {
        clientGaveUp = true;
        return;
      }
      if (!clientStarted) {
        transmit(new Packet(false, request, 0, copy("RRQ")), TftpCodec.encode(request));
      } else {
        sinceAck = 0;
        extraAckSent = false;
        clientAcks(expected - 1);
      }
      armClientTimer();
    });
  }

  /** The client got exactly the source's bytes. */
  void assertClientGotEverything(long expectedCrc, long size) {
    assertTrue(clientComplete, "client did not complete");
    assertTrue(clientBytes == size, "client got " + clientBytes + " bytes, expected " + size);
    assertTrue(clientCrc.getValue() == expectedCrc, "content differs");
  }

  private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }

  // ---------------------------------------------------------------- rules

  /** Drops each packet independently with probability p (seeded: the same run every time). */
  static Rule randomLoss(double p, long seed) {
    Random random = new Random(seed);
    return packet -> random.nextDouble() < p;
  }

  /** Jitter: one-way delay uniformly in [min, max]. */
  static Delay jitter(long min, long max, long seed) {
    Random random = new Random(seed);
    return packet -> min + (long) (random.nextDouble() * (max - min));
  }

  static Delay fixed(long oneWay) {
    return packet -> oneWay;
  }

  static ErrorPacket userAborted() {
    return new ErrorPacket(ErrorCode.OPTION_REFUSED, "User aborted the transfer");
  }
}
