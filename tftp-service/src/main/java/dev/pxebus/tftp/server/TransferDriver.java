package dev.pxebus.tftp.server;

import dev.pxebus.runtime.net.BusyPoll;
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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O of one read transfer: its own UDP port (the server's TID, RFC 1350 §4), a {@link ReadTransfer} deciding
 * what to send, a {@link BlockSource} the bytes come from, one timer.
 *
 * <p>This is the per-packet path, so it talks to Netty directly on the verticle's own event loop thread: blocks are
 * read from the file straight into a pooled direct buffer that the kernel sends from (one copy), with no address
 * resolution, no future and no Vert.x buffer per packet (Vert.x's DatagramSocket resolves the host name on every
 * send). Block reads hit the page cache, which the server warms for large files on a worker thread.
 */
final class TransferDriver {
  private static final Logger LOG = LoggerFactory.getLogger(TransferDriver.class);
  /** Segments per GSO send: Linux's UDP_MAX_SEGMENTS on older kernels (newer ones take more). */
  static final int MAX_SEGMENTS = 64;
  /** What one UDP datagram (the unsegmented whole) may carry. */
  static final int MAX_SEGMENTED_BYTES = 65_000;
  private static final boolean SEGMENTATION = segmentationAvailable();

  private static boolean segmentationAvailable() {
    try {
      return EpollDatagramChannel.isSegmentedDatagramPacketSupported();
    } catch (LinkageError e) {
      return false; // no native epoll here (not Linux)
    }
  }

  private final long id;
  private final DatagramChannel channel;
  private final EventLoop loop;
  private final InetSocketAddress peer;
  private final ReadTransfer transfer;
  private final BlockSource source;
  private final TftpPacket.ReadRequest request;
  private final String file;
  private final Lookup.Origin origin;
  private final Map<String, String> oack;
  private final TransferListener listener;
  private final Consumer<TransferDriver> onEnd;
  private Outcome endedWith;
  private final TftpServerMetrics metrics;
  /** Whether {@link #channel} is this transfer's own port (closed at its end) or the server's shared one. */
  private final boolean ownPort;
  /** Sends what {@link #apply} queued: at once on an own port, after the read batch on a shared one. */
  private final Runnable flush;
  /** Windows leave as UDP GSO sends: on Linux epoll when the kernel has UDP_SEGMENT, until it refuses one. */
  private boolean segmentation;
  private ScheduledFuture<?> timer;
  private long timerAt;
  private long deadline;
  private boolean ended;

  TransferDriver(long id, DatagramChannel channel, InetSocketAddress peer, ReadTransfer transfer, BlockSource source,
      TftpPacket.ReadRequest request, Lookup.Origin origin, Map<String, String> oack, TransferListener listener,
      TftpServerMetrics metrics, Consumer<TransferDriver> onEnd) {
    this(id, channel, true, channel::flush, peer, transfer, source, request, origin, oack, listener, metrics, onEnd);
  }

  /**
   * A transfer on a port shared with others ({@code ownPort} false): the server's single port, whose handler hands
   * this transfer its peer's packets ({@link #onPacket}) and whose {@code flush} sends the queued packets of all of
   * them together.
   */
  TransferDriver(long id, DatagramChannel channel, boolean ownPort, Runnable flush, InetSocketAddress peer,
      ReadTransfer transfer, BlockSource source, TftpPacket.ReadRequest request, Lookup.Origin origin,
      Map<String, String> oack, TransferListener listener, TftpServerMetrics metrics,
      Consumer<TransferDriver> onEnd) {
    this.id = id;
    this.ownPort = ownPort;
    this.flush = flush;
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.peer = peer;
    this.transfer = transfer;
    this.source = source;
    this.request = request;
    this.file = request.filename();
    this.origin = origin;
    this.oack = oack;
    this.listener = listener;
    this.metrics = metrics;
    this.onEnd = onEnd;
    this.segmentation = SEGMENTATION && channel instanceof EpollDatagramChannel;
  }

  /** Starts on the channel's event loop (the verticle's). */
  void start() {
    if (ownPort) channel.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
        onPacket(p.sender(), p.content());
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("transfer {} of {} to {}: socket error: {}", id, file, peer, cause.toString());
      }
    });
    BusyPoll.demand(); // released in end(); see BusyPoll: a few lock-step transfers gain most from it
    apply(transfer.start(System.nanoTime()));
    if (!ended) listener.started(report(Optional.empty()));
  }

  /** A packet from the peer (on a shared port, the server has matched {@code sender} to this transfer). */
  void onPacket(InetSocketAddress sender, ByteBuf content) {
    if (ended) return;
    if (sender.getPort() != peer.getPort() || !sender.getAddress().equals(peer.getAddress())) {
      // RFC 1350 §4: a packet from an unknown TID gets ERROR 5 and changes nothing for the transfer.
      metrics.errorSent(ErrorCode.UNKNOWN_TRANSFER_ID);
      write(Unpooled.wrappedBuffer(TftpCodec.unknownTransferId()), sender);
      return;
    }
    TftpPacket packet;
    try {
      packet = TftpCodec.decode(content.nioBuffer());
    } catch (TftpCodecException e) {
      LOG.debug("transfer {} of {} to {}: bad packet ignored: {}", id, file, peer, e.getMessage());
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

  /**
   * Queues the step's packets and flushes once: a window of several blocks leaves in one {@code sendmmsg} instead of
   * a {@code sendto} each (Netty's epoll channel batches what one flush finds queued), and where the kernel can, as
   * one UDP GSO send ({@link #sendSegmented}).
   */
  private void apply(Step step) {
    List<Transmission> out = step.transmissions();
    int i = 0;
    while (i < out.size()) {
      int run = segmentable(out, i);
      if (run >= 2) {
        sendSegmented(out, i, run);
        i += run;
      } else {
        Transmission t = out.get(i++);
        if (t.retransmission()) metrics.retransmission();
        send(t);
      }
      if (ended) return;
    }
    if (!out.isEmpty()) flush.run();
    if (step.outcome().isPresent()) {
      end(step.outcome().get());
      return;
    }
    if (step.deadline().isPresent()) arm(step.deadline().getAsLong());
  }

  /**
   * How many transmissions from {@code from} on can leave as one GSO send: consecutive DATA blocks, all full but the
   * last, at most {@link #MAX_SEGMENTS} and 64 KiB together; 0 or 1 when segmentation is off or nothing to gain.
   */
  private int segmentable(List<Transmission> out, int from) {
    if (!segmentation || out.size() - from < 2) return 0;
    int blksize = transfer.options().blksize();
    int limit = Math.min(MAX_SEGMENTS, MAX_SEGMENTED_BYTES / (TftpCodec.DATA_HEADER_LENGTH + blksize));
    int n = 0;
    while (from + n < out.size() && n < limit && out.get(from + n) instanceof Transmission.SendBlock b) {
      n++;
      if (b.length() != blksize) break; // a short block is the transfer's last: it ends the run
    }
    return n;
  }

  /**
   * {@code run} blocks as one buffer of back-to-back DATA packets handed to the kernel once with UDP_SEGMENT (Linux
   * UDP GSO): the kernel cuts it into datagrams of header + blksize (the last may be shorter), which leave exactly as
   * if sent one by one, for one pass through the socket layer instead of {@code run}. If the kernel refuses (a blksize
   * above what the route's MTU takes, which GSO cannot fragment), this transfer goes back to one datagram per block,
   * and the timer resends what was lost.
   */
  private void sendSegmented(List<Transmission> out, int from, int run) {
    int segment = TftpCodec.DATA_HEADER_LENGTH + transfer.options().blksize();
    int total = 0;
    for (int k = 0; k < run; k++) {
      total += TftpCodec.DATA_HEADER_LENGTH + ((Transmission.SendBlock) out.get(from + k)).length();
    }
    ByteBuf buf = channel.alloc().directBuffer(total, total);
    int at = 0;
    for (int k = 0; k < run; k++) {
      Transmission.SendBlock b = (Transmission.SendBlock) out.get(from + k);
      if (!putBlock(buf, at, b)) return;
      at += TftpCodec.DATA_HEADER_LENGTH + b.length();
      if (b.retransmission()) metrics.retransmission();
    }
    buf.writerIndex(total);
    channel.write(new SegmentedDatagramPacket(buf, segment, peer)).addListener(f -> {
      metrics.segmentedSend(!f.isSuccess());
      if (f.isSuccess() || !segmentation) return;
      segmentation = false;
      LOG.info("transfer {} of {} to {}: the kernel refused a segmented send ({}); one datagram per block from now on",
          id, file, peer, f.cause() == null ? "?" : f.cause().toString());
    });
  }

  private void send(Transmission t) {
    if (t instanceof Transmission.SendOack o) {
      queue(Unpooled.wrappedBuffer(TftpCodec.encode(o.packet())));
      return;
    }
    Transmission.SendBlock b = (Transmission.SendBlock) t;
    int length = TftpCodec.DATA_HEADER_LENGTH + b.length();
    ByteBuf buf = channel.alloc().directBuffer(length, length);
    if (!putBlock(buf, 0, b)) return;
    buf.writerIndex(length);
    queue(buf);
  }

  /**
   * Writes block {@code b} (header and bytes) into {@code buf} at {@code at} and counts its bytes; on a read error
   * releases {@code buf}, ends the transfer and returns false.
   */
  private boolean putBlock(ByteBuf buf, int at, Transmission.SendBlock b) {
    try {
      ByteBuffer nio = buf.nioBuffer(at, TftpCodec.DATA_HEADER_LENGTH + b.length());
      TftpCodec.putDataHeader(nio, b.block());
      source.readBlock(b.offset(), nio, b.length());
    } catch (IOException | RuntimeException e) {
      buf.release();
      readFailed(b, e);
      return false;
    }
    if (!b.retransmission()) metrics.bytes(b.length());
    return true;
  }

  private void readFailed(Transmission.SendBlock b, Exception e) {
    LOG.warn("transfer {}: reading {} at {} failed: {}", id, file, b.offset(), e.toString());
    sendError(ErrorCode.NOT_DEFINED, "read error on the server");
    end(new Outcome.ClientError(ErrorCode.NOT_DEFINED, "server read error: " + e.getMessage()));
  }

  /** Queued for the peer; {@link #apply} flushes. */
  private void queue(ByteBuf content) {
    channel.write(new DatagramPacket(content, peer), channel.voidPromise());
  }

  private void write(ByteBuf content, InetSocketAddress to) {
    channel.writeAndFlush(new DatagramPacket(content, to), channel.voidPromise());
  }

  /**
   * Keeps one timer per transfer. Most ACKs only move the deadline later, so instead of cancelling and setting a
   * timer per ACK, a timer that fires before the current deadline simply re-arms itself for the rest; the engine
   * ignores early calls anyway.
   */
  private void arm(long deadlineNanos) {
    deadline = deadlineNanos;
    if (timer != null && timerAt - deadlineNanos <= 0) return; // fires no later than needed: it will re-arm
    if (timer != null) timer.cancel(false);
    schedule(deadlineNanos);
  }

  private void schedule(long at) {
    timerAt = at;
    timer = loop.schedule(() -> {
      timer = null;
      if (ended) return;
      long now = System.nanoTime();
      if (now - deadline < 0) {
        schedule(deadline);
        return;
      }
      apply(transfer.onTimer(now));
    }, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void sendError(ErrorCode code, String message) {
    metrics.errorSent(code);
    write(Unpooled.wrappedBuffer(TftpCodec.encode(new TftpPacket.ErrorPacket(code, message))), peer);
  }

  /**
   * The client sent its request again from the same port: its first answer was lost. It is this transfer's event,
   * not a second transfer: while the OACK is unacknowledged the engine sends it again at once (from this transfer's
   * port) and restarts its timer; once DATA flows the duplicate changes nothing.
   */
  void duplicateRequest() {
    if (ended) return;
    apply(transfer.onRequestRepeated(System.nanoTime()));
  }

  InetSocketAddress peer() {
    return peer;
  }

  String peerKey() {
    return peer.getAddress().getHostAddress() + ':' + peer.getPort();
  }

  /** The read request this transfer answers. */
  TftpPacket.ReadRequest request() {
    return request;
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

  /**
   * A new request from this transfer's peer port replaced it (single-port mode): ends it as failed without telling
   * the client, whose packets from now on belong to the new transfer.
   */
  void supersede() {
    end(new Outcome.ClientError(ErrorCode.NOT_DEFINED, "superseded by a new request from the same client port"));
  }

  /** How it ended, once it has. */
  Optional<Outcome> outcome() {
    return Optional.ofNullable(endedWith);
  }

  private void end(Outcome outcome) {
    if (ended) return;
    ended = true;
    BusyPoll.release();
    endedWith = outcome;
    if (timer != null) timer.cancel(false);
    if (ownPort) channel.close();
    try {
      source.close();
    } catch (IOException e) {
      LOG.debug("closing {}: {}", file, e.toString());
    }
    metrics.ended(outcome);
    metrics.spuriousTimeouts(transfer.rtt().spuriousTimeouts());
    listener.ended(report(Optional.of(outcome)));
    onEnd.accept(this);
  }

  private TransferReport report(Optional<Outcome> outcome) {
    return new TransferReport(id, peer.getAddress().getHostAddress(), peer.getPort(), file, Optional.of(origin), oack,
        transfer.options(), transfer.size(), outcome, Optional.empty(), transfer.stats());
  }
}
