package dev.pxebus.tftp;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventType;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.HttpFileEvent;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.replica.TftpReplicaEvent;
import dev.pxebus.events.Topics;
import dev.pxebus.runtime.Health;
import dev.pxebus.runtime.RunningService;
import dev.pxebus.runtime.ServiceHost;
import dev.pxebus.tftp.boot.BootNamespace;
import dev.pxebus.tftp.boot.BootNamespaceOptions;
import dev.pxebus.tftp.boot.ImageCatalog;
import dev.pxebus.tftp.http.HttpFileAccess;
import dev.pxebus.tftp.http.HttpFileOptions;
import dev.pxebus.tftp.http.HttpFileVerticle;
import dev.pxebus.tftp.replica.ReplicaAnnouncerVerticle;
import dev.pxebus.tftp.server.Mtu;
import dev.pxebus.tftp.server.TftpServerMetrics;
import dev.pxebus.tftp.server.TftpServerOptions;
import dev.pxebus.tftp.server.TftpServerVerticle;
import dev.pxebus.tftp.server.TransferListener;
import dev.pxebus.tftp.server.TransferReport;
import dev.pxebus.tftp.transfer.OptionLimits;
import dev.pxebus.tftp.transfer.Outcome;
import dev.pxebus.tftp.transfer.RetransmitPolicy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tftp-service as started by {@link Main} or by {@code pxebus lab}: the boot namespace over TFTP (one listener per
 * event loop on port 69) and HTTP, transfer events on the boot topic, and replica announcements with its load.
 */
public final class TftpApp implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(TftpApp.class);
  /** MAC of boot events about a client the lease topic does not know (yet). */
  public static final String UNKNOWN_MAC = "00:00:00:00:00:00";
  /** Boot-attempt id of such events: dhcp-service creates attempt ids, and the lease carries none yet. */
  public static final String UNKNOWN_ATTEMPT = "unknown";

  private final ServiceHost host;
  private final TftpConfig config;
  private final String replicaId;
  private final String address;
  private final LeaseIndex leases;
  private final TftpServerMetrics metrics;
  private final int maxBlksize;
  private final AtomicInteger tftpPort = new AtomicInteger();
  private volatile int httpPort = -1;
  private long lastBytes;
  private long lastAt = System.nanoTime();

  private TftpApp(ServiceHost host, TftpConfig config) {
    this.host = host;
    this.config = config;
    // Unique per process: replicas scaled on one host network share host name and instance id.
    byte[] suffix = new byte[3];
    ThreadLocalRandom.current().nextBytes(suffix);
    this.replicaId = config.common().instanceId() + "-" + HexFormat.of().formatHex(suffix);
    this.address = config.advertiseAddress().orElseGet(() -> defaultAddress(config.bindAddress()));
    this.leases = new LeaseIndex(host);
    this.metrics = new TftpServerMetrics(host.registry());
    this.maxBlksize = config.maxBlksize() != 0 ? config.maxBlksize()
        : OptionLimits.blksizeForMtu(Mtu.forListenAddress(config.bindAddress()));
  }

  public static Future<TftpApp> start(TftpConfig config) {
    ServiceHost host = ServiceHost.create(config.common(), config.busyPoll());
    if (!Files.isDirectory(config.root())) {
      LOG.warn("tftp-service: boot root {} does not exist ({})", config.root(), TftpConfig.ROOT);
    }
    TftpApp app = new TftpApp(host, config);
    host.check("boot-root", true, () -> Files.isDirectory(config.root()) && Files.isReadable(config.root())
        ? Health.up(Map.of("path", config.root().toString()))
        : Health.down(Map.of("path", config.root().toString(), "error", "not a readable directory")));
    host.check("tftp", false, app::tftpHealth);
    BootNamespaceOptions nsOptions = BootNamespaceOptions.of(config.root(), config.cacheDir());
    if (config.menuUrl().isPresent()) {
      nsOptions = nsOptions.withMenu(config.menuUrl().get(), config.menuTimeout(),
          BootNamespaceOptions.DEFAULT_MENU_RETRY_AFTER);
    }
    if (config.catalogUrl().isPresent()) {
      nsOptions = nsOptions.withCatalog(config.catalogUrl().get(), BootNamespaceOptions.DEFAULT_CATALOG_IDLE_TIMEOUT);
      if (config.catalogToken().isPresent()) nsOptions = nsOptions.withCatalogToken(config.catalogToken().get());
    }
    ImageCatalog images = ImageCatalog.of(host.view(Topics.CATALOG_IMAGES));
    return BootNamespace.create(host.vertx(), nsOptions, images, host.registry())
        .compose(ns -> {
          host.onClose("boot namespace", ns::close);
          return app.deployTftp(ns).compose(v -> app.deployHttp(ns));
        })
        .compose(v -> host.vertx().deployVerticle(
            new ReplicaAnnouncerVerticle(host.publisher(), config.announceInterval(), app::announcement)))
        .compose(id -> {
          host.onClose("replica announcer", () -> host.vertx().undeploy(id));
          return host.startAdmin();
        })
        .map(port -> app)
        .onFailure(e -> host.close());
  }

  private Future<Void> deployTftp(BootNamespace ns) {
    RetransmitPolicy policy = new RetransmitPolicy(config.rtoInitial(), config.rtoMin(), config.rtoMax(),
        config.maxRetransmits(), config.giveUpAfter());
    OptionLimits limits = OptionLimits.DEFAULT.withMaxBlksize(maxBlksize).withMaxWindowsize(config.maxWindowsize());
    int instances = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
    // Several listeners on one port need SO_REUSEPORT even within one replica.
    boolean reuse = config.reusePort() || instances > 1;
    TftpServerOptions options = new TftpServerOptions(config.bindAddress(), listenPort(reuse), reuse, limits, policy,
        config.writeDir(), config.writeMaxMib() * 1024L * 1024L, config.singlePort());
    config.writeDir().ifPresent(d -> LOG.warn("TFTP write requests are ENABLED into {} (up to {} MiB a file)", d,
        config.writeMaxMib()));
    TransferListener events = new TransferEvents();
    List<TftpServerVerticle> listeners = new java.util.ArrayList<>();
    return host.vertx().deployVerticle(() -> {
          TftpServerVerticle v = new TftpServerVerticle(options, ns, leases::macOf, events, metrics);
          synchronized (listeners) {
            listeners.add(v);
          }
          return v;
        }, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> {
          host.onClose("TFTP listeners", () -> host.vertx().undeploy(id));
          tftpPort.set(listeners.get(0).port());
          LOG.info("TFTP on {}:{} ({} event loops, blksize up to {}, windowsize up to {})", config.bindAddress(),
              tftpPort.get(), instances, maxBlksize, config.maxWindowsize());
        })
        .mapEmpty();
  }

  /**
   * The configured port; for port 0 with several listeners, one free port chosen up front. Each listener binding port
   * 0 on its own would get a port of its own, and Linux may even hand a SO_REUSEPORT socket asking for port 0 a port
   * that another reuse-port socket of the same user already holds, which would then receive part of our requests.
   * A probe socket without SO_REUSEPORT only gets a port nobody holds.
   */
  private int listenPort(boolean reuse) {
    if (config.tftpPort() != 0 || !reuse) return config.tftpPort();
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(
        new java.net.InetSocketAddress(config.bindAddress(), 0))) {
      return probe.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot find a free UDP port on " + config.bindAddress() + ": " + e.getMessage(), e);
    }
  }

  private Future<Void> deployHttp(BootNamespace ns) {
    if (!config.httpEnabled()) return Future.succeededFuture();
    HttpFileVerticle http = new HttpFileVerticle(ns,
        HttpFileOptions.of(config.bindAddress(), config.httpPort(), config.reusePort()), this::httpServed);
    return host.vertx().deployVerticle(http).onSuccess(id -> {
      host.onClose("HTTP file server", () -> host.vertx().undeploy(id));
      httpPort = http.actualPort();
    }).mapEmpty();
  }

  /** Publishes transfer events; never blocks a transfer (the publisher only buffers). */
  private final class TransferEvents implements TransferListener {
    @Override
    public void started(TransferReport r) {
      publish(r, BootStage.TFTP_STARTED, null, null);
    }

    @Override
    public void ended(TransferReport r) {
      if (r.refusal().isPresent()) {
        publish(r, BootStage.TFTP_FAILED, r.refusal().get().code().value(), r.refusal().get().message());
        return;
      }
      Outcome o = r.outcome().orElseThrow();
      if (o instanceof Outcome.AbortedAfterOack a) {
        publish(r, BootStage.TFTP_COMPLETED, 8, "client ended after the option acknowledgement (size probe): "
            + a.message());
      } else if (o instanceof Outcome.ClientError e) {
        publish(r, BootStage.TFTP_FAILED, e.code().value(), e.message());
      } else if (o instanceof Outcome.TimedOut t) {
        publish(r, BootStage.TFTP_FAILED, null,
            "no answer after " + t.retransmissions() + " retransmissions of block " + t.index());
      } else {
        publish(r, BootStage.TFTP_COMPLETED, null, null);
      }
    }
  }

  private void publish(TransferReport r, BootStage stage, Integer errorCode, String error) {
    Map<String, String> options = new LinkedHashMap<>(r.options());
    long bytes = stage == BootStage.TFTP_STARTED ? 0 : r.stats().bytesAcknowledged();
    long ms = r.stats().elapsedNanos() / 1_000_000;
    int retransmissions = (int) r.stats().retransmissions();
    publishAttributed(r.clientIp(), mac -> new TftpTransferEvent(mac, stage, r.clientIp(), r.clientPort(), replicaId,
        r.file(), options, bytes, ms, retransmissions, errorCode, error));
  }

  private void httpServed(HttpFileAccess a) {
    BootStage stage = a.served() ? BootStage.HTTP_SERVED : BootStage.HTTP_FAILED;
    java.util.function.Function<String, BootStepEvent> event = mac -> new HttpFileEvent(mac, stage, a.clientIp(),
        replicaId, a.method(), a.path(), a.status(), a.bytes(), a.durationMs(), a.range());
    if (a.mac() != null) {
      host.publisher().publish((HttpFileEvent) event.apply(a.mac()), UNKNOWN_ATTEMPT);
    } else {
      publishAttributed(a.clientIp(), event);
    }
  }

  /** How long an event waits for its client's lease, polled every {@link #MAC_WAIT_STEP_MS}. */
  static final int MAC_WAIT_STEPS = 12;
  static final long MAC_WAIT_STEP_MS = 250;

  /**
   * Publishes a machine's event under its MAC, found from its address in the lease topic. A client can ask for its
   * first file within a second of its DHCP ACK, before the lease record has reached this replica: then the event
   * waits (a timer, never the transfer) up to {@code MAC_WAIT_STEPS × MAC_WAIT_STEP_MS} for the lease, and goes out
   * with the time it happened, under {@value #UNKNOWN_MAC} only if the lease never came.
   */
  private void publishAttributed(String clientIp, java.util.function.Function<String, ? extends BootStepEvent> make) {
    Waiting w = new Waiting(clientIp, Instant.now(), make);
    if (!w.tryPublish(false)) {
      waiting.add(w);
      w.schedule();
    }
  }

  /** Events waiting for their client's lease; published at once, as they are, when the service closes. */
  private final java.util.Set<Waiting> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  private final class Waiting {
    final String clientIp;
    final Instant at;
    final java.util.function.Function<String, ? extends BootStepEvent> make;
    final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    int steps;

    Waiting(String clientIp, Instant at, java.util.function.Function<String, ? extends BootStepEvent> make) {
      this.clientIp = clientIp;
      this.at = at;
      this.make = make;
    }

    void schedule() {
      host.vertx().setTimer(MAC_WAIT_STEP_MS, t -> {
        if (!tryPublish(++steps >= MAC_WAIT_STEPS || closing)) schedule();
      });
    }

    /** Publishes when the MAC is known, or anyway when {@code force}; true when published (now or before). */
    boolean tryPublish(boolean force) {
      java.util.Optional<String> mac = leases.macOf(clientIp);
      if (mac.isEmpty() && !force) return false;
      if (!done.compareAndSet(false, true)) return true;
      waiting.remove(this);
      BootStepEvent e = make.apply(mac.orElse(UNKNOWN_MAC));
      host.publisher().publish(new Envelope<>(Envelope.newId(), host.config().eventSource(),
          EventType.of(e), at, e.key(), UNKNOWN_ATTEMPT, Envelope.SCHEMA_VERSION, e));
      return true;
    }
  }


  private Map<String, Object> tftpHealthDetails() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("port", tftpPort.get());
    d.put("httpPort", httpPort);
    d.put("activeTransfers", metrics.active());
    d.put("bytesSent", metrics.bytesSent());
    d.put("maxBlksize", maxBlksize);
    return d;
  }

  private Health tftpHealth() {
    return Health.up(tftpHealthDetails());
  }

  /** This replica's current announcement: address, ports, load. */
  public synchronized TftpReplicaEvent announcement() {
    long now = System.nanoTime();
    long bytes = metrics.bytesSent();
    double seconds = Math.max(0.001, (now - lastAt) / 1e9);
    long bps = (long) ((bytes - lastBytes) / seconds);
    lastBytes = bytes;
    lastAt = now;
    String http = httpPort > 0 ? "http://" + address + ":" + httpPort : null;
    return new TftpReplicaEvent(replicaId, config.common().instanceId(), address, tftpPort.get(), http,
        metrics.active(), bps, false, Instant.now());
  }

  public String replicaId() {
    return replicaId;
  }

  /** The TFTP port listened on (differs from the configured one only when that was 0). */
  public int tftpPort() {
    return tftpPort.get();
  }

  public int httpPort() {
    return httpPort;
  }

  public TftpServerMetrics metrics() {
    return metrics;
  }

  /**
   * The address announced to dhcp-service (the next-server clients are sent to) when none is configured: the bind
   * address when it is one, else the first IPv4 address of an interface that is up (administratively: a link
   * without a carrier yet, such as a bridge whose VM taps are not open, still counts), else loopback.
   */
  static String defaultAddress(String bindAddress) {
    try {
      InetAddress bound = InetAddress.getByName(bindAddress);
      if (bound instanceof Inet4Address && !bound.isAnyLocalAddress()) return bound.getHostAddress();
    } catch (java.net.UnknownHostException e) {
      LOG.warn("cannot resolve the bind address {}: {}", bindAddress, e.toString());
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!dev.pxebus.runtime.net.LinkState.isAdminUp(nic) || nic.isLoopback()) continue;
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address) return a.getHostAddress();
        }
      }
    } catch (SocketException e) {
      LOG.warn("cannot list network interfaces: {}", e.toString());
    }
    return "127.0.0.1";
  }

  @Override
  public String name() {
    return "tftp-service";
  }

  @Override
  public List<String> endpoints() {
    return List.of(
        "admin " + host.adminUrl() + " (/health, /metrics)",
        "TFTP " + config.bindAddress() + ":" + tftpPort.get() + " (blksize up to " + maxBlksize + ", windowsize up to "
            + config.maxWindowsize() + "), boot root " + config.root(),
        httpPort > 0 ? "HTTP http://" + config.bindAddress() + ":" + httpPort + "/ (same files)" : "HTTP disabled",
        "replica " + replicaId + " announced as " + address + " every " + config.announceInterval().toMillis() + " ms");
  }

  @Override
  public ServiceHost host() {
    return host;
  }

  @Override
  public Future<Void> close() {
    closing = true;
    for (Waiting w : List.copyOf(waiting)) w.tryPublish(true); // nothing lost: out before the publisher closes
    return host.close();
  }
}
