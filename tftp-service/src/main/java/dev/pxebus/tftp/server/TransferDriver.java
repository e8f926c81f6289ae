package dev.pxebus.tftp.server;

import dev.pxebus.tftp.boot.Lookup;
import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.TftpCodec;
import dev.pxebus.tftp.codec.TftpCodecException;
import dev.pxebus.tftp.codec.TftpPacket;
import dev.pxebus.tftp.transfer.BlockSource;
import dev.pxebus.tftp.transfer.Outcome;
import dev.pxebus.tftp.transfer.ReadTransfer;
import dev.pxebus.tftp.transfer.Step;
import dev.pxebus.tftp.transfer.Transmission;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O of one read transfer: its own UDP port (the server's TID, RFC 1350 §4), a {@link ReadTransfer} deciding
 * what to send, a {@link BlockSource} the bytes come from, one timer. Runs on one event loop; does no blocking I/O
 * besides reading blocks of a file the kernel has in its page cache (the server warms it first).
 */
final class TransferDriver {
  private static final Logger LOG = LoggerFactory.getLogger(TransferDriver.class);

  private final Vertx vertx;
  private final long id;
  private final DatagramSocket socket;
  private final String peerHost;
  private final int peerPort;
  private final ReadTransfer transfer;
  private final BlockSource source;
  private final String file;
  private final Lookup.Origin origin;
  private final Map<String, String> oack;
  private final TransferListener listener;
  private final Consumer<TransferDriver> onEnd;
  private final TftpServerMetrics metrics;
  private long timer = -1;
  private long timerAt;
  private long deadline;
  private boolean ended;
  private long retransmissionsCounted;

  TransferDriver(Vertx vertx, long id, DatagramSocket socket, String peerHost, int peerPort, ReadTransfer transfer,
      BlockSource source, String file, Lookup.Origin origin, Map<String, String> oack, TransferListener listener,
      TftpServerMetrics metrics, Consumer<TransferDriver> onEnd) {
    this.vertx = vertx;
    this.id = id;
    this.socket = socket;
    this.peerHost = peerHost;
    this.peerPort = peerPort;
    this.transfer = transfer;
    this.source = source;
    this.file = file;
    this.origin = origin;
    this.oack = oack;
    this.listener = listener;
    this.metrics = metrics;
    this.onEnd = onEnd;
  }

  void start() {
    socket.handler(this::onPacket);
    apply(transfer.start(System.nanoTime()));
    if (!ended) listener.started(report(Optional.empty()));
  }

  private void onPacket(DatagramPacket p) {
    if (ended) return;
    String host = p.sender().host();
    int port = p.sender().port();
    if (port != peerPort || !host.equals(peerHost)) {
      // RFC 1350 §4: a packet from an unknown TID gets ERROR 5 and changes nothing for the transfer.
      metrics.errorSent(ErrorCode.UNKNOWN_TRANSFER_ID);
      socket.send(Buffer.buffer(TftpCodec.unknownTransferId()), port, host);
      return;
    }
    TftpPacket packet;
    try {
      packet = TftpCodec.decode(p.data().getBytes());
    } catch (TftpCodecException e) {
      LOG.debug("transfer {} of {} to {}:{}: bad packet ignored: {}", id, file, peerHost, peerPort, e.getMessage());
      metrics.malformed();
      return;
    }
    long now = System.nanoTime();
    if (packet instanceof TftpPacket.Ack ack) {
      apply(transfer.onAck(ack.block(), now));
    } else if (packet instanceof TftpPacket.ErrorPacket err) {
      metrics.errorReceived(err.code());
      apply(transfer.onError(err.code(), err.message(), now));
    } else {
      // RFC 1350 §5: an illegal operation ends the transfer with ERROR 4.
      sendError(ErrorCode.ILLEGAL_OPERATION, "expected ACK, got " + packet.opcode());
      end(new Outcome.ClientError(ErrorCode.ILLEGAL_OPERATION, "peer sent " + packet.opcode() + " during a read"));
    }
  }

  private void apply(Step step) {
    for (Transmission t : step.transmissions()) {
      if (t.retransmission()) metrics.retransmission();
      send(t);
      if (ended) return;
    }
    if (step.outcome().isPresent()) {
      end(step.outcome().get());
      return;
    }
    if (step.deadline().isPresent()) arm(step.deadline().getAsLong());
  }

  private void send(Transmission t) {
    Buffer out;
    if (t instanceof Transmission.SendOack o) {
      out = Buffer.buffer(TftpCodec.encode(o.packet()));
    } else {
      Transmission.SendBlock b = (Transmission.SendBlock) t;
      ByteBuffer buf = ByteBuffer.allocate(TftpCodec.DATA_HEADER_LENGTH + b.length());
      TftpCodec.putDataHeader(buf, b.block());
      try {
        source.readBlock(b.offset(), buf, b.length());
      } catch (IOException e) {
        LOG.warn("transfer {}: reading {} at {} failed: {}", id, file, b.offset(), e.toString());
        sendError(ErrorCode.NOT_DEFINED, "read error on the server");
        end(new Outcome.ClientError(ErrorCode.NOT_DEFINED, "server read error: " + e.getMessage()));
        return;
      }
      out = Buffer.buffer(buf.array());
      if (!b.retransmission()) metrics.bytes(b.length());
    }
    socket.send(out, peerPort, peerHost);
  }

  /**
   * Keeps one timer per transfer. Most ACKs only move the deadline later, so instead of cancelling and setting a
   * timer per ACK (two scheduler operations per block), a timer that fires before the current deadline simply
   * re-arms itself for the rest; the engine ignores early calls anyway.
   */
  private void arm(long deadlineNanos) {
    deadline = deadlineNanos;
    if (timer >= 0 && timerAt - deadlineNanos <= 0) return; // fires no later than needed: it will re-arm
    if (timer >= 0) vertx.cancelTimer(timer);
    schedule(deadlineNanos);
  }

  private void schedule(long at) {
    long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(at - System.nanoTime() + 999_999));
    timerAt = at;
    timer = vertx.setTimer(delayMs, t -> {
      timer = -1;
      if (ended) return;
      long now = System.nanoTime();
      if (now - deadline < 0) {
        schedule(deadline);
        return;
      }
      apply(transfer.onTimer(now));
    });
  }

  private void sendError(ErrorCode code, String message) {
    metrics.errorSent(code);
    socket.send(Buffer.buffer(TftpCodec.encode(new TftpPacket.ErrorPacket(code, message))), peerPort, peerHost);
  }

  /**
   * The client sent its request again from the same port: its first answer was lost. While the OACK is still
   * unacknowledged, send it again at once (from this transfer's port) instead of starting a second transfer;
   * otherwise the transfer is already flowing and the duplicate is ignored.
   */
  void duplicateRequest() {
    if (ended || transfer.state() != ReadTransfer.State.AWAITING_OACK_ACK) return;
    if (oack.isEmpty()) return;
    metrics.retransmission();
    socket.send(Buffer.buffer(TftpCodec.encode(new TftpPacket.OptionAck(oack))), peerPort, peerHost);
  }

  String peerKey() {
    return peerHost + ':' + peerPort;
  }

  String file() {
    return file;
  }

  /** Stops the transfer now (server shutdown): tells the client, then ends as a failure. */
  void abort(String why) {
    if (ended) return;
    sendError(ErrorCode.NOT_DEFINED, why);
    end(new Outcome.ClientError(ErrorCode.NOT_DEFINED, "server: " + why));
  }

  private void end(Outcome outcome) {
    if (ended) return;
    ended = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    socket.close();
    try {
      source.close();
    } catch (IOException e) {
      LOG.debug("closing {}: {}", file, e.toString());
    }
    metrics.ended(outcome);
    listener.ended(report(Optional.of(outcome)));
    onEnd.accept(this);
  }

  private TransferReport report(Optional<Outcome> outcome) {
    return new TransferReport(id, peerHost, peerPort, file, Optional.of(origin), oack, transfer.options(),
        transfer.size(), outcome, Optional.empty(), transfer.stats());
  }
}
