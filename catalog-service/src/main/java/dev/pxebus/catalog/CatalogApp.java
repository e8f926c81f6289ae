package dev.pxebus.catalog;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.runtime.Health;
import dev.pxebus.runtime.LogContext;
import dev.pxebus.runtime.RunningService;
import dev.pxebus.runtime.ServiceHost;
import dev.pxebus.runtime.kafka.EventSubscriber;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * catalog-service as started by {@link Main} or by {@code pxebus lab}. Today it follows the boot events it will
 * build per-machine timelines from; the REST API, artifacts and timelines come with issue #5.
 */
public final class CatalogApp implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogApp.class);
  /** Consumer group of catalog-service on the boot events: every instance shares the work. */
  public static final String BOOT_EVENTS_GROUP = "catalog-service";

  private final ServiceHost host;
  private final Map<BootStage, Counter> seen = new EnumMap<>(BootStage.class);
  private EventSubscriber<BootStepEvent> bootEvents;

  private CatalogApp(ServiceHost host) {
    this.host = host;
    for (BootStage stage : BootStage.values()) {
      seen.put(stage, Counter.builder("pxebus.catalog.boot.events").tag("stage", stage.name())
          .description("boot events consumed, by stage").register(host.registry()));
    }
  }

  public static Future<CatalogApp> start(CatalogConfig config) {
    ServiceHost host = ServiceHost.create(config.common());
    LOG.warn("catalog-service: the REST API, artifact store and boot timelines are NOT BUILT YET (issue #5): "
        + "this process only consumes boot events");
    CatalogApp app = new CatalogApp(host);
    app.bootEvents = host.subscribe(Topics.BOOT_EVENTS, BOOT_EVENTS_GROUP, app::onBootEvent);
    host.check("boot-events", false, app::bootEventHealth);
    return host.startAdmin().map(port -> app).onFailure(e -> host.close());
  }

  private void onBootEvent(String mac, Envelope<BootStepEvent> envelope, long offset) {
    if (envelope == null) return; // the boot topic is not compacted; a tombstone there means nothing
    seen.get(envelope.data().stage()).increment();
    try (LogContext ignored = LogContext.of(mac, envelope.bootAttemptId())) {
      LOG.debug("boot event {} at offset {}", envelope.data().stage(), offset);
    }
  }

  private Health bootEventHealth() {
    var stats = bootEvents.stats();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("consumed", stats.handled());
    d.put("skipped", stats.skipped());
    if (stats.lastError() != null) d.put("lastError", stats.lastError());
    return Health.up(d);
  }

  /** Boot events consumed so far for a stage. */
  public long seen(BootStage stage) {
    return (long) seen.get(stage).count();
  }

  @Override
  public String name() {
    return "catalog-service";
  }

  @Override
  public List<String> endpoints() {
    return List.of("admin " + host.adminUrl() + " (/health, /metrics) — REST API not built yet (issue #5)");
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
