package dev.pxebus.runtime;

import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.Topic;
import dev.pxebus.runtime.kafka.EventPublisher;
import dev.pxebus.runtime.kafka.EventSubscriber;
import dev.pxebus.runtime.kafka.SubscriberOptions;
import dev.pxebus.runtime.kafka.KafkaReachability;
import dev.pxebus.runtime.kafka.PublisherOptions;
import dev.pxebus.runtime.net.BusyPoll;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one service process (or one service inside the lab JVM) runs on: its own Vert.x (native epoll transport
 * when available, Micrometer metrics), a Prometheus registry, the event publisher, a Kafka reachability probe and
 * the admin HTTP server. Composition, not a base class: each service's app holds one and registers what it owns
 * to be closed, in reverse order, on {@link #close()}.
 */
public final class ServiceHost {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceHost.class);
  private static final Duration PUBLISHER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final CommonConfig config;
  private final PrometheusMeterRegistry registry;
  private final Vertx vertx;
  private final EventPublisher publisher;
  private final KafkaReachability kafka;
  private final AdminServer admin;
  private final Deque<Map.Entry<String, Callable<Future<Void>>>> closers = new ArrayDeque<>();
  private volatile int adminPort = -1;

  private ServiceHost(CommonConfig config, BusyPoll busyPoll) {
    this.config = config;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", config.service(), "instance", config.instanceId());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    var builder = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true)
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry));
    Optional<Transport> polling = busyPoll.transport();
    if (polling.isPresent()) {
      builder = builder.withTransport(polling.get());
      busyPoll.bindTo(registry);
      LOG.info("{}: event loops poll up to {} µs before sleeping while they serve 1 to {} transfers", config.service(),
          busyPoll.spin().toNanos() / 1000, busyPoll.maxDemand());
    } else if (busyPoll.enabled()) {
      LOG.warn("{}: busy polling needs the native epoll transport, which is unavailable here; off", config.service());
    }
    this.vertx = builder.build();
    if (!vertx.isNativeTransportEnabled()) {
      LOG.warn("{}: native epoll transport unavailable ({}); using NIO", config.service(),
          String.valueOf(vertx.unavailableNativeTransportCause()));
    }
    this.publisher = EventPublisher.start(PublisherOptions.builder(config.kafkaBootstrap())
        .clientId(config.service() + "-" + config.instanceId())
        .source(config.eventSource())
        .bufferCapacity(config.eventBufferCapacity())
        .replicationFactor(config.kafkaReplicationFactor())
        .producerProperty("linger.ms", Long.toString(config.eventLinger().toMillis()))
        .build(), registry);
    this.kafka = KafkaReachability.start(config.kafkaBootstrap(), config.service() + "-" + config.instanceId());
    this.admin = new AdminServer(vertx, config.service(), config.instanceId(), registry)
        .check("kafka", false, this::kafkaHealth);
  }

  /** Creates the host; nothing here waits for Kafka. */
  public static ServiceHost create(CommonConfig config) {
    return new ServiceHost(config, BusyPoll.OFF);
  }

  /** A host whose event loops busy-poll as {@code busyPoll} says (tftp-service's transfers); see {@link BusyPoll}. */
  public static ServiceHost create(CommonConfig config, BusyPoll busyPoll) {
    return new ServiceHost(config, busyPoll);
  }

  public CommonConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public EventPublisher publisher() {
    return publisher;
  }

  public KafkaReachability kafka() {
    return kafka;
  }

  public AdminServer admin() {
    return admin;
  }

  /**
   * Starts consuming a topic; the handler runs on a Vert.x event-loop context of this host, one event at a time.
   * The subscriber is closed with the host.
   *
   * @param groupId consumer group (committed offsets, each event once per group), or null to read the whole topic
   *     from the beginning on every start (a materialised view)
   */
  public <T extends PxebusEvent> EventSubscriber<T> subscribe(Topic<T> topic, String groupId,
      EventSubscriber.Handler<T> handler) {
    Context context = vertx.getOrCreateContext();
    SubscriberOptions.Builder options = SubscriberOptions.builder(config.kafkaBootstrap())
        .clientId(config.service() + "-" + config.instanceId() + "-" + topic.name());
    if (groupId != null) options.groupId(groupId);
    EventSubscriber<T> subscriber = EventSubscriber.start(topic, options.build(),
        command -> context.runOnContext(v -> command.run()), handler, registry);
    onClose("subscriber of " + topic.name(), () -> vertx.executeBlocking(() -> {
      subscriber.close();
      return null;
    }).mapEmpty());
    return subscriber;
  }

  /** The latest value per key of a compacted topic, rebuilt from the topic on start (see {@link MaterializedView}). */
  public <T extends PxebusEvent> MaterializedView<T> view(Topic<T> topic) {
    return new MaterializedView<>(this, topic);
  }

  /** Adds a check to /health. Essential checks that fail make /health answer 503. */
  public ServiceHost check(String name, boolean essential, Supplier<Health> probe) {
    admin.check(name, essential, probe);
    return this;
  }

  /** Registers something to close when the service stops (closed in reverse order of registration). */
  public ServiceHost onClose(String what, Callable<Future<Void>> closer) {
    synchronized (closers) {
      closers.push(Map.entry(what, closer));
    }
    return this;
  }

  /** Starts the admin HTTP server; completes with the port it listens on. */
  public Future<Integer> startAdmin() {
    return admin.listen(config.adminHost(), config.adminPort(), config.adminReusePort())
        .onSuccess(p -> adminPort = p);
  }

  public int adminPort() {
    return adminPort;
  }

  public String adminUrl() {
    String host = "0.0.0.0".equals(config.adminHost()) ? "127.0.0.1" : config.adminHost();
    return "http://" + host + ":" + adminPort;
  }

  private Health kafkaHealth() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("bootstrap", config.kafkaBootstrap());
    d.put("reachable", kafka.reachable());
    kafka.lastError().ifPresent(e -> d.put("error", e));
    var stats = publisher.stats();
    d.put("eventsBuffered", stats.buffered());
    d.put("eventsInFlight", stats.inFlight());
    d.put("eventsSent", stats.sent());
    d.put("eventsDropped", stats.dropped());
    d.put("eventsFailed", stats.failed());
    return kafka.reachable() ? Health.up(d) : Health.down(d);
  }

  /**
   * Stops in order: what the service registered (listeners, subscribers; newest first), the admin server, then
   * delivers buffered events (bounded wait), then Vert.x.
   */
  public Future<Void> close() {
    Future<Void> chain = Future.succeededFuture();
    while (true) {
      Map.Entry<String, Callable<Future<Void>>> next;
      synchronized (closers) {
        next = closers.poll();
      }
      if (next == null) break;
      Map.Entry<String, Callable<Future<Void>>> c = next;
      chain = chain.compose(v -> safely(c.getKey(), c.getValue()));
    }
    return chain
        .compose(v -> safely("admin server", admin::close))
        .compose(v -> vertx.executeBlocking(() -> {
          publisher.close(PUBLISHER_CLOSE_TIMEOUT);
          kafka.close();
          return null;
        }).<Void>mapEmpty().recover(e -> {
          LOG.warn("{}: closing Kafka clients: {}", config.service(), e.toString());
          return Future.succeededFuture();
        }))
        .compose(v -> vertx.close())
        .onComplete(ar -> registry.close());
  }

  private Future<Void> safely(String what, Callable<Future<Void>> closer) {
    try {
      return closer.call().recover(e -> {
        LOG.warn("{}: closing {} failed: {}", config.service(), what, e.toString());
        return Future.succeededFuture();
      });
    } catch (Exception e) {
      LOG.warn("{}: closing {} failed: {}", config.service(), what, e.toString());
      return Future.succeededFuture();
    }
  }
}
