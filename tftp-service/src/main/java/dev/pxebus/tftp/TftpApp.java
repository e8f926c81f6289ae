package dev.pxebus.tftp;

import dev.pxebus.events.replica.TftpReplicaEvent;
import dev.pxebus.runtime.Health;
import dev.pxebus.runtime.RunningService;
import dev.pxebus.runtime.ServiceHost;
import dev.pxebus.tftp.replica.ReplicaAnnouncerVerticle;
import io.vertx.core.Future;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tftp-service as started by {@link Main} or by {@code pxebus lab}. Today it announces itself as a replica;
 * TFTP and HTTP file delivery come with issue #3.
 */
public final class TftpApp implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(TftpApp.class);

  private final ServiceHost host;
  private final TftpConfig config;
  private final String replicaId;
  private final String address;

  private TftpApp(ServiceHost host, TftpConfig config) {
    this.host = host;
    this.config = config;
    // Unique per process: replicas scaled on one host network share host name and instance id.
    byte[] suffix = new byte[3];
    ThreadLocalRandom.current().nextBytes(suffix);
    this.replicaId = config.common().instanceId() + "-" + HexFormat.of().formatHex(suffix);
    this.address = config.advertiseAddress().orElseGet(TftpApp::firstIpv4);
  }

  public static Future<TftpApp> start(TftpConfig config) {
    ServiceHost host = ServiceHost.create(config.common());
    LOG.warn("tftp-service: TFTP and HTTP file delivery are NOT BUILT YET (issue #3): this replica announces itself "
        + "but serves no files and binds no TFTP port");
    if (!Files.isDirectory(config.root())) {
      LOG.warn("tftp-service: boot root {} does not exist ({})", config.root(), TftpConfig.ROOT);
    }
    TftpApp app = new TftpApp(host, config);
    host.check("boot-root", true, () -> Files.isDirectory(config.root()) && Files.isReadable(config.root())
        ? Health.up(Map.of("path", config.root().toString()))
        : Health.down(Map.of("path", config.root().toString(), "error", "not a readable directory")));
    return host.vertx()
        .deployVerticle(new ReplicaAnnouncerVerticle(host.publisher(), config.announceInterval(), app::announcement))
        .compose(id -> {
          host.onClose("replica announcer", () -> host.vertx().undeploy(id));
          return host.startAdmin();
        })
        .map(port -> app)
        .onFailure(e -> host.close());
  }

  /** This replica's current announcement. */
  public TftpReplicaEvent announcement() {
    // No transfers are served yet, so the load is truly zero; no HTTP endpoint yet either (issue #3).
    return new TftpReplicaEvent(replicaId, config.common().instanceId(), address, config.tftpPort(), null, 0, 0,
        false, Instant.now());
  }

  public String replicaId() {
    return replicaId;
  }

  private static String firstIpv4() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) continue;
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
        "replica " + replicaId + " announced as " + address + ":" + config.tftpPort() + " every "
            + config.announceInterval().toMillis() + " ms, boot root " + config.root()
            + " — TFTP/HTTP serving not built yet (issue #3)");
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
