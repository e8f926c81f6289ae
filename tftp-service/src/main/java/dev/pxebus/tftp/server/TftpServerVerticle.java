package dev.pxebus.tftp.server;

import dev.pxebus.tftp.boot.BootClient;
import dev.pxebus.tftp.boot.BootNamespace;
import dev.pxebus.tftp.boot.Lookup;
import dev.pxebus.tftp.boot.SafePath;
import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.Opcode;
import dev.pxebus.tftp.codec.TftpCodec;
import dev.pxebus.tftp.codec.TftpCodecException;
import dev.pxebus.tftp.codec.TftpPacket;
import dev.pxebus.tftp.codec.TransferMode;
import dev.pxebus.tftp.transfer.BlockSource;
import dev.pxebus.tftp.transfer.FileBlockSource;
import dev.pxebus.tftp.transfer.Negotiation;
import dev.pxebus.tftp.transfer.NetasciiBlockSource;
import dev.pxebus.tftp.transfer.OptionNegotiator;
import dev.pxebus.tftp.transfer.Outcome;
import dev.pxebus.tftp.transfer.ReadTransfer;
import dev.pxebus.tftp.transfer.TransferOptions;
import dev.pxebus.tftp.transfer.TransferStats;
import dev.pxebus.tftp.transfer.WriteTransfer;
import java.nio.file.Files;
import java.nio.file.Path;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TFTP on UDP 69 (RFC 1350 with RFC 2347/2348/2349/7440 options), read-only. I/O only: requests are decoded by
 * {@link TftpCodec}, names resolved by {@link BootNamespace}, options negotiated by {@link OptionNegotiator}, and each
 * transfer is driven by a {@link TransferDriver} on its own port. Deploy one instance per event loop: with
 * {@code reusePort} they (and other replicas on the host) share port 69, and the kernel spreads requests over them.
 */
public final class TftpServerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TftpServerVerticle.class);
  private static final long WARM_AGAIN_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final AtomicLong IDS = new AtomicLong();

  private final TftpServerOptions options;
  private final BootNamespace namespace;
  private final Function<String, Optional<String>> macOfIp;
  private final TransferListener listener;
  private final TftpServerMetrics metrics;
  private final OptionNegotiator negotiator;
  private final Set<TransferDriver> transfers = new HashSet<>();
  /** Transfers by client address and port, and requests still being looked up: duplicates of a request are not
   * new transfers. */
  private final Map<String, TransferDriver> byPeer = new HashMap<>();
  private final Set<String> pending = new HashSet<>();
  private final Map<String, WriteDriver> writers = new HashMap<>();
  /** Large files read into the page cache lately: path and size → when (see {@link #warm}). */
  private final Map<String, Long> warmed = new HashMap<>();
  /**
   * Requests whose transfer completed in the last {@link #REPEAT_WINDOW_NANOS}, by client address and port, oldest
   * first. A client that got no answer within its timeout sends its request again; when the repeat arrives after the
   * answered transfer has already completed (a one-block menu ends in milliseconds), it is that same request, not a
   * new one: served again it became a second transfer to a client that had moved on, resending its OACK until it
   * timed out (bench/storm, under load). Real clients open every file from a new port (pxelinux, iPXE and EDK2
   * count ports up), and EDK2's real transfer after its size probe asks for other options: neither matches.
   */
  private final java.util.LinkedHashMap<String, Recent> recent = new java.util.LinkedHashMap<>();
  static final long REPEAT_WINDOW_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

  private record Recent(TftpPacket.ReadRequest request, long completedAt) {}
  private DatagramSocket socket;
  /** Single-port mode ({@link TftpServerOptions#singlePort}): the listening channel, which carries every read too. */
  private DatagramChannel shared;
  /** Single-port mode: read transfers by peer address, to hand each packet to its transfer; null otherwise. */
  private final PeerTable<TransferDriver> byAddress;
  /** Single-port mode: inside a read batch, transfers' sends wait for its end to leave together. */
  private boolean inReadBatch;
  private boolean flushPending;

  /**
   * @param macOfIp the client's MAC from the lease topic, when known (for the namespace's menu requests)
   */
  public TftpServerVerticle(TftpServerOptions options, BootNamespace namespace,
      Function<String, Optional<String>> macOfIp, TransferListener listener, TftpServerMetrics metrics) {
    this.options = options;
    this.namespace = namespace;
    this.macOfIp = macOfIp;
    this.listener = listener;
    this.metrics = metrics;
    this.negotiator = new OptionNegotiator(options.limits());
    this.byAddress = options.singlePort() ? new PeerTable<>(TransferDriver::peer) : null;
  }

  @Override
  public Future<?> start() {
    if (options.singlePort()) return listenShared().recover(this::cannotListen);
    socket = vertx.createDatagramSocket(socketOptions());
    socket.handler(p -> onRequest(p.sender().host(), p.sender().port(), p.data().getBytes()));
    return socket.listen(options.port(), options.host()).recover(this::cannotListen);
  }

  private <T> Future<T> cannotListen(Throwable e) {
    return Future.failedFuture(new IllegalStateException("cannot listen for TFTP on " + options.host() + ":"
        + options.port() + (options.port() < 1024 ? " (a port below 1024 needs root or CAP_NET_BIND_SERVICE)" : "")
        + ": " + e.getMessage(), e));
  }

  /**
   * Single-port mode: the listening port as a Netty channel on this verticle's event loop, read with
   * {@code recvmmsg} (many clients' ACKs per call) and written with {@code sendmmsg} (every DATA the batch's ACKs
   * released, in one call at the batch's end), instead of two system calls per block on a port per transfer.
   */
  private Future<Void> listenShared() {
    EventLoop loop = ((ContextInternal) context).nettyEventLoop();
    DatagramChannel ch = ((VertxInternal) vertx).transport().datagramChannel();
    ch.config().setOption(ChannelOption.SO_REUSEADDR, true);
    ch.config().setOption(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024);
    ch.config().setOption(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024);
    if (ch instanceof EpollDatagramChannel) {
      if (options.reusePort()) ch.config().setOption(EpollChannelOption.SO_REUSEPORT, true);
      ch.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SHARED_DATAGRAM_BYTES);
      ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(SHARED_DATAGRAM_BYTES * SHARED_BATCH));
    } else if (options.reusePort()) {
      return Future.failedFuture("tftp.single-port with tftp.reuse-port needs Linux's native epoll transport");
    }
    ch.pipeline().addLast(new SharedPortHandler());
    Promise<Void> bound = Promise.promise();
    loop.register(ch).addListener(reg -> {
      if (!reg.isSuccess()) {
        bound.fail(reg.cause());
        return;
      }
      ch.bind(new InetSocketAddress(options.host(), options.port())).addListener(b -> {
        if (!b.isSuccess()) {
          ch.close();
          bound.fail(b.cause());
          return;
        }
        shared = ch;
        bound.complete();
      });
    });
    return bound.future();
  }

  /** The largest datagram the single port takes whole: any request (RFC 1350 keeps them within 512 bytes). */
  static final int SHARED_DATAGRAM_BYTES = 2048;
  /** Datagrams per {@code recvmmsg} on the single port. */
  static final int SHARED_BATCH = 32;

  private final class SharedPortHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      DatagramPacket p = (DatagramPacket) msg;
      try {
        inReadBatch = true;
        onSharedPacket(p.sender(), p.content());
      } finally {
        p.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      inReadBatch = false;
      if (flushPending) {
        flushPending = false;
        ctx.channel().flush();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("TFTP port: socket error: {}", cause.toString());
    }
  }

  /** Single-port mode: what a transfer has queued leaves at the end of the read batch, or now outside one. */
  private void flushShared() {
    if (inReadBatch) {
      flushPending = true;
    } else {
      shared.flush();
    }
  }

  /**
   * Single-port mode: a packet from a peer with a running read transfer is that transfer's; a request is a request;
   * an ACK from no transfer we know (the repeated last ACK of one that ended) gets ERROR 5, as a closed port's
   * would get nothing but an ICMP error; an ERROR from none is dropped (RFC 1350: errors are not answered).
   */
  private void onSharedPacket(InetSocketAddress sender, ByteBuf content) {
    int op = content.readableBytes() >= 2 ? content.getUnsignedShort(content.readerIndex()) : -1;
    if (op != Opcode.RRQ.value() && op != Opcode.WRQ.value()) {
      TransferDriver d = byAddress.get(sender);
      if (d != null) {
        d.onPacket(sender, content);
        return;
      }
      if (op == Opcode.ACK.value()) {
        metrics.errorSent(ErrorCode.UNKNOWN_TRANSFER_ID);
        sendShared(TftpCodec.unknownTransferId(), sender);
        return;
      }
      if (op == Opcode.ERROR.value()) return;
    }
    onRequest(sender.getAddress().getHostAddress(), sender.getPort(), ByteBufUtil.getBytes(content));
  }

  private DatagramSocketOptions socketOptions() {
    return new DatagramSocketOptions().setReuseAddress(true).setReusePort(options.reusePort())
        .setReceiveBufferSize(4 * 1024 * 1024).setSendBufferSize(4 * 1024 * 1024);
  }

  /** The port the listener is bound to (useful with port 0). */
  public int port() {
    return shared != null ? ((InetSocketAddress) shared.localAddress()).getPort() : socket.localAddress().port();
  }

  @Override
  public Future<?> stop() {
    for (TransferDriver d : List.copyOf(transfers)) d.abort("server shutting down");
    for (WriteDriver w : List.copyOf(writers.values())) w.abort("server shutting down");
    if (shared != null) {
      Promise<Void> closed = Promise.promise();
      shared.close().addListener(f -> closed.complete());
      return closed.future();
    }
    return socket == null ? Future.succeededFuture() : socket.close();
  }

  private void onRequest(String host, int port, byte[] data) {
    TftpPacket packet;
    try {
      packet = TftpCodec.decode(data);
    } catch (TftpCodecException e) {
      LOG.debug("bad TFTP request from {}:{}: {}", host, port, e.getMessage());
      metrics.malformed();
      replyFromListener(host, port, ErrorCode.ILLEGAL_OPERATION, e.getMessage());
      return;
    }
    if (packet instanceof TftpPacket.ReadRequest rrq) {
      read(rrq, host, port);
    } else if (packet instanceof TftpPacket.WriteRequest wrq) {
      if (options.writeDir().isEmpty()) {
        LOG.info("write request for {} from {} refused: writes are not enabled", wrq.filename(), host);
        refuse(host, port, wrq.filename(), ErrorCode.ACCESS_VIOLATION, "write requests are refused: read-only server");
      } else if (!byPeer.containsKey(host + ':' + port) && !writers.containsKey(host + ':' + port)) {
        write(wrq, host, port);
      }
    } else {
      metrics.malformed();
      replyFromListener(host, port, ErrorCode.ILLEGAL_OPERATION, packet.opcode() + " is not a request");
    }
  }

  private void read(TftpPacket.ReadRequest rrq, String host, int port) {
    String peer = host + ':' + port;
    TransferDriver running = byPeer.get(peer);
    if (running != null && running.file().equals(rrq.filename())) {
      running.duplicateRequest();
      return;
    }
    if (!pending.add(peer + '|' + rrq.filename())) return; // a duplicate of a request still being looked up
    Recent done = recent.get(peer);
    if (done != null && done.request().equals(rrq) && System.nanoTime() - done.completedAt() < REPEAT_WINDOW_NANOS) {
      pending.remove(peer + '|' + rrq.filename());
      metrics.lateRepeat();
      LOG.debug("{} from {}: a late repeat of a request whose transfer completed; ignored", rrq.filename(), peer);
      return;
    }
    readNew(rrq, host, port, peer);
  }

  private void readNew(TftpPacket.ReadRequest rrq, String host, int port, String peer) {
    TransferMode mode = TransferMode.parse(rrq.mode()).orElse(null);
    if (mode == null || mode == TransferMode.MAIL) {
      refuse(host, port, rrq.filename(), ErrorCode.ILLEGAL_OPERATION,
          "transfer mode '" + rrq.mode() + "' is not supported: use octet or netascii");
      return;
    }
    BootClient client = BootClient.of(host, macOfIp.apply(host).orElse(null), null, null);
    namespace.lookup(rrq.filename(), client).onComplete(ar -> {
      pending.remove(peer + '|' + rrq.filename());
      if (ar.failed()) {
        LOG.warn("lookup of {} for {} failed: {}", rrq.filename(), host, ar.cause().toString());
        refuse(host, port, rrq.filename(), ErrorCode.NOT_DEFINED, "server error looking up the file");
        return;
      }
      Lookup lookup = ar.result();
      if (lookup instanceof Lookup.NotFound nf) {
        refuse(host, port, rrq.filename(), ErrorCode.FILE_NOT_FOUND, "File not found");
      } else if (lookup instanceof Lookup.Refused r) {
        LOG.info("refused {} for {}: {}", rrq.filename(), host, r.detail());
        refuse(host, port, rrq.filename(), ErrorCode.ACCESS_VIOLATION, "Access violation: " + r.detail());
      } else if (lookup instanceof Lookup.Unavailable u) {
        LOG.warn("{} for {} unavailable: {}", rrq.filename(), host, u.detail());
        refuse(host, port, rrq.filename(), ErrorCode.NOT_DEFINED, "temporarily unavailable: " + u.detail());
      } else {
        serve(rrq, mode, lookup, host, port);
      }
    });
  }

  private void serve(TftpPacket.ReadRequest rrq, TransferMode mode, Lookup lookup, String host, int port) {
    BlockSource source;
    Lookup.Origin origin;
    try {
      if (lookup instanceof Lookup.FileBody f) {
        source = immutable(f.origin()) ? FileBlockSource.openImmutable(f.path()) : FileBlockSource.open(f.path());
        origin = f.origin();
        warm(f);
      } else {
        Lookup.Generated g = (Lookup.Generated) lookup;
        source = BlockSource.of(g.content());
        origin = g.origin();
      }
      if (mode == TransferMode.NETASCII) source = new NetasciiBlockSource(source);
    } catch (IOException e) {
      LOG.warn("cannot open {} for {}: {}", rrq.filename(), host, e.toString());
      refuse(host, port, rrq.filename(), ErrorCode.NOT_DEFINED, "cannot open the file");
      return;
    }
    long size;
    try {
      size = source.size();
    } catch (IOException e) {
      closeQuietly(source);
      refuse(host, port, rrq.filename(), ErrorCode.NOT_DEFINED, "cannot read the file");
      return;
    }
    Negotiation negotiation = negotiator.negotiate(rrq.options(), OptionalLong.of(size));
    ReadTransfer transfer = ReadTransfer.of(size, negotiation, options.retransmit());
    BlockSource src = source;
    if (shared != null) {
      serveShared(rrq, origin, negotiation, transfer, src, host, port);
      return;
    }
    // The transfer's own port (its TID) on the listening address, as a Netty channel on this verticle's event
    // loop: the per-packet path avoids Vert.x's DatagramSocket (see TransferDriver).
    openTransferPort(host, port, rrq.filename(), () -> closeQuietly(src), (tid, peer) -> {
      Map<String, String> oack = negotiation.oack().map(TftpPacket.OptionAck::options).orElse(Map.of());
      TransferDriver driver = new TransferDriver(IDS.incrementAndGet(), tid, peer, transfer, src, rrq, origin, oack,
          listener, metrics, this::ended);
      transfers.add(driver);
      byPeer.put(driver.peerKey(), driver);
      metrics.started();
      driver.start();
    });
  }

  /**
   * Single-port mode: the transfer answers from the listening port. A new request from a port whose transfer of
   * another file is still running replaces that transfer (one port pair carries one transfer): the old one ends as
   * failed, without an ERROR, which the client would take for the new transfer's.
   */
  private void serveShared(TftpPacket.ReadRequest rrq, Lookup.Origin origin, Negotiation negotiation,
      ReadTransfer transfer, BlockSource src, String host, int port) {
    InetSocketAddress peer = new InetSocketAddress(p(host), port);
    TransferDriver old = byAddress.get(peer);
    if (old != null) old.supersede();
    Map<String, String> oack = negotiation.oack().map(TftpPacket.OptionAck::options).orElse(Map.of());
    TransferDriver driver = new TransferDriver(IDS.incrementAndGet(), shared, false, this::flushShared, peer,
        transfer, src, rrq, origin, oack, listener, metrics, this::ended);
    transfers.add(driver);
    byPeer.put(driver.peerKey(), driver);
    byAddress.put(driver);
    metrics.started();
    driver.start();
  }

  /** An IP literal as an address, without any name lookup. */
  private static InetAddress p(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + ip, e);
    }
  }

  /** A write request, with writes enabled: checked like a read's name, stored only once complete. */
  private void write(TftpPacket.WriteRequest wrq, String host, int port) {
    TransferMode mode = TransferMode.parse(wrq.mode()).orElse(null);
    if (mode != TransferMode.OCTET) {
      refuse(host, port, wrq.filename(), ErrorCode.ILLEGAL_OPERATION,
          "write mode '" + wrq.mode() + "' is not supported: use octet");
      return;
    }
    Path dir = options.writeDir().orElseThrow();
    SafePath.Checked checked = SafePath.name(wrq.filename());
    if (checked instanceof SafePath.Refused r) {
      refuse(host, port, wrq.filename(), ErrorCode.ACCESS_VIOLATION, "Access violation: " + r.message());
      return;
    }
    SafePath.Name name = (SafePath.Name) checked;
    Path target;
    Path temp;
    try {
      Path realDir = dir.toRealPath();
      target = realDir.resolve(name.value()).normalize();
      Path parent = target.getParent();
      if (parent == null || !Files.isDirectory(parent) || !parent.toRealPath().startsWith(realDir)) {
        refuse(host, port, wrq.filename(), ErrorCode.ACCESS_VIOLATION, "no such directory for " + wrq.filename());
        return;
      }
      if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        refuse(host, port, wrq.filename(), ErrorCode.FILE_EXISTS, "File already exists");
        return;
      }
      temp = Files.createTempFile(parent, ".upload-", ".part");
    } catch (IOException e) {
      LOG.warn("write request for {} from {}: {}", wrq.filename(), host, e.toString());
      refuse(host, port, wrq.filename(), ErrorCode.ACCESS_VIOLATION, "cannot write here");
      return;
    }
    Map<String, String> requested = new java.util.LinkedHashMap<>(wrq.options());
    requested.remove("windowsize"); // writes are lock-step
    OptionalLong announced = OptionalLong.empty();
    String tsize = requested.get("tsize");
    if (tsize != null && tsize.matches("\\d{1,18}")) {
      announced = OptionalLong.of(Long.parseLong(tsize));
      if (announced.getAsLong() > options.writeMaxBytes()) {
        deleteQuietly(temp);
        refuse(host, port, wrq.filename(), ErrorCode.DISK_FULL,
            "file of " + tsize + " bytes is larger than the " + options.writeMaxBytes() + " this server accepts");
        return;
      }
    }
    Negotiation negotiation = negotiator.negotiate(requested, announced);
    Map<String, String> oack = negotiation.oack().map(TftpPacket.OptionAck::options).orElse(Map.of());
    WriteTransfer transfer = new WriteTransfer(negotiation.options(), negotiation.oack(), options.writeMaxBytes(),
        options.retransmit());
    Path finalTarget = target;
    openTransferPort(host, port, wrq.filename(), () -> deleteQuietly(temp), (tid, peer) -> {
      WriteDriver driver;
      try {
        driver = new WriteDriver(IDS.incrementAndGet(), tid, peer, transfer, temp, finalTarget, name.value(), oack,
            listener, metrics, w -> writers.remove(w.peerKey(), w), this::blocking);
      } catch (IOException e) {
        tid.close();
        deleteQuietly(temp);
        refuse(host, port, wrq.filename(), ErrorCode.ACCESS_VIOLATION, "cannot write here");
        return;
      }
      writers.put(driver.peerKey(), driver);
      metrics.started();
      driver.start();
    });
  }

  /** Opens a transfer's own port on this verticle's event loop, then hands it over; refuses the request if none. */
  private void openTransferPort(String host, int port, String file, Runnable onFailure,
      java.util.function.BiConsumer<DatagramChannel, InetSocketAddress> ready) {
    EventLoop loop = ((ContextInternal) context).nettyEventLoop();
    DatagramChannel tid = ((VertxInternal) vertx).transport().datagramChannel();
    tid.config().setOption(ChannelOption.SO_SNDBUF, 1024 * 1024);
    tid.config().setOption(ChannelOption.SO_RCVBUF, 1024 * 1024);
    InetSocketAddress peer = new InetSocketAddress(p(host), port);
    loop.register(tid).addListener(reg -> {
      if (!reg.isSuccess()) {
        onFailure.run();
        refuse(host, port, file, ErrorCode.NOT_DEFINED, "no port free for the transfer");
        return;
      }
      tid.bind(new InetSocketAddress(options.host(), 0)).addListener(bound -> {
        if (!bound.isSuccess()) {
          tid.close();
          onFailure.run();
          refuse(host, port, file, ErrorCode.NOT_DEFINED, "no port free for the transfer");
          return;
        }
        ready.accept(tid, peer);
      });
    });
  }

  /** Runs file-system work that may wait on the disk (an fsync) on a worker thread, never on this event loop. */
  private void blocking(Runnable work) {
    vertx.executeBlocking(() -> {
      work.run();
      return null;
    }, false);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a stray temporary file in the write directory; harmless
    }
  }

  private void ended(TransferDriver d) {
    transfers.remove(d);
    byPeer.remove(d.peerKey(), d);
    if (byAddress != null) byAddress.remove(d);
    long now = System.nanoTime();
    for (var it = recent.values().iterator(); it.hasNext(); ) {
      if (now - it.next().completedAt() < REPEAT_WINDOW_NANOS) break;
      it.remove();
    }
    if (d.outcome().filter(o -> o instanceof Outcome.Completed).isPresent()) {
      recent.remove(d.peerKey());
      recent.put(d.peerKey(), new Recent(d.request(), now));
    }
  }

  /** Content-addressed artifacts are written once and renamed into place: never rewritten under a reader. */
  private static boolean immutable(Lookup.Origin origin) {
    return origin == Lookup.Origin.CACHE_HIT || origin == Lookup.Origin.CACHE_FILLED;
  }

  /**
   * Pulls a large file into the page cache on a worker thread while the first blocks go out, so block reads on the
   * event loop are memory copies, not disk waits. Once per file and size every {@link #WARM_AGAIN_NANOS}: in a boot
   * storm hundreds of transfers of one initrd start together, and reading it again for each was as much work as
   * serving it.
   */
  private void warm(Lookup.FileBody f) {
    if (f.size() < 1024 * 1024) return;
    long now = System.nanoTime();
    String key = f.path() + "\0" + f.size();
    Long last = warmed.get(key);
    if (last != null && now - last < WARM_AGAIN_NANOS) return;
    if (warmed.size() > 1024) warmed.clear(); // bounded: a boot root has far fewer large files
    warmed.put(key, now);
    vertx.executeBlocking(() -> {
      try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.READ)) {
        ByteBuffer buf = ByteBuffer.allocateDirect(1024 * 1024);
        long pos = 0;
        while (pos < f.size()) {
          buf.clear();
          int n = ch.read(buf, pos);
          if (n <= 0) break;
          pos += n;
        }
      }
      return null;
    }, false);
  }

  /** No transfer: the error comes from a new port, as a transfer's would (RFC 1350 §4), and is reported. */
  private void refuse(String host, int port, String file, ErrorCode code, String message) {
    metrics.refused(code);
    byte[] error = TftpCodec.encode(new TftpPacket.ErrorPacket(code, message));
    if (shared != null) {
      sendShared(error, new InetSocketAddress(p(host), port)); // single-port mode answers everything from the TFTP port, refusals too
    } else {
      DatagramSocket tid = vertx.createDatagramSocket();
      tid.listen(0, options.host())
          .compose(s -> s.send(Buffer.buffer(error), port, host))
          .onComplete(ar -> tid.close());
    }
    listener.ended(new TransferReport(IDS.incrementAndGet(), host, port, file, Optional.empty(), Map.of(),
        TransferOptions.DEFAULT, 0, Optional.empty(), Optional.of(new TransferReport.Refusal(code, message)),
        new TransferStats(0, 0, 0, 0, 0, 0, 0, 0, 0, OptionalLong.empty(), 0, 0)));
  }

  private void replyFromListener(String host, int port, ErrorCode code, String message) {
    metrics.errorSent(code);
    byte[] error = TftpCodec.encode(new TftpPacket.ErrorPacket(code, message));
    if (shared != null) {
      sendShared(error, new InetSocketAddress(p(host), port));
      return;
    }
    socket.send(Buffer.buffer(error), port, host);
  }

  private void sendShared(byte[] packet, InetSocketAddress to) {
    shared.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(packet), to), shared.voidPromise());
  }

  private static void closeQuietly(BlockSource s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
