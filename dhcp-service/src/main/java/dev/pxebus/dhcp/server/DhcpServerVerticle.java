package dev.pxebus.dhcp.server;

import dev.pxebus.dhcp.DhcpConfig;
import dev.pxebus.dhcp.codec.DhcpCodec;
import dev.pxebus.dhcp.codec.DhcpCodecException;
import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.dhcp.codec.MessageType;
import dev.pxebus.dhcp.codec.OptionCode;
import dev.pxebus.dhcp.lease.LeaseJournal;
import dev.pxebus.dhcp.lease.LeaseRecord;
import dev.pxebus.dhcp.lease.LeaseService;
import dev.pxebus.dhcp.net.BoundChannels;
import dev.pxebus.dhcp.net.InterfaceAddress4;
import dev.pxebus.dhcp.net.ReplyRouting;
import dev.pxebus.dhcp.pxe.BootFileSelector;
import dev.pxebus.dhcp.pxe.PxeClassifier;
import dev.pxebus.dhcp.pxe.PxeClient;
import dev.pxebus.dhcp.pxe.PxeReplies;
import dev.pxebus.dhcp.steer.BootTarget;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.lease.LeaseState;
import dev.pxebus.runtime.kafka.EventPublisher;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * DHCP and proxyDHCP I/O only: per interface, a socket on port 67 and one on the PXE boot-server port (4011), each
 * pinned to its interface; decode → {@link LeaseService} or the proxy replies → journal (forced to disk) → encode →
 * send; events published without waiting. A packet that does not decode is logged with the reason, counted and
 * dropped; the server goes on.
 */
public final class DhcpServerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DhcpServerVerticle.class);
  private static final long WARN_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
  private final java.util.Map<String, Long> lastWarned = new java.util.HashMap<>();

  /** What the verticle asks of the rest of the service: where a new boot client is sent. */
  public interface Steering {
    BootTarget.Target target(int localAddress);
  }

  private final DhcpConfig.Mode mode;
  private final DhcpConfig.Serving serving;
  private final List<InterfaceAddress4> interfaces;
  private final Optional<LeaseService> leases;
  private final Optional<LeaseJournal> journal;
  private final EventPublisher publisher;
  private final DhcpMetrics metrics;
  private final Steering steering;
  private final String serverName;
  private final List<Channel> channels = new ArrayList<>();
  private final Map<String, Attempt> attempts = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Attempt> e) {
      return size() > 100_000;
    }
  };
  private long expiryTimer = -1;

  private record Attempt(String id, long xid) {}

  public DhcpServerVerticle(DhcpConfig.Mode mode, DhcpConfig.Serving serving, List<InterfaceAddress4> interfaces,
      Optional<LeaseService> leases, Optional<LeaseJournal> journal, EventPublisher publisher, DhcpMetrics metrics,
      Steering steering, String serverName) {
    this.mode = mode;
    this.serving = serving;
    this.interfaces = List.copyOf(interfaces);
    this.leases = leases;
    this.journal = journal;
    this.publisher = publisher;
    this.metrics = metrics;
    this.steering = steering;
    this.serverName = serverName;
  }

  @Override
  public Future<?> start() {
    EventLoop loop = ((ContextInternal) context).nettyEventLoop();
    List<Future<Void>> binds = new ArrayList<>();
    for (InterfaceAddress4 ifa : interfaces) {
      binds.add(bind(loop, ifa, serving.port(), false));
      if (serving.bootServerPort() > 0) binds.add(bind(loop, ifa, serving.bootServerPort(), true));
    }
    if (leases.isPresent()) {
      expiryTimer = vertx.setPeriodic(10_000, t -> expire());
    }
    return Future.all(binds).onSuccess(v -> LOG.info("{} serving on {} (ports {}{})", mode.name().toLowerCase(),
        interfaces, serving.port(), serving.bootServerPort() > 0 ? " and " + serving.bootServerPort() : ""));
  }

  @Override
  public Future<?> stop() {
    if (expiryTimer >= 0) vertx.cancelTimer(expiryTimer);
    List<Future<Void>> closes = new ArrayList<>();
    for (Channel c : channels) closes.add(toFuture(c.close()));
    return Future.join(closes);
  }

  private Future<Void> bind(EventLoop loop, InterfaceAddress4 ifa, int port, boolean bootServer) {
    ChannelFuture f = BoundChannels.bind(loop, ifa.name(), port, new SimpleChannelInboundHandler<DatagramPacket>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
        byte[] bytes = new byte[p.content().readableBytes()];
        p.content().getBytes(p.content().readerIndex(), bytes);
        onPacket(ctx.channel(), ifa, bootServer, p.sender(), bytes);
      }
    });
    channels.add(f.channel());
    Promise<Void> done = Promise.promise();
    f.addListener(r -> {
      if (r.isSuccess()) {
        done.complete();
      } else {
        done.fail(new IllegalStateException("cannot listen for DHCP on " + ifa.name() + " UDP " + port
            + " (needs root or CAP_NET_BIND_SERVICE and CAP_NET_RAW; another DHCP server may hold the port): "
            + r.cause().getMessage(), r.cause()));
      }
    });
    return done.future();
  }

  private static Future<Void> toFuture(ChannelFuture f) {
    Promise<Void> p = Promise.promise();
    f.addListener(r -> p.complete());
    return p.future();
  }

  // ------------------------------------------------------------------------------------------------ receive

  private void onPacket(Channel ch, InterfaceAddress4 ifa, boolean bootServer, InetSocketAddress from, byte[] bytes) {
    DhcpPacket req;
    try {
      req = DhcpCodec.decode(java.nio.ByteBuffer.wrap(bytes));
    } catch (DhcpCodecException e) {
      metrics.malformed();
      LOG.debug("dropped a malformed packet from {} on {}: {}", from, ifa.name(), e.getMessage());
      return;
    }
    if (req.op() != DhcpPacket.BOOTREQUEST) return; // our own broadcasts, other servers' replies
    if (req.chaddr().length < 6) {
      metrics.dropped("hardware address shorter than 6 bytes");
      LOG.debug("dropped a request from {} on {}: hlen {} is not an Ethernet address", from, ifa.name(), req.hlen());
      return;
    }
    String mac = LeaseService.mac(req);
    MDC.put("mac", mac);
    MDC.put("xid", Long.toHexString(req.xid()));
    try {
      metrics.received(req.messageType());
      String attempt = attemptFor(mac, req);
      publishStep(req, stageOf(req.messageType()), attempt, ifa, "", "");
      if (bootServer) {
        bootServer(ch, ifa, req, from, attempt);
      } else if (mode == DhcpConfig.Mode.SERVER) {
        server(ch, ifa, req, attempt);
      } else {
        proxy(ch, ifa, req, attempt);
      }
    } catch (RuntimeException e) {
      // A bug must cost one packet, never the server.
      metrics.dropped("internal error");
      LOG.error("failed on a {} from {}: {}", req.messageType(), from, e.toString(), e);
    } finally {
      MDC.remove("mac");
      MDC.remove("xid");
    }
  }

  private void server(Channel ch, InterfaceAddress4 ifa, DhcpPacket req, String attempt) {
    LeaseService.Context ctx = new LeaseService.Context(System.currentTimeMillis(), ifa.address(), ifa.name());
    LeaseService.Decision d = leases.orElseThrow().replyFor(ctx, req);
    if (d.reply().isEmpty()) {
      if (!d.journal().isEmpty()) {
        journalThen(d.journal(), () -> { });
      }
      drop(req, d.reason(), d.unserved());
      return;
    }
    DhcpPacket reply = d.reply().get();
    MessageType type = reply.messageType();
    PxeClassifier.Result pxe = PxeClassifier.classify(req);
    String bootFile = "";
    int nextServer = 0;
    if (pxe.client().isPresent() && (type == MessageType.OFFER || type == MessageType.ACK)) {
      PxeClient c = pxe.client().get();
      BootTarget.Target t = target(ifa);
      Optional<BootFileSelector.Choice> choice = BootFileSelector.select(c, serving.bootPolicy(),
          LeaseService.mac(req), Ip4.text(t.server()), t.httpBase());
      if (choice.isPresent()) {
        reply = PxeReplies.withBootInfo(reply, c, choice.get(), t.server());
        bootFile = choice.get().bootFile();
        nextServer = t.server();
      } else {
        LOG.info("PXE client of architecture {} gets an address but no boot file (none configured for it)", c.arch());
      }
    }
    DhcpPacket out = ReplyRouting.forRelay(req, reply);
    ReplyRouting.Destination dest = ReplyRouting.destination(req, out);
    String file = bootFile;
    int next = nextServer;
    Runnable send = () -> {
      send(ch, out, dest, maxSize(req));
      publishStep(out, stageOf(type), attempt, ifa, file, next == 0 ? "" : Ip4.text(next));
    };
    if (d.journal().isEmpty()) {
      send.run();
    } else {
      journalThen(d.journal(), send);
    }
  }

  private void proxy(Channel ch, InterfaceAddress4 ifa, DhcpPacket req, String attempt) {
    PxeClassifier.Result pxe = PxeClassifier.classify(req);
    if (pxe.client().isEmpty()) {
      drop(req, "proxyDHCP answers boot clients only: " + pxe.reason());
      return;
    }
    PxeClient c = pxe.client().get();
    MessageType type = req.messageType();
    if (type == MessageType.DISCOVER) {
      BootTarget.Target t = target(ifa);
      Optional<BootFileSelector.Choice> choice = BootFileSelector.select(c, serving.bootPolicy(),
          LeaseService.mac(req), Ip4.text(t.server()), t.httpBase());
      if (choice.isEmpty()) {
        drop(req, "no boot file configured for architecture " + c.arch());
        return;
      }
      // PXE clients take the file from the 4011 exchange (or the menu for BIOS ROMs); UEFI HTTP boot has no 4011
      // step, so its URL goes in the offer itself.
      DhcpPacket offer = PxeReplies.proxyOffer(req, c, choice, ifa.address(), t.server());
      ReplyRouting.Destination dest = req.giaddr() != 0
          ? new ReplyRouting.Destination(req.giaddr(), ReplyRouting.SERVER_PORT, false)
          : new ReplyRouting.Destination(ReplyRouting.BROADCAST, serving.clientPort(), true);
      send(ch, offer, dest, maxSize(req));
      publishStep(offer, BootStage.PROXY_OFFER, attempt, ifa, "", Ip4.text(t.server()));
    } else if (type == MessageType.REQUEST && serverIdIs(req, ifa.address())) {
      // A REQUEST for our proxy offer on port 67 (some ROMs do this instead of using 4011): boot information.
      bootServerReply(ch, ifa, req, c, new InetSocketAddress("255.255.255.255", serving.clientPort()), attempt, true);
    } else {
      drop(req, "proxyDHCP: " + type + " is for the network's own DHCP server");
    }
  }

  private void bootServer(Channel ch, InterfaceAddress4 ifa, DhcpPacket req, InetSocketAddress from, String attempt) {
    PxeClassifier.Result pxe = PxeClassifier.classify(req);
    if (pxe.client().isEmpty()) {
      drop(req, "boot-server port: " + pxe.reason());
      return;
    }
    MessageType type = req.messageType();
    if (type != MessageType.REQUEST && type != MessageType.INFORM) {
      drop(req, "boot-server port expects REQUEST or INFORM, got " + type);
      return;
    }
    bootServerReply(ch, ifa, req, pxe.client().get(), from, attempt, false);
  }

  private void bootServerReply(Channel ch, InterfaceAddress4 ifa, DhcpPacket req, PxeClient c, InetSocketAddress to,
      String attempt, boolean broadcast) {
    BootTarget.Target t = target(ifa);
    Optional<BootFileSelector.Choice> choice = BootFileSelector.select(c, serving.bootPolicy(), LeaseService.mac(req),
        Ip4.text(t.server()), t.httpBase());
    if (choice.isEmpty()) {
      drop(req, "no boot file configured for architecture " + c.arch());
      return;
    }
    DhcpPacket ack = PxeReplies.bootServerAck(req, c, choice.get(), ifa.address(), t.server());
    int addr = Ip4.of((java.net.Inet4Address) to.getAddress());
    ReplyRouting.Destination dest = broadcast
        ? new ReplyRouting.Destination(ReplyRouting.BROADCAST, to.getPort(), true)
        : ReplyRouting.bootServerReply(addr, to.getPort());
    send(ch, ack, dest, maxSize(req));
    publishStep(ack, BootStage.PROXY_ACK, attempt, ifa, choice.get().bootFile(), Ip4.text(t.server()));
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private BootTarget.Target target(InterfaceAddress4 ifa) {
    return steering.target(ifa.address());
  }

  private static boolean serverIdIs(DhcpPacket req, int ip) {
    return req.optionValue(OptionCode.SERVER_ID).filter(v -> v.length == 4).map(v -> Ip4.fromBytes(v, 0) == ip)
        .orElse(false);
  }

  /** Journal first (forced to disk), then send: a client is never told of a lease a crash could forget. */
  private void journalThen(List<LeaseRecord> records, Runnable send) {
    journal.orElseThrow().appendAll(records).whenComplete((v, e) -> context.runOnContext(x -> {
      if (e != null) {
        metrics.dropped("journal write failed");
        LOG.error("lease journal write failed; the reply is NOT sent: {}", e.toString());
        return;
      }
      send.run();
      for (LeaseRecord r : records) publishLease(r);
    }));
  }

  private void expire() {
    List<LeaseRecord> expired = leases.orElseThrow().expire(System.currentTimeMillis());
    if (!expired.isEmpty()) journalThen(expired, () -> LOG.debug("{} lease(s) expired", expired.size()));
  }

  private void send(Channel ch, DhcpPacket p, ReplyRouting.Destination dest, int maxSize) {
    byte[] bytes;
    try {
      bytes = DhcpCodec.encode(p, maxSize);
    } catch (DhcpCodecException e) {
      metrics.dropped("reply does not encode");
      LOG.warn("reply {} does not encode: {}", p.messageType(), e.getMessage());
      return;
    }
    metrics.sent(p.messageType());
    InetSocketAddress to = new InetSocketAddress(Ip4.text(dest.address()), dest.port());
    ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to)).addListener(f -> {
      if (!f.isSuccess()) {
        metrics.dropped("send failed");
        LOG.warn("sending {} to {} failed: {}", p.messageType(), to, f.cause().toString());
      }
    });
  }

  /**
   * The largest DHCP payload the client takes: RFC 2132 §9.10's maximum message size (at least 576) counts the IP
   * and UDP headers (28 bytes), so the payload is 28 less; without the option, RFC 2131's 576-byte minimum applies.
   * Never more than an Ethernet frame holds.
   */
  private static int maxSize(DhcpPacket req) {
    int datagram = req.optionValue(OptionCode.MAX_MESSAGE_SIZE).filter(v -> v.length == 2)
        .map(v -> Math.max(576, ((v[0] & 0xFF) << 8) | (v[1] & 0xFF))).orElse(576);
    return Math.min(datagram, 1500) - 28;
  }

  private void drop(DhcpPacket req, String reason) {
    drop(req, reason, false);
  }

  private void drop(DhcpPacket req, String reason, boolean unserved) {
    String kind = reasonClass(reason);
    metrics.dropped(kind);
    if (unserved) {
      // A client this server should serve gets nothing: the operator must hear of it, but a client retrying (or a
      // storm of them against an exhausted pool) must not flood the log: one line per kind every 10 s at most.
      long now = System.nanoTime();
      Long last = lastWarned.get(kind);
      if (last == null || now - last >= WARN_EVERY_NANOS) {
        lastWarned.put(kind, now);
        LOG.warn("no offer to {}: {} (further ones within 10 s: debug log, counted as pxebus_dhcp_dropped_total"
            + "{reason=\"{}\"})", LeaseService.mac(req), reason, kind);
        return;
      }
    }
    LOG.debug("no reply to {} from {}: {}", req.messageType(), LeaseService.mac(req), reason);
  }

  private static String reasonClass(String reason) {
    int colon = reason.indexOf(':');
    String head = colon > 0 ? reason.substring(0, colon) : reason;
    return head.length() > 40 ? head.substring(0, 40) : head;
  }

  /** A boot attempt starts with a DISCOVER of a new transaction; later steps of the same machine join it. */
  private String attemptFor(String mac, DhcpPacket req) {
    Attempt a = attempts.get(mac);
    boolean fresh = a == null || (req.messageType() == MessageType.DISCOVER && a.xid() != req.xid()
        && !sameBootChain(a, req));
    if (fresh) {
      a = new Attempt(Envelope.newId(), req.xid());
      attempts.put(mac, a);
    } else if (a.xid() != req.xid()) {
      attempts.put(mac, new Attempt(a.id(), req.xid()));
    }
    return a.id();
  }

  /** The PXE ROM's DHCP followed by its bootloader's (iPXE, pxelinux) is one boot: iPXE says so in option 175. */
  private static boolean sameBootChain(Attempt a, DhcpPacket req) {
    return req.option(OptionCode.IPXE_ENCAP).isPresent() || req.option(OptionCode.USER_CLASS).isPresent();
  }

  private static BootStage stageOf(MessageType t) {
    return switch (t) {
      case DISCOVER -> BootStage.DHCP_DISCOVER;
      case OFFER -> BootStage.DHCP_OFFER;
      case REQUEST -> BootStage.DHCP_REQUEST;
      case ACK -> BootStage.DHCP_ACK;
      case NAK -> BootStage.DHCP_NAK;
      case DECLINE -> BootStage.DHCP_DECLINE;
      case RELEASE -> BootStage.DHCP_RELEASE;
      case INFORM -> BootStage.DHCP_INFORM;
      default -> BootStage.DHCP_DISCOVER;
    };
  }

  private void publishStep(DhcpPacket p, BootStage stage, String attempt, InterfaceAddress4 ifa, String bootFile,
      String nextServer) {
    if (p.messageType() == MessageType.UNKNOWN) return;
    String vendor = p.optionValue(OptionCode.VENDOR_CLASS).map(v -> new String(v, StandardCharsets.US_ASCII))
        .orElse(null);
    Integer arch = p.optionValue(OptionCode.CLIENT_ARCH).filter(v -> v.length >= 2)
        .map(v -> ((v[0] & 0xFF) << 8) | (v[1] & 0xFF)).orElse(null);
    String uuid = p.optionValue(OptionCode.CLIENT_UUID).filter(v -> v.length == 17)
        .map(v -> java.util.HexFormat.of().formatHex(v, 1, 17)).orElse(null);
    String userClass = p.optionValue(OptionCode.USER_CLASS).map(v -> new String(v, StandardCharsets.US_ASCII))
        .orElse(null);
    int requested = p.optionValue(OptionCode.REQUESTED_IP).filter(v -> v.length == 4).map(v -> Ip4.fromBytes(v, 0))
        .orElse(0);
    String clientIp = p.ciaddr() != 0 ? Ip4.text(p.ciaddr()) : requested != 0 ? Ip4.text(requested) : null;
    String reason = p.messageType() == MessageType.NAK
        ? p.optionValue(OptionCode.MESSAGE).map(v -> new String(v, StandardCharsets.US_ASCII)).orElse(null) : null;
    publisher.publish(new DhcpStepEvent(LeaseService.mac(p), stage, p.xid(), clientIp,
        p.yiaddr() != 0 ? Ip4.text(p.yiaddr()) : null, Ip4.text(ifa.address()),
        p.giaddr() != 0 ? Ip4.text(p.giaddr()) : null, vendor, arch, uuid, userClass,
        bootFile.isEmpty() ? null : bootFile, nextServer.isEmpty() ? null : nextServer, reason), attempt);
  }

  private void publishLease(LeaseRecord r) {
    if (r.clientKey().startsWith("declined:")) return; // the quarantine itself is not a client's lease
    LeaseState state = switch (r.state()) {
      case BOUND, OFFERED -> LeaseState.BOUND;
      case RELEASED -> LeaseState.RELEASED;
      case EXPIRED -> LeaseState.EXPIRED;
      case DECLINED -> LeaseState.DECLINED;
    };
    String subnet = leases.orElseThrow().subnets().stream().filter(s -> s.contains(r.ip())).map(s -> s.cidr())
        .findFirst().orElse(null);
    publisher.publish(new LeaseEvent(r.mac(), r.clientKey(), Ip4.text(r.ip()), state, subnet,
        r.hostname() == null || r.hostname().isEmpty() ? null : r.hostname(), Instant.ofEpochMilli(r.startMillis()),
        Instant.ofEpochMilli(r.expiresMillis()), serverName));
  }

}
