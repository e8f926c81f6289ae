package dev.pxebus.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP port of a service: {@code GET /health} and {@code GET /metrics} (Prometheus text format).
 *
 * <p>/health answers 200 with {@code "status":"UP"} when every essential check is up, 200 with
 * {@code "DEGRADED"} when only a non-essential one (Kafka) is down, and 503 {@code "DOWN"} when an essential one
 * is down. Kafka is never essential: the boot path keeps serving without it, so a Kafka outage must not make an
 * orchestrator restart a healthy DHCP or TFTP server. Checks must be cheap and non-blocking (they read state
 * that background threads keep current).
 */
public final class AdminServer {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  private record Check(String name, boolean essential, Supplier<Health> probe) {}

  private final Vertx vertx;
  private final String service;
  private final String instance;
  private final PrometheusMeterRegistry registry;
  private final CopyOnWriteArrayList<Check> checks = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public AdminServer(Vertx vertx, String service, String instance, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.service = service;
    this.instance = instance;
    this.registry = registry;
  }

  public AdminServer check(String name, boolean essential, Supplier<Health> probe) {
    checks.add(new Check(name, essential, probe));
    return this;
  }

  public Future<Integer> listen(String host, int port, boolean reusePort) {
    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    router.get("/").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; charset=utf-8")
        .end(service + " " + instance + " admin: GET /health, GET /metrics\n"));
    return vertx.createHttpServer(new HttpServerOptions().setReusePort(reusePort)).requestHandler(router).listen(port, host)
        .onSuccess(s -> server = s)
        .map(HttpServer::actualPort)
        .recover(e -> Future.failedFuture(new IllegalStateException(
            service + ": cannot listen for admin HTTP on " + host + ":" + port + ": " + e.getMessage(), e)));
  }

  /** Computes the health document (also used by tests and the lab's start-up summary). */
  public JsonObject healthDocument() {
    boolean essentialDown = false;
    boolean anyDown = false;
    Map<String, Object> results = new LinkedHashMap<>();
    for (Check c : checks) {
      Health h;
      try {
        h = c.probe().get();
      } catch (RuntimeException e) {
        LOG.warn("health check {} threw: {}", c.name(), e.toString());
        h = Health.down(Map.of("error", String.valueOf(e.getMessage())));
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("status", h.up() ? "UP" : "DOWN");
      r.put("essential", c.essential());
      r.putAll(h.details());
      results.put(c.name(), r);
      if (!h.up()) {
        anyDown = true;
        essentialDown |= c.essential();
      }
    }
    String status = essentialDown ? "DOWN" : anyDown ? "DEGRADED" : "UP";
    return new JsonObject().put("service", service).put("instance", instance).put("status", status)
        .put("checks", new JsonObject(results));
  }

  private void health(RoutingContext ctx) {
    JsonObject doc = healthDocument();
    ctx.response().setStatusCode("DOWN".equals(doc.getString("status")) ? 503 : 200)
        .putHeader("content-type", "application/json")
        .end(doc.encodePrettily());
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
