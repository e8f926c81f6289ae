package dev.pxebus.dhcp;

import dev.pxebus.dhcp.steer.ReplicaSelector;
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
 * dhcp-service as started by {@link Main} or by {@code pxebus lab}. Today it follows the TFTP replicas it will steer
 * clients to; DHCP and proxyDHCP serving come with issue #4.
 */
public final class DhcpApp implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(DhcpApp.class);

  private final ServiceHost host;
  private final DhcpConfig config;
  private final MaterializedView<TftpReplicaEvent> replicas;
  private final ReplicaSelector selector;

  private DhcpApp(ServiceHost host, DhcpConfig config, MaterializedView<TftpReplicaEvent> replicas) {
    this.host = host;
    this.config = config;
    this.replicas = replicas;
    this.selector = new ReplicaSelector(config.replicaStaleAfter());
  }

  public static Future<DhcpApp> start(DhcpConfig config) {
    ServiceHost host = ServiceHost.create(config.common());
    LOG.warn("dhcp-service: DHCP and proxyDHCP serving are NOT BUILT YET (issue #4): this process answers no DHCP "
        + "packets and binds no DHCP port (configured mode: {})", config.mode().name().toLowerCase());
    DhcpApp app = new DhcpApp(host, config, host.view(Topics.TFTP_REPLICAS));
    Gauge.builder("pxebus.dhcp.tftp.replicas.live", app, a -> a.liveReplicas().size())
        .description("TFTP replicas that announced themselves recently").register(host.registry());
    host.check("tftp-replicas", false, app::replicaHealth);
    return host.startAdmin().map(port -> app)
        .onFailure(e -> host.close());
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
        "mode " + config.mode().name().toLowerCase() + config.iface().map(i -> " on " + i).orElse("")
            + config.pool().map(p -> " pool " + p.first() + "-" + p.last()).orElse("")
            + " — DHCP serving not built yet (issue #4)");
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
