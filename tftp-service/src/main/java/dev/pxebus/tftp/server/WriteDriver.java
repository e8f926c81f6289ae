package dev.pxebus.tftp.server;

import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.TftpCodec;
import dev.pxebus.tftp.codec.TftpCodecException;
import dev.pxebus.tftp.codec.TftpPacket;
import dev.pxebus.tftp.transfer.Outcome;
import dev.pxebus.tftp.transfer.TransferStats;
import dev.pxebus.tftp.transfer.WriteTransfer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O of one write transfer (enabled only with {@code tftp.write-dir}): its own port, a {@link WriteTransfer}
 * deciding what to acknowledge, a temporary file in the write directory that is moved to its name only when the
 * whole file has arrived (never over an existing file), so a half-received upload is never visible.
 */
final class WriteDriver {
  private static final Logger LOG = LoggerFactory.getLogger(WriteDriver.class);

  private final long id;
  private final DatagramChannel channel;
  private final InetSocketAddress peer;
  private final WriteTransfer transfer;
  private final Path temp;
  private final Path target;
  private final FileChannel out;
  private final String name;
  private final Map<String, String> oack;
  private final TransferListener listener;
  private final TftpServerMetrics metrics;
  private final Consumer<WriteDriver> onEnd;
  private final Executor blocking;
  private final long startedAt = System.nanoTime();
  private ScheduledFuture<?> timer;
  private boolean ended;
  private long acks;

  WriteDriver(long id, DatagramChannel channel, InetSocketAddress peer, WriteTransfer transfer, Path temp,
      Path target, String name, Map<String, String> oack, TransferListener listener, TftpServerMetrics metrics,
      Consumer<WriteDriver> onEnd, Executor blocking) throws IOException {
    this.id = id;
    this.channel = channel;
    this.peer = peer;
    this.transfer = transfer;
    this.temp = temp;
    this.target = target;
    this.name = name;
    this.oack = oack;
    this.listener = listener;
    this.metrics = metrics;
    this.onEnd = onEnd;
    this.blocking = blocking;
    this.out = FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE);
  }

  void start() {
    channel.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
        onPacket(p.sender(), p.content());
      }
    });
    apply(transfer.start(System.nanoTime()), null);
    if (!ended) listener.started(report(Optional.empty()));
  }

  private void onPacket(InetSocketAddress sender, ByteBuf content) {
    if (ended) return;
    if (sender.getPort() != peer.getPort() || !sender.getAddress().equals(peer.getAddress())) {
      metrics.errorSent(ErrorCode.UNKNOWN_TRANSFER_ID);
      channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(TftpCodec.unknownTransferId()), sender),
          channel.voidPromise());
      return;
    }
    TftpPacket packet;
    try {
      packet = TftpCodec.decode(content.nioBuffer());
    } catch (TftpCodecException e) {
      metrics.malformed();
      return;
    }
    if (packet instanceof TftpPacket.Data d) {
      apply(transfer.onData(d.block(), d.length(), System.nanoTime()), d.payload());
    } else if (packet instanceof TftpPacket.ErrorPacket e) {
      metrics.errorReceived(e.code());
      apply(transfer.onError(e.code(), e.message()), null);
    } else {
      send(new TftpPacket.ErrorPacket(ErrorCode.ILLEGAL_OPERATION, "expected DATA, got " + packet.opcode()));
      end(new Outcome.ClientError(ErrorCode.ILLEGAL_OPERATION, "peer sent " + packet.opcode() + " during a write"));
    }
  }

  private void apply(WriteTransfer.WriteStep step, ByteBuffer payload) {
    switch (step.action()) {
      case STORE_AND_ACK -> {
        try {
          // A block into the page cache; the file is forced to disk once, before it gets its name.
          ByteBuffer p = payload.duplicate();
          long pos = step.offset();
          while (p.hasRemaining()) pos += out.write(p, pos);
        } catch (IOException e) {
          LOG.warn("write transfer {}: storing {} failed: {}", id, name, e.toString());
          end(new Outcome.ClientError(ErrorCode.DISK_FULL, "server write error: " + e.getMessage()),
              Optional.of(new TftpPacket.ErrorPacket(ErrorCode.DISK_FULL, "cannot store the file")));
          return;
        }
        metrics.bytes(payload.remaining());
        acks++;
        if (step.outcome().isPresent()) {
          // The final block: its ACK tells the client the upload is done, so it leaves only once the file is on
          // disk under its name (a client that exits on that ACK must find the file there).
          end(step.outcome().get(), Optional.of(new TftpPacket.Ack(step.ack())));
          return;
        }
        send(new TftpPacket.Ack(step.ack()));
      }
      case ACK_AGAIN -> {
        if (acks > 0 || oack.isEmpty()) metrics.retransmission();
        send(new TftpPacket.Ack(step.ack()));
      }
      case OACK_AGAIN -> send(new TftpPacket.OptionAck(oack));
      case ERROR -> {
        TftpPacket.ErrorPacket error = new TftpPacket.ErrorPacket(step.error().orElseThrow(), step.message());
        if (step.outcome().isPresent()) {
          // The temporary file goes before the client hears of the end: nothing half-written outlives the ERROR.
          end(step.outcome().get(), Optional.of(error));
          return;
        }
        send(error);
      }
      case NONE -> { }
    }
    if (step.outcome().isPresent()) {
      end(step.outcome().get());
    } else if (step.deadline().isPresent()) {
      arm(step.deadline().getAsLong());
    }
  }

  private void arm(long at) {
    if (timer != null) timer.cancel(false);
    timer = channel.eventLoop().schedule(() -> {
      timer = null;
      if (!ended) apply(transfer.onTimer(System.nanoTime()), null);
    }, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void send(TftpPacket p) {
    if (p instanceof TftpPacket.ErrorPacket e) metrics.errorSent(e.code());
    channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(TftpCodec.encode(p)), peer), channel.voidPromise());
  }

  String peerKey() {
    return peer.getAddress().getHostAddress() + ':' + peer.getPort();
  }

  void abort(String why) {
    if (ended) return;
    send(new TftpPacket.ErrorPacket(ErrorCode.NOT_DEFINED, why));
    end(new Outcome.ClientError(ErrorCode.NOT_DEFINED, "server: " + why));
  }

  private void end(Outcome outcome) {
    end(outcome, Optional.empty());
  }

  /**
   * Ends the transfer. {@code last} (the final ACK, or an ERROR) is sent only after the file has its name or the
   * temporary file is gone, so a client that acts on it finds the write directory as it says; a final ACK whose file
   * could not be stored becomes an ERROR. Forcing the file to disk and renaming it run on {@code blocking}, never on
   * the event loop, whose other transfers must not wait for an fsync; the rest continues on the event loop.
   */
  private void end(Outcome outcome, Optional<TftpPacket> last) {
    if (ended) return;
    ended = true;
    if (timer != null) timer.cancel(false);
    blocking.execute(() -> {
      Outcome result = finishFile(outcome);
      channel.eventLoop().execute(() -> ended(result, last));
    });
  }

  /** Blocking: the completed file forced to disk and moved to its name, or the temporary file removed. */
  private Outcome finishFile(Outcome outcome) {
    try {
      if (outcome instanceof Outcome.Completed) {
        out.force(true);
        out.close();
        // ATOMIC_MOVE without REPLACE_EXISTING: never over a file that appeared meanwhile.
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("received {} ({} bytes) from {}", name, transfer.bytesReceived(), peer);
      } else {
        out.close();
        Files.deleteIfExists(temp);
      }
      return outcome;
    } catch (FileAlreadyExistsException e) {
      deleteQuietly();
      return new Outcome.ClientError(ErrorCode.FILE_EXISTS, name + " appeared during the upload; kept the old one");
    } catch (IOException e) {
      LOG.warn("write transfer {}: finishing {} failed: {}", id, name, e.toString());
      deleteQuietly();
      return new Outcome.ClientError(ErrorCode.DISK_FULL, "cannot store " + name + ": " + e.getMessage());
    }
  }

  private void ended(Outcome result, Optional<TftpPacket> last) {
    if (last.isPresent()) {
      if (result instanceof Outcome.Completed || last.get() instanceof TftpPacket.ErrorPacket) {
        send(last.get());
      } else if (result instanceof Outcome.ClientError ce) {
        send(new TftpPacket.ErrorPacket(ce.code(), ce.message()));
      }
    }
    channel.close();
    metrics.ended(result);
    listener.ended(report(Optional.of(result)));
    onEnd.accept(this);
  }

  private void deleteQuietly() {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // nothing more to do
    }
  }

  private TransferReport report(Optional<Outcome> outcome) {
    long elapsed = System.nanoTime() - startedAt;
    return new TransferReport(id, peer.getAddress().getHostAddress(), peer.getPort(), name, Optional.empty(), oack,
        transfer.options(), transfer.bytesReceived(), outcome, Optional.empty(),
        new TransferStats(acks, 0, 0, transfer.bytesReceived(), 0, 0, 0, 0, 0, OptionalLong.empty(), 0, elapsed));
  }
}
