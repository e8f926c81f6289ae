package dev.pxebus.catalog.timeline;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.runtime.Health;
import dev.pxebus.runtime.LogContext;
import dev.pxebus.runtime.ServiceHost;
import dev.pxebus.runtime.kafka.EventSubscriber;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot timelines of catalog-service: reads {@code pxebus.boot.events} and {@code pxebus.dhcp.leases} as
 * materialised views (no consumer group: every partition from the beginning on every start, nothing committed,
 * which is how the timelines survive a restart) into one {@link Timelines}. Both subscribers hand their events to
 * one Vert.x context, so the timelines are fed by one thread at a time; reads take the same lock and may come
 * from any thread.
 *
 * <p>Registers the {@code timelines} health check (not essential; DOWN until both topics were read to where they
 * ended at start) and the meters {@code pxebus.catalog.timeline.hosts}, {@code .attempts}, {@code .steps}
 * (gauges: held now), {@code .steps.applied}, {@code .duplicates}, {@code .steps.stale}, {@code .steps.dropped},
 * {@code .leases.applied} and {@code .evictions{what=attempt|host}} (counters). One per {@link ServiceHost}.
 */
public final class TimelineService {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineService.class);

  private final ServiceHost host;
  private final Timelines timelines;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private volatile EventSubscriber<BootStepEvent> bootEvents;
  private volatile EventSubscriber<LeaseEvent> leases;
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();

  private TimelineService(ServiceHost host, TimelineOptions options) {
    this.host = host;
    this.timelines = new Timelines(options);
  }

  /**
   * Starts reading both topics; completes once subscribed (not once caught up: see {@link #caughtUp()}).
   * Nothing here waits for Kafka.
   */
  public static Future<TimelineService> start(ServiceHost host, TimelineOptions options) {
    TimelineService service = new TimelineService(host, options);
    // ServiceHost.subscribe runs a handler on the context it is called on: subscribing both topics from one
    // context confines the timelines to its thread.
    Context context = host.vertx().getOrCreateContext();
    Promise<TimelineService> started = Promise.promise();
    context.runOnContext(v -> {
      try {
        service.subscribe();
        started.complete(service);
      } catch (RuntimeException e) {
        started.fail(e);
      }
    });
    return started.future();
  }

  private void subscribe() {
    bootEvents = host.subscribe(Topics.BOOT_EVENTS, null, this::onBootEvent);
    leases = host.subscribe(Topics.DHCP_LEASES, null, this::onLease);
    bootEvents.caughtUp().thenCompose(v -> leases.caughtUp()).whenComplete((v, e) -> {
      if (e == null) {
        Timelines.Stats s = stats();
        LOG.info("boot timelines rebuilt: {} machines, {} attempts, {} steps", s.hosts(), s.attempts(), s.steps());
        caughtUp.complete(null);
      } else {
        caughtUp.completeExceptionally(e);
      }
    });
    registerMeters(host.registry());
    host.check("timelines", false, this::health);
  }

  private void onBootEvent(String mac, Envelope<BootStepEvent> envelope, long offset) {
    if (envelope == null) return; // the boot topic is not compacted: a tombstone there means nothing
    Timelines.Applied applied;
    synchronized (timelines) {
      // The subscriber's handler does not say which partition a record came from; every record of one MAC is in
      // one partition (the topic is keyed by MAC), so the offset orders a machine's ties on its own.
      applied = timelines.apply(envelope, Timelines.UNKNOWN_PARTITION, offset);
    }
    if (applied != Timelines.Applied.ADDED && LOG.isDebugEnabled()) {
      try (LogContext ignored = LogContext.of(mac, null)) {
        LOG.debug("boot step {} of attempt {} at offset {}: {}", envelope.data().stage(), envelope.bootAttemptId(),
            offset, applied);
      }
    }
  }

  private void onLease(String mac, Envelope<LeaseEvent> envelope, long offset) {
    synchronized (timelines) {
      timelines.applyLease(mac, envelope == null ? null : envelope.data());
    }
  }

  /** {@link Timelines#timelineJson}; any thread. */
  public Optional<JsonObject> timeline(String mac, int limit) {
    synchronized (timelines) {
      return timelines.timelineJson(mac, limit);
    }
  }

  /** {@link Timelines#statusJson}; any thread. */
  public Optional<JsonObject> status(String mac) {
    synchronized (timelines) {
      return timelines.statusJson(mac);
    }
  }

  public Timelines.Stats stats() {
    synchronized (timelines) {
      return timelines.stats();
    }
  }

  public TimelineOptions options() {
    return timelines.options();
  }

  /**
   * Completes once both topics were read up to the end offsets they had when the service started, i.e. the
   * timelines are rebuilt. Fails if the service is closed first.
   */
  public CompletionStage<Void> caughtUp() {
    return caughtUp.minimalCompletionStage();
  }

  public boolean isCaughtUp() {
    return caughtUp.isDone() && !caughtUp.isCompletedExceptionally();
  }

  private Health health() {
    Timelines.Stats s = stats();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("caughtUp", isCaughtUp());
    d.put("hosts", s.hosts());
    d.put("attempts", s.attempts());
    d.put("steps", s.steps());
    d.put("stepsApplied", s.stepsApplied());
    d.put("duplicates", s.duplicates());
    d.put("staleSteps", s.staleSteps());
    d.put("stepsDropped", s.stepsDropped());
    d.put("attemptEvictions", s.attemptEvictions());
    d.put("hostEvictions", s.hostEvictions());
    d.put("leasesApplied", s.leasesApplied());
    subscriberHealth(d, "bootEvents", bootEvents);
    subscriberHealth(d, "leases", leases);
    return isCaughtUp() ? Health.up(d) : Health.down(d);
  }

  private static void subscriberHealth(Map<String, Object> d, String name, EventSubscriber<?> s) {
    if (s == null) return;
    EventSubscriber.Stats st = s.stats();
    d.put(name + "Skipped", st.skipped());
    if (st.lastError() != null) d.put(name + "LastError", st.lastError());
  }

  private void registerMeters(MeterRegistry registry) {
    gauge(registry, "pxebus.catalog.timeline.hosts", "machines whose boot timeline is held", s -> s.hosts());
    gauge(registry, "pxebus.catalog.timeline.attempts", "boot attempts held", s -> s.attempts());
    gauge(registry, "pxebus.catalog.timeline.steps", "boot steps held", s -> s.steps());
    counter(registry, "pxebus.catalog.timeline.steps.applied", null, "boot steps applied to a timeline",
        s -> s.stepsApplied());
    counter(registry, "pxebus.catalog.timeline.duplicates", null, "boot steps skipped: envelope id held already",
        s -> s.duplicates());
    counter(registry, "pxebus.catalog.timeline.steps.stale", null, "boot steps skipped: their attempt was evicted",
        s -> s.staleSteps());
    counter(registry, "pxebus.catalog.timeline.steps.dropped", null,
        "boot steps beyond the per-attempt bound, counted only", s -> s.stepsDropped());
    counter(registry, "pxebus.catalog.timeline.leases.applied", null, "lease records applied", s -> s.leasesApplied());
    counter(registry, "pxebus.catalog.timeline.evictions", "attempt", "evicted by the bounds",
        s -> s.attemptEvictions());
    counter(registry, "pxebus.catalog.timeline.evictions", "host", "evicted by the bounds", s -> s.hostEvictions());
  }

  private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<Timelines.Stats> f) {
    meters.add(Gauge.builder(name, this, t -> f.applyAsDouble(t.stats())).description(description)
        .register(registry));
  }

  private void counter(MeterRegistry registry, String name, String what, String description,
      ToDoubleFunction<Timelines.Stats> f) {
    FunctionCounter.Builder<TimelineService> b = FunctionCounter.builder(name, this, t -> f.applyAsDouble(t.stats()))
        .description(description);
    if (what != null) b.tag("what", what);
    meters.add(b.register(registry));
  }

  /**
   * Stops reading both topics and removes the meters; the timelines stay readable. The host would close the
   * subscribers anyway; this is for stopping the timelines alone.
   */
  public Future<Void> close() {
    meters.forEach(host.registry()::remove);
    meters.clear();
    return host.vertx().executeBlocking(() -> {
      EventSubscriber<?> b = bootEvents;
      EventSubscriber<?> l = leases;
      if (b != null) b.close();
      if (l != null) l.close();
      return null;
    }).mapEmpty();
  }
}
