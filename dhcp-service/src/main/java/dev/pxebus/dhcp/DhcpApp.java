package dev.pxebus.dhcp;

import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.lease.LeaseJournal;
import dev.pxebus.dhcp.lease.LeaseRecord;
import dev.pxebus.dhcp.lease.LeaseService;
import dev.pxebus.dhcp.lease.Reservation;
import dev.pxebus.dhcp.lease.Subnet;
import dev.pxebus.dhcp.lease.Subnets;
import dev.pxebus.dhcp.net.InterfaceAddress4;
import dev.pxebus.dhcp.server.DhcpMetrics;
import dev.pxebus.dhcp.server.DhcpServerVerticle;
import dev.pxebus.dhcp.steer.BootTarget;
import dev.pxebus.dhcp.steer.ReplicaSelector;
import dev.pxebus.events.catalog.HostEvent;
import java.util.Optional;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.Topics;
import dev.pxebus.events.replica.TftpReplicaEvent;
import dev.pxebus.runtime.Health;
import dev.pxebus.runtime.MaterializedView;
import dev.pxebus.runtime.RunningService;
import dev.pxebus.runtime.ServiceHost;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dhcp-service as started by {@link Main} or by {@code pxebus lab}: DHCP server or proxyDHCP on the configured
 * interfaces, leases in a local journal (server mode), boot clients steered to the least-loaded TFTP replica.
 */
public final class DhcpApp implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(DhcpApp.class);

  private final ServiceHost host;
  private final DhcpConfig config;
  private final MaterializedView<TftpReplicaEvent> replicas;
  private final ReplicaSelector selector;

  private final MaterializedView<HostEvent> hosts;
  private List<InterfaceAddress4> interfaces = List.of();
  private Optional<LeaseService> leases = Optional.empty();
  private Optional<LeaseJournal> journal = Optional.empty();
  private final DhcpMetrics metrics;
  private int lastHostsHash;

  private DhcpApp(ServiceHost host, DhcpConfig config, MaterializedView<TftpReplicaEvent> replicas,
      MaterializedView<HostEvent> hosts) {
    this.host = host;
    this.config = config;
    this.replicas = replicas;
    this.hosts = hosts;
    this.selector = new ReplicaSelector(config.replicaStaleAfter());
    this.metrics = new DhcpMetrics(host.registry());
  }

  public static Future<DhcpApp> start(DhcpConfig config) {
    ServiceHost host = ServiceHost.create(config.common());
    DhcpApp app = new DhcpApp(host, config, host.view(Topics.TFTP_REPLICAS), host.view(Topics.CATALOG_HOSTS));
    Gauge.builder("pxebus.dhcp.tftp.replicas.live", app, a -> a.liveReplicas().size())
        .description("TFTP replicas that announced themselves recently").register(host.registry());
    Gauge.builder("pxebus.dhcp.leases.active", app, a -> a.activeLeases().size())
        .description("bound, unexpired leases").register(host.registry());
    host.check("tftp-replicas", false, app::replicaHealth);
    host.check("dhcp", true, app::dhcpHealth);
    Future<Void> serving;
    try {
      serving = app.startServing();
    } catch (RuntimeException e) {
      serving = Future.failedFuture(e);
    }
    return serving.compose(v -> host.startAdmin()).map(port -> app)
        .onFailure(e -> {
          app.journal.ifPresent(LeaseJournal::close);
          host.close();
        });
  }

  private Future<Void> startServing() {
    DhcpConfig.Serving s = config.serving();
    if (!s.enabled()) {
      LOG.warn("dhcp.interface=none: dhcp-service answers NO DHCP packets (it only follows replicas and hosts)");
      return Future.succeededFuture();
    }
    interfaces = s.interfaces().isEmpty() ? InterfaceAddress4.all()
        : s.interfaces().stream().map(InterfaceAddress4::of).toList();
    if (interfaces.isEmpty()) {
      throw new IllegalStateException("no network interface with an IPv4 address to serve: set dhcp.interface");
    }
    if (config.mode() == DhcpConfig.Mode.SERVER) {
      List<Subnet> subnets = Subnets.build(s, interfaces);
      try {
        java.nio.file.Files.createDirectories(s.journalDir());
        journal = Optional.of(LeaseJournal.open(s.journalDir(), LeaseJournal.Options.defaults()));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot open the lease journal in " + s.journalDir() + " (" + DhcpConfig.JOURNAL_DIR
            + "): " + e.getMessage(), e);
      }
      Map<String, LeaseRecord> recovered = journal.get().recovered();
      LOG.info("lease journal {}: {} client record(s) recovered", s.journalDir(), recovered.size());
      LeaseService ls = new LeaseService(subnets, new LeaseService.Options(s.offerHold(), s.declineQuarantine(),
          s.serverId().map(DhcpPacket.Ip4::parse)), recovered.values());
      leases = Optional.of(ls);
      refreshReservations();
      host.vertx().setPeriodic(1000, t -> refreshReservations());
      host.onClose("lease journal", () -> {
        journal.ifPresent(LeaseJournal::close);
        return Future.succeededFuture();
      });
    }
    DhcpServerVerticle verticle = new DhcpServerVerticle(config.mode(), s, interfaces, leases, journal,
        host.publisher(), metrics, this::target, config.common().instanceId());
    return host.vertx().deployVerticle(verticle).onSuccess(id -> host.onClose("DHCP sockets",
        () -> host.vertx().undeploy(id))).mapEmpty();
  }

  /** Reservations from configuration plus every catalog host with a reserved address (re-read when they change). */
  private void refreshReservations() {
    if (leases.isEmpty()) return;
    Map<String, Envelope<HostEvent>> snap = hosts.snapshot();
    int hash = snap.hashCode();
    if (hash == lastHostsHash && lastHostsHash != 0) return;
    lastHostsHash = hash == 0 ? 1 : hash;
    List<Reservation> all = new java.util.ArrayList<>();
    for (String r : config.serving().reservations()) all.add(DhcpConfig.parseReservation(r));
    for (Envelope<HostEvent> e : snap.values()) {
      HostEvent h = e.data();
      if (h.reservedIp() == null || h.reservedIp().isBlank()) continue;
      try {
        all.add(new Reservation(h.mac(), DhcpPacket.Ip4.parse(h.reservedIp()),
            Optional.ofNullable(h.hostname()).filter(x -> !x.isBlank()), "catalog"));
      } catch (IllegalArgumentException ex) {
        LOG.warn("catalog host {}: reserved address '{}' is not IPv4; ignored", h.mac(), h.reservedIp());
      }
    }
    leases.get().setReservations(all);
  }

  /** The least-loaded live TFTP replica, else the configured next server, else this server's own address. */
  private BootTarget.Target target(int localAddress) {
    return BootTarget.choose(liveReplicas(), config.serving().nextServer().map(DhcpPacket.Ip4::parse), localAddress,
        config.serving().httpBase());
  }

  public List<LeaseRecord> activeLeases() {
    return leases.map(l -> l.activeLeases(System.currentTimeMillis())).orElse(List.of());
  }

  public List<InterfaceAddress4> interfaces() {
    return interfaces;
  }

  private Health dhcpHealth() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("mode", config.mode().name().toLowerCase());
    d.put("serving", config.serving().enabled());
    d.put("interfaces", interfaces.stream().map(InterfaceAddress4::toString).toList());
    leases.ifPresent(l -> {
      d.put("subnets", l.subnets().stream().map(Subnet::cidr).toList());
      d.put("activeLeases", l.activeLeases(System.currentTimeMillis()).size());
      d.put("reservations", l.reservations().size());
    });
    journal.ifPresent(j -> {
      d.put("journalFsyncs", j.fsyncs());
      d.put("journalRecords", j.recordsWritten());
    });
    return Health.up(d);
  }

  /** Live TFTP replicas, least loaded first. */
  public List<TftpReplicaEvent> liveReplicas() {
    return selector.live(replicas.snapshot().values().stream().map(Envelope::data).toList(), Instant.now());
  }

  private Health replicaHealth() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("caughtUp", replicas.isCaughtUp());
    d.put("known", replicas.size());
    d.put("live", liveReplicas().stream().map(TftpReplicaEvent::replicaId).toList());
    // Informational: no live replica is not a fault of dhcp-service.
    return Health.up(d);
  }

  @Override
  public String name() {
    return "dhcp-service";
  }

  @Override
  public List<String> endpoints() {
    return List.of(
        "admin " + host.adminUrl() + " (/health, /metrics)",
        "mode " + config.mode().name().toLowerCase()
            + (config.serving().enabled() ? " on " + interfaces : " — not serving (dhcp.interface=none)")
            + (config.mode() == DhcpConfig.Mode.SERVER ? " pools " + config.serving().pools().stream()
                .map(p -> p.first() + "-" + p.last()).toList() : "")
            + " (UDP " + config.serving().port()
            + (config.serving().bootServerPort() > 0 ? ", " + config.serving().bootServerPort() : "") + ")");
  }

  @Override
  public ServiceHost host() {
    return host;
  }

  @Override
  public Future<Void> close() {
    return host.close();
  }
}
