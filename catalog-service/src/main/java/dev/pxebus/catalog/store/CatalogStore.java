package dev.pxebus.catalog.store;

import dev.pxebus.catalog.spec.CatalogSpec;
import dev.pxebus.catalog.spec.Change;
import dev.pxebus.catalog.spec.EntityKind;
import dev.pxebus.catalog.spec.ValidationException;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.Topic;
import dev.pxebus.events.Topics;
import dev.pxebus.runtime.Health;
import dev.pxebus.runtime.ServiceHost;
import dev.pxebus.runtime.kafka.EventSubscriber;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's state, read from its compacted topics, and — in the writing instance — the one writer of those
 * topics.
 *
 * <p><b>Start:</b> every catalog topic is read from the beginning; until all four are read to where they ended
 * when the service started, {@link #isReady()} is false and writes are refused (503), so a restart never writes
 * on top of a partial catalog.
 *
 * <p><b>Writes</b> are serialised: one at a time, each decided by {@link Writes#decide} against the current
 * snapshot, published to Kafka ({@code acks=all}), and applied to the snapshot only when Kafka acknowledged it.
 * An entity is one record, so a crash at any moment leaves each entity either at its old or at its new version,
 * never half-written. A write not acknowledged within the write timeout is answered 503 {@code unconfirmed} (it
 * may still take effect); writes queued behind it that were not handed to Kafka yet are answered 503
 * {@code unavailable} when their own timeout passes, nothing written. While Kafka is known to be unreachable,
 * writes are refused at once.
 *
 * <p><b>After start</b> the writer's snapshot is authoritative: it is the topics' only writer, so the records it
 * reads back are its own and are not applied again (applying a stale echo would roll an entity back for a
 * moment). A record written by anyone else is reported (ERROR log, health, metric): two writers would break
 * the rules this one checks. A read-only instance ({@code catalog.read-only}) applies every record as it
 * arrives and refuses writes (403).
 *
 * <p>Thread-safe: the snapshot is swapped atomically; writes and records are handled under one lock.
 */
public final class CatalogStore {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogStore.class);
  public static final int DEFAULT_QUEUE_LIMIT = 1000;

  private final Vertx vertx;
  private final ServiceHost host;
  private final boolean readOnly;
  private final Duration writeTimeout;
  private final int queueLimit;
  private final Clock clock;
  private final String source;
  private final Map<EntityKind, EventSubscriber<? extends PxebusEvent>> subscribers = new EnumMap<>(EntityKind.class);
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Counter writes;
  private final Counter refused;
  private final Counter skipped;
  private final Counter foreign;
  private volatile Snapshot snapshot = Snapshot.EMPTY;
  private volatile boolean isReady;
  private Pending inFlight;
  /** Records on the catalog topics: their end offsets at start, plus every write acknowledged since. */
  private long logPosition;
  private String lastForeignWrite;

  private final class Pending {
    final Change change;
    final Precondition pre;
    final Promise<WriteResult> promise = Promise.promise();
    final Context context;
    boolean answered;
    long timer = -1;

    Pending(Change change, Precondition pre, Context context) {
      this.change = change;
      this.pre = pre;
      this.context = context;
    }

    /** Answers once, on the context the request came from. */
    void answer(WriteResult result, Throwable failure) {
      if (answered) return;
      answered = true;
      if (timer >= 0) vertx.cancelTimer(timer);
      Runnable r = () -> {
        if (failure != null) promise.fail(failure);
        else promise.complete(result);
      };
      if (context != null) context.runOnContext(v -> r.run());
      else r.run();
    }
  }

  /** A write made (or found already made): the entity's version now, null after a delete. */
  public record WriteResult(Entry entry, boolean created, boolean changed) {}

  public CatalogStore(ServiceHost host, boolean readOnly, Duration writeTimeout, Clock clock) {
    this(host, readOnly, writeTimeout, DEFAULT_QUEUE_LIMIT, clock);
  }

  public CatalogStore(ServiceHost host, boolean readOnly, Duration writeTimeout, int queueLimit, Clock clock) {
    this.host = host;
    this.vertx = host.vertx();
    this.readOnly = readOnly;
    this.writeTimeout = writeTimeout;
    this.queueLimit = queueLimit;
    this.clock = clock;
    this.source = host.config().eventSource();
    var reg = host.registry();
    writes = Counter.builder("pxebus.catalog.writes").description("catalog writes made").register(reg);
    refused = Counter.builder("pxebus.catalog.writes.refused").description("catalog writes refused").register(reg);
    skipped = Counter.builder("pxebus.catalog.records.skipped")
        .description("catalog records read that hold no valid entity").register(reg);
    foreign = Counter.builder("pxebus.catalog.records.foreign")
        .description("catalog records written by another writer after start").register(reg);
    Gauge.builder("pxebus.catalog.entities", this, s -> s.snapshot.size()).register(reg);
  }

  /** Subscribes to the four topics. Call once. */
  public CatalogStore start() {
    subscribe(EntityKind.IMAGE, Topics.CATALOG_IMAGES);
    subscribe(EntityKind.PROFILE, Topics.CATALOG_PROFILES);
    subscribe(EntityKind.HOST, Topics.CATALOG_HOSTS);
    subscribe(EntityKind.GROUP, Topics.CATALOG_GROUPS);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    subscribers.values().forEach(s -> all.add(s.caughtUp().toCompletableFuture()));
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
      if (e != null) {
        ready.completeExceptionally(e);
        return;
      }
      synchronized (this) {
        for (EventSubscriber<? extends PxebusEvent> sub : subscribers.values()) {
          for (long end : sub.endOffsetsAtStart().values()) logPosition += end;
        }
        isReady = true;
      }
      LOG.info("catalog loaded from Kafka: {} images, {} profiles, {} hosts, {} groups (revision {}){}",
          snapshot.state().images().size(), snapshot.state().profiles().size(), snapshot.state().hosts().size(),
          snapshot.state().groups().size(), snapshot.revision(), readOnly ? "; read-only instance" : "");
      ready.complete(null);
    });
    host.check("catalog", true, this::health);
    return this;
  }

  private <T extends PxebusEvent> void subscribe(EntityKind kind, Topic<T> topic) {
    subscribers.put(kind, host.subscribe(topic, null, (key, envelope, offset) -> onRecord(kind, key, envelope, offset)));
  }

  private synchronized void onRecord(EntityKind kind, String key, Envelope<? extends PxebusEvent> envelope,
      long offset) {
    if (isReady && !readOnly) {
      if (envelope != null && !source.equals(envelope.source())) {
        foreign.increment();
        lastForeignWrite = kind.noun() + " " + key + " by " + envelope.source() + " at offset " + offset;
        LOG.error("another writer wrote the catalog topics: {}; only one catalog-service instance may write "
            + "(the others need catalog.read-only=true). Not applied here.", lastForeignWrite);
      }
      return;
    }
    if (envelope == null) {
      snapshot = snapshot.delete(kind, key);
      return;
    }
    try {
      CatalogSpec spec = CatalogSpec.fromRecord(kind, key, envelope.data());
      snapshot = snapshot.put(spec, revisionOf(envelope.data()), updatedOf(envelope.data(), envelope.time()));
    } catch (ValidationException | IllegalArgumentException e) {
      skipped.increment();
      LOG.warn("skipped {} record {} at offset {}: it holds no valid entity: {}", kind, key, offset, e.getMessage());
    }
  }

  private static java.time.Instant updatedOf(PxebusEvent e, java.time.Instant fallback) {
    java.time.Instant t = null;
    if (e instanceof dev.pxebus.events.catalog.ImageEvent i) t = i.updated();
    if (e instanceof dev.pxebus.events.catalog.ProfileEvent p) t = p.updated();
    if (e instanceof dev.pxebus.events.catalog.HostEvent h) t = h.updated();
    if (e instanceof dev.pxebus.events.catalog.GroupEvent g) t = g.updated();
    return t == null ? fallback : t;
  }

  private static long revisionOf(PxebusEvent e) {
    if (e instanceof dev.pxebus.events.catalog.ImageEvent i) return i.revision();
    if (e instanceof dev.pxebus.events.catalog.ProfileEvent p) return p.revision();
    if (e instanceof dev.pxebus.events.catalog.HostEvent h) return h.revision();
    if (e instanceof dev.pxebus.events.catalog.GroupEvent g) return g.revision();
    return 0;
  }

  /** Completes once the catalog topics were read to where they ended at start. */
  public CompletionStage<Void> ready() {
    return ready.minimalCompletionStage();
  }

  public boolean isReady() {
    return isReady;
  }

  public boolean readOnly() {
    return readOnly;
  }

  /** The catalog now. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** Makes a change, in turn with every other write. Fails with {@link WriteRefused}. */
  public Future<WriteResult> write(Change change, Precondition pre) {
    Pending p = new Pending(change, pre, Vertx.currentContext());
    synchronized (this) {
      WriteRefused early = admit();
      if (early != null) {
        refused.increment();
        p.answer(null, early);
        return p.promise.future();
      }
      queue.add(p);
      p.timer = vertx.setTimer(Math.max(1, writeTimeout.toMillis()), t -> timedOut(p));
      pump();
    }
    return p.promise.future();
  }

  private WriteRefused admit() {
    if (readOnly) {
      return new WriteRefused(WriteRefused.Reason.READ_ONLY, "this catalog-service instance is read-only "
          + "(catalog.read-only=true): write through the writing instance");
    }
    if (!isReady) {
      return new WriteRefused(WriteRefused.Reason.UNAVAILABLE, "the catalog is still being read from Kafka; "
          + "writes are accepted once it is loaded");
    }
    if (!host.kafka().reachable()) {
      return new WriteRefused(WriteRefused.Reason.UNAVAILABLE, "Kafka is unreachable ("
          + host.kafka().lastError().orElse("no answer") + "): nothing was written");
    }
    if (queue.size() >= queueLimit) {
      return new WriteRefused(WriteRefused.Reason.UNAVAILABLE, queue.size() + " writes are already waiting: "
          + "nothing was written, try again");
    }
    return null;
  }

  private synchronized void timedOut(Pending p) {
    p.timer = -1;
    if (p == inFlight) {
      p.answer(null, new WriteRefused(WriteRefused.Reason.UNCONFIRMED, "Kafka has not acknowledged the write within "
          + writeTimeout.toMillis() + " ms; it stays queued in this process and takes effect if Kafka accepts it: "
          + "read the entity back before retrying"));
    } else if (queue.remove(p)) {
      p.answer(null, new WriteRefused(WriteRefused.Reason.UNAVAILABLE, "the write waited " + writeTimeout.toMillis()
          + " ms behind one Kafka has not acknowledged: nothing was written"));
    }
    refused.increment();
  }

  private void pump() {
    while (inFlight == null && !queue.isEmpty()) {
      Pending p = queue.poll();
      // Milliseconds: what the event's timestamp keeps through JSON, so a rebuilt catalog has the same times.
      Writes.Decision d = Writes.decide(snapshot, p.change, p.pre,
          clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), logPosition);
      if (d instanceof Writes.Refuse r) {
        refused.increment();
        p.answer(null, r.why());
      } else if (d instanceof Writes.Unchanged u) {
        p.answer(new WriteResult(u.current(), false, false), null);
      } else {
        Writes.Apply a = (Writes.Apply) d;
        inFlight = p;
        publish(a).whenComplete((v, e) -> acknowledged(p, a, e));
      }
    }
  }

  private CompletionStage<Void> publish(Writes.Apply a) {
    if (a.entry() == null) return host.publisher().tombstoneConfirmed(topic(a.change().kind()), a.change().key());
    PxebusEvent event = a.entry().spec().toEvent(a.entry().revision(), a.entry().updated());
    return host.publisher().publishConfirmed(Envelope.of(source, event));
  }

  private synchronized void acknowledged(Pending p, Writes.Apply a, Throwable e) {
    inFlight = null;
    if (e != null) {
      refused.increment();
      LOG.warn("catalog write of {} {} not delivered: {}", a.change().kind(), a.change().key(), e.toString());
      p.answer(null, new WriteRefused(WriteRefused.Reason.UNAVAILABLE, "Kafka did not take the write ("
          + e.getMessage() + "): nothing was written"));
    } else {
      // Based on the snapshot it was decided on: writes are serialised, so that is still the current one.
      snapshot = a.after();
      logPosition++;
      writes.increment();
      LOG.info("{} {} {} at revision {}", a.change().kind(), a.change().key(),
          a.entry() == null ? "deleted" : a.created() ? "created" : "replaced", a.after().revision());
      p.answer(new WriteResult(a.entry(), a.created(), true), null);
    }
    pump();
  }

  static Topic<?> topic(EntityKind kind) {
    return switch (kind) {
      case IMAGE -> Topics.CATALOG_IMAGES;
      case PROFILE -> Topics.CATALOG_PROFILES;
      case HOST -> Topics.CATALOG_HOSTS;
      case GROUP -> Topics.CATALOG_GROUPS;
    };
  }

  private synchronized Health health() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("loaded", isReady);
    d.put("readOnly", readOnly);
    d.put("entities", snapshot.size());
    d.put("revision", snapshot.revision());
    d.put("writesWaiting", queue.size() + (inFlight == null ? 0 : 1));
    if (lastForeignWrite != null) d.put("foreignWrite", lastForeignWrite);
    return isReady ? Health.up(d) : Health.down(d);
  }
}
