package dev.pxebus.catalog;

import dev.pxebus.catalog.api.BearerAuth;
import dev.pxebus.catalog.api.CatalogApi;
import dev.pxebus.catalog.api.MachineView;
import dev.pxebus.catalog.api.TokenFile;
import dev.pxebus.catalog.blob.BlobStore;
import dev.pxebus.catalog.store.CatalogStore;
import dev.pxebus.catalog.timeline.TimelineOptions;
import dev.pxebus.catalog.timeline.TimelineService;
import dev.pxebus.runtime.Health;
import dev.pxebus.runtime.RunningService;
import dev.pxebus.runtime.ServiceHost;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * catalog-service as started by {@link Main} or by {@code pxebus lab}: the catalog read from (and written to) its
 * compacted topics, the blob store, the boot timelines, and the REST API over them.
 */
public final class CatalogApp implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogApp.class);

  private final ServiceHost host;
  private final CatalogConfig config;
  private final CatalogStore store;
  private final BlobStore blobs;
  private final TimelineService timelines;
  private volatile HttpServer http;

  private CatalogApp(ServiceHost host, CatalogConfig config, CatalogStore store, BlobStore blobs,
      TimelineService timelines) {
    this.host = host;
    this.config = config;
    this.store = store;
    this.blobs = blobs;
    this.timelines = timelines;
  }

  public static Future<CatalogApp> start(CatalogConfig config) {
    ServiceHost host = ServiceHost.create(config.common());
    BlobStore blobs;
    BearerAuth auth;
    try {
      blobs = new BlobStore(config.dataDir().resolve("blobs"));
      auth = new BearerAuth(token(config), config.readTokens(), config.readsNeedToken());
    } catch (IOException | RuntimeException e) {
      host.close();
      return Future.failedFuture(new IllegalStateException("catalog-service cannot use its data directory "
          + config.dataDir() + ": " + e.getMessage(), e));
    }
    CatalogStore store = new CatalogStore(host, config.readOnly(), config.writeTimeout(), Clock.systemUTC()).start();
    CatalogApi.Options options = new CatalogApi.Options(config.maxBodyBytes(), config.maxUploadBytes(),
        config.collectGrace());
    TimelineOptions timelineOptions = new TimelineOptions(config.timelineAttempts(), config.timelineSteps(),
        config.timelineMachines());
    CatalogApp[] app = new CatalogApp[1];
    return TimelineService.start(host, timelineOptions)
        .compose(timelines -> {
          app[0] = new CatalogApp(host, config, store, blobs, timelines);
          MachineView machines = new MachineView() {
            @Override
            public Optional<JsonObject> status(String mac) {
              return timelines.status(mac);
            }

            @Override
            public Optional<JsonObject> timeline(String mac, int limit) {
              return timelines.timeline(mac, limit);
            }
          };
          // Not UP before the REST API listens: the admin server starts first, and building the API's router takes a
          // moment, in which a client trusting /health found nothing on the API port.
          CatalogApp a = app[0];
          host.check("api", true, () -> a.http != null
              ? Health.up(Map.of("url", a.apiUrl())) : Health.down(Map.of("reason", "the REST API is not listening yet")));
          return host.startAdmin().compose(p -> CatalogApi.router(host.vertx(), store, blobs, machines, auth, options));
        })
        .compose(router -> host.vertx().createHttpServer(new HttpServerOptions().setHost(config.httpHost())
            .setPort(config.httpPort()).setCompressionSupported(true)).requestHandler(router).listen())
        .map(server -> {
          CatalogApp a = app[0];
          a.http = server;
          host.onClose("REST API", server::close);
          a.scheduleCollection();
          LOG.info("catalog-service API on {}{}", a.apiUrl(), config.readOnly() ? " (read-only)" : "");
          return a;
        })
        .onFailure(e -> host.close());
  }

  private static String token(CatalogConfig config) throws IOException {
    if (config.token().isPresent()) return config.token().get();
    TokenFile.Token t = TokenFile.loadOrCreate(config.dataDir().resolve("token"));
    if (t.generated()) {
      // Printed this once, at first start: afterwards it is only in the file (owner-readable).
      LOG.warn("generated the catalog write token (stored in {}, not printed again): {}", t.file(), t.value());
    } else {
      LOG.info("catalog write token read from {}", t.file());
    }
    return t.value();
  }

  private void scheduleCollection() {
    if (config.readOnly()) return;
    long id = host.vertx().setPeriodic(config.collectInterval().toMillis(), t -> {
      if (!store.isReady()) return;
      CatalogApi.collect(host.vertx(), store, blobs, config.collectGrace())
          .onFailure(e -> LOG.warn("blob collection failed: {}", e.toString()));
    });
    host.onClose("blob collection", () -> {
      host.vertx().cancelTimer(id);
      return Future.succeededFuture();
    });
  }

  public CatalogStore store() {
    return store;
  }

  public BlobStore blobs() {
    return blobs;
  }

  public TimelineService timelines() {
    return timelines;
  }

  public int apiPort() {
    return http.actualPort();
  }

  public String apiUrl() {
    String h = "0.0.0.0".equals(config.httpHost()) ? "127.0.0.1" : config.httpHost();
    return "http://" + h + ":" + apiPort();
  }

  @Override
  public String name() {
    return "catalog-service";
  }

  @Override
  public List<String> endpoints() {
    return List.of("REST API " + apiUrl() + " (contract: " + apiUrl() + "/openapi.yaml)",
        "admin " + host.adminUrl() + " (/health, /metrics)");
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
