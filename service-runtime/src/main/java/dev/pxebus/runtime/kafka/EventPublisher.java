package dev.pxebus.runtime.kafka;

import dev.pxebus.events.Cleanup;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.KeyKind;
import dev.pxebus.events.Mac;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.Topic;
import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStepEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a pxebus service writes events to Kafka.
 *
 * <p>{@link #publish} never blocks and never fails because of Kafka: it encodes the event and appends it to a
 * bounded in-memory buffer (O(1), one short lock). A daemon thread moves events from the buffer to an idempotent
 * {@code acks=all} producer, at most {@link PublisherOptions#inFlightWindow()} unacknowledged at a time. While
 * Kafka is unreachable events wait, in the buffer and in the producer (which retries them, in order, until the
 * broker answers); they go out in publish order, so in order per key (MAC). When the buffer is full the
 * <em>oldest</em> buffered event is dropped, counted in {@code pxebus.events.dropped} and reported in a WARN
 * (at most one per 10 s, with the count).
 *
 * <p>Before its first send the thread creates every topic of {@link Topics#all()} that does not exist yet, with the
 * registry's partition count and cleanup policy, retrying until the broker answers.
 *
 * <p>Meters: {@code pxebus.events.published}, {@code pxebus.events.dropped}, {@code pxebus.events.failed} (counters
 * tagged {@code topic}) and the gauges {@code pxebus.events.buffered} and {@code pxebus.events.in_flight} (tagged
 * {@code client}, the client id, so that several publishers can share a registry). Thread-safe.
 */
public final class EventPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private static final long MIN_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 5_000;
  private static final int ADMIN_TIMEOUT_MS = 5_000;

  /**
   * A snapshot of the publisher.
   *
   * @param buffered events waiting in the buffer
   * @param inFlight events handed to the producer and not acknowledged yet
   * @param sent events Kafka acknowledged since start
   * @param dropped events dropped because the buffer was full (or the publisher closed)
   * @param failed events Kafka refused for good (e.g. record too large), or that could not be encoded
   * @param lastError the last problem seen (refusal, or why Kafka is not reachable), null if none
   */
  public record Stats(int buffered, int inFlight, long sent, long dropped, long failed, String lastError) {}

  /**
   * An event waiting to be sent. An envelope is encoded on the sender thread, the first time it is sent, so the
   * caller (an event loop on the boot path) pays only for the queueing; tombstones carry their (null) value.
   */
  private static final class Pending {
    private final String topic;
    private final String key;
    private final Envelope<?> envelope;
    private final CompletableFuture<Void> confirm;
    private byte[] value;

    Pending(String topic, String key, Envelope<?> envelope, byte[] value, CompletableFuture<Void> confirm) {
      this.topic = topic;
      this.key = key;
      this.envelope = envelope;
      this.value = value;
      this.confirm = confirm;
    }

    String topic() {
      return topic;
    }

    String key() {
      return key;
    }

    CompletableFuture<Void> confirm() {
      return confirm;
    }

    /** @throws RuntimeException when the envelope does not encode */
    byte[] value() {
      if (value == null && envelope != null) value = EventCodec.get().encode(envelope);
      return value;
    }

    String what() {
      return envelope != null ? envelope.type().type() : "tombstone";
    }
  }

  private final String source;
  private final String clientId;
  private final String bootstrapServers;
  private final int capacity;
  private final int window;
  private final short replicationFactor;
  private final boolean createTopics;
  private final Properties producerProps;
  private final Duration closeTimeout;

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when the sender may have work: an event arrived, the window opened, or it must stop. */
  private final Condition work = lock.newCondition();
  /** Signalled when buffer and window both became empty. */
  private final Condition idle = lock.newCondition();
  private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
  private int inFlight; // guarded by lock
  private boolean closing; // guarded by lock: no new events accepted

  private volatile boolean stopping;
  private volatile boolean terminated;
  private volatile Boolean closeResult;
  private volatile KafkaProducer<String, byte[]> producer;
  /** True while the sender thread is inside {@code producer.send}; only that thread reads or writes it. */
  private boolean inSend;

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile String lastError;
  private volatile String lastDropTopic;
  private final LogThrottle dropLog = new LogThrottle(LOG_INTERVAL);
  private final LogThrottle failLog = new LogThrottle(LOG_INTERVAL);
  private final LogThrottle retryLog = new LogThrottle(LOG_INTERVAL);

  private final CompletableFuture<Void> topicsReady = new CompletableFuture<>();
  private final MeterRegistry registry;
  private final Map<String, Counter> publishedCounters = new ConcurrentHashMap<>();
  private final Map<String, Counter> droppedCounters = new ConcurrentHashMap<>();
  private final Map<String, Counter> failedCounters = new ConcurrentHashMap<>();
  private final List<Meter> gauges = new ArrayList<>();
  private final Thread sender;

  private EventPublisher(PublisherOptions options, MeterRegistry registry) {
    this.source = options.source();
    this.clientId = options.clientId();
    this.bootstrapServers = options.bootstrapServers();
    this.capacity = options.bufferCapacity();
    this.window = options.inFlightWindow();
    this.replicationFactor = (short) options.replicationFactor();
    this.createTopics = options.createTopics();
    this.closeTimeout = options.closeTimeout();
    this.producerProps = producerProperties(options);
    this.registry = registry;
    for (Topic<?> t : Topics.all()) {
      counter(publishedCounters, "pxebus.events.published", t.name());
      counter(droppedCounters, "pxebus.events.dropped", t.name());
      counter(failedCounters, "pxebus.events.failed", t.name());
    }
    gauges.add(Gauge.builder("pxebus.events.buffered", this, p -> p.stats().buffered())
        .description("events waiting in the publisher's buffer").tag("client", clientId).register(registry));
    gauges.add(Gauge.builder("pxebus.events.in_flight", this, p -> p.stats().inFlight())
        .description("events handed to Kafka and not acknowledged yet").tag("client", clientId).register(registry));
    this.sender = new Thread(this::runSender, "pxebus-publisher-" + clientId);
    sender.setDaemon(true);
  }

  /**
   * Creates a publisher and starts its sender thread. Returns at once: no connection is attempted on the
   * caller's thread, so a service starts (and serves) while Kafka is down.
   *
   * @throws IllegalArgumentException if the options are incomplete or a producer property is invalid
   */
  public static EventPublisher start(PublisherOptions options, MeterRegistry registry) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(registry, "registry");
    EventPublisher p = new EventPublisher(options, registry);
    p.sender.start();
    return p;
  }

  /** The CloudEvents source this publisher puts in the envelopes it builds. */
  public String source() {
    return source;
  }

  /**
   * Publishes a catalog, lease or replica event in a new envelope from {@link #source()}. Never blocks.
   *
   * @throws IllegalArgumentException for a boot step, which needs its boot-attempt id
   */
  public void publish(PxebusEvent event) {
    publish(Envelope.of(source, event));
  }

  /** Publishes a boot step of the given boot attempt in a new envelope from {@link #source()}. Never blocks. */
  public void publish(BootStepEvent event, String bootAttemptId) {
    publish(Envelope.of(source, event, bootAttemptId));
  }

  /**
   * Queues an event for its topic, keyed by {@link Envelope#key()}. Never blocks and never throws for a Kafka
   * problem; an event that cannot be encoded is logged at ERROR and counted as failed.
   */
  public void publish(Envelope<?> envelope) {
    enqueue(envelope, null);
  }

  /**
   * Like {@link #publish(Envelope)}, and completes when Kafka acknowledged the event ({@code acks=all}), or fails
   * with {@link EventNotDeliveredException} when it never will be delivered (dropped, refused, closed). While
   * Kafka is down the stage stays pending. Dependent actions run on a Kafka client thread unless an executor is
   * given (with Vert.x: {@code Future.fromCompletionStage(stage, context)}).
   */
  public CompletionStage<Void> publishConfirmed(Envelope<?> envelope) {
    CompletableFuture<Void> confirm = new CompletableFuture<>();
    enqueue(envelope, confirm);
    return confirm;
  }

  /** Queues a tombstone (null value) deleting {@code key} from a compacted topic. Never blocks. */
  public void tombstone(Topic<?> topic, String key) {
    enqueue(topic.name(), tombstoneKey(topic, key), null, null);
  }

  /** Like {@link #tombstone}, completing when Kafka acknowledged it; see {@link #publishConfirmed}. */
  public CompletionStage<Void> tombstoneConfirmed(Topic<?> topic, String key) {
    CompletableFuture<Void> confirm = new CompletableFuture<>();
    enqueue(topic.name(), tombstoneKey(topic, key), null, confirm);
    return confirm;
  }

  /**
   * Completes once the registry's topics exist, or fails if the broker refused to create some; completes at
   * once when {@link PublisherOptions#createTopics()} is off.
   */
  public CompletionStage<Void> topicsReady() {
    return topicsReady.minimalCompletionStage();
  }

  public Stats stats() {
    int b;
    int f;
    lock.lock();
    try {
      b = buffer.size();
      f = inFlight;
    } finally {
      lock.unlock();
    }
    return new Stats(b, f, sent.get(), dropped.get(), failed.get(), lastError);
  }

  /**
   * Waits until every event published so far was acknowledged (or dropped or failed). Blocks: not for an event
   * loop.
   *
   * @return true if the buffer and the window emptied within {@code timeout}
   */
  public boolean flush(Duration timeout) {
    return awaitIdle(System.nanoTime() + timeout.toNanos());
  }

  /** {@link #close(Duration)} with {@link PublisherOptions#closeTimeout()}. */
  @Override
  public void close() {
    close(closeTimeout);
  }

  /**
   * Stops accepting events, tries to deliver what is buffered within {@code timeout}, then stops the producer.
   * Returns within about {@code timeout}; events still undelivered then are lost, reported in one WARN with their
   * number, and their confirmation stages fail. Blocks: not for an event loop.
   *
   * @return true if everything was delivered
   */
  public boolean close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      if (closing) {
        Boolean r = closeResult;
        return r != null && r;
      }
      closing = true;
      work.signalAll();
    } finally {
      lock.unlock();
    }
    // Keep a little of the time for stopping the thread and the producer.
    long reserve = Math.min(timeout.toNanos() / 5, TimeUnit.SECONDS.toNanos(1));
    awaitIdle(deadline - reserve);

    stopping = true;
    sender.interrupt(); // wakes it from a metadata wait in send() or a topic creation
    try {
      sender.join(Math.max(1, remainingMillis(deadline)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    terminated = true;
    List<Pending> left;
    int undelivered;
    lock.lock();
    try {
      left = new ArrayList<>(buffer);
      buffer.clear();
      undelivered = left.size() + inFlight;
    } finally {
      lock.unlock();
    }
    KafkaProducer<String, byte[]> p = producer;
    producer = null;
    if (p != null) {
      // Within the remaining time in-flight records may still be acknowledged; then the producer aborts the rest
      // (their callbacks see `terminated` and fail the confirmations). Aborting takes a few ms: keep them.
      closeQuietly(p, Duration.ofMillis(Math.max(0, remainingMillis(deadline) - 50)));
    }
    for (Pending e : left) {
      notDelivered(e, "publisher closed before the event was delivered");
    }
    gauges.forEach(registry::remove);
    reportDrops(dropLog.drain());
    if (undelivered > 0) {
      log.warn("event publisher {} closed with {} events not delivered to Kafka at {} ({} buffered, rest in flight); "
          + "last error: {}", clientId, undelivered, bootstrapServers, left.size(), lastErrorText());
    } else {
      log.info("event publisher {} closed; {} events sent, {} dropped, {} failed",
          clientId, sent.get(), dropped.get(), failed.get());
    }
    closeResult = undelivered == 0;
    return undelivered == 0;
  }

  // ---------------------------------------------------------------------------------------------- caller side

  private void enqueue(Envelope<?> envelope, CompletableFuture<Void> confirm) {
    enqueue(new Pending(envelope.topic().name(), envelope.key(), envelope, null, confirm));
  }

  private void enqueue(String topic, String key, byte[] value, CompletableFuture<Void> confirm) {
    enqueue(new Pending(topic, key, null, value, confirm));
  }

  private void enqueue(Pending p) {
    Pending evicted = null;
    boolean refused = false;
    lock.lock();
    try {
      if (closing) {
        refused = true;
      } else {
        if (buffer.size() >= capacity) {
          evicted = buffer.pollFirst();
        }
        buffer.addLast(p);
        work.signal();
      }
    } finally {
      lock.unlock();
    }
    if (refused) {
      drop(p, "the publisher is closed");
    } else if (evicted != null) {
      drop(evicted, "the buffer is full");
    }
  }

  private static String tombstoneKey(Topic<?> topic, String key) {
    Objects.requireNonNull(key, "key");
    if (key.isBlank()) {
      throw new IllegalArgumentException("a tombstone needs a key");
    }
    if (topic.cleanup() != Cleanup.COMPACT) {
      throw new IllegalArgumentException("tombstones only make sense on compacted topics, not on " + topic.name());
    }
    // Consumers skip records whose key is not canonical; refuse them here, where the caller can see it.
    return topic.key() == KeyKind.MAC ? Mac.canonical(key) : key;
  }

  // ---------------------------------------------------------------------------------------------- sender thread

  private void runSender() {
    try {
      if (createTopics) {
        ensureTopics();
      } else {
        topicsReady.complete(null);
      }
      long backoff = MIN_BACKOFF_MS;
      while (!stopping) {
        reportDrops(dropLog.due());
        if (producer == null) {
          producer = newProducer();
          if (producer == null) {
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            continue;
          }
        }
        Pending p = next();
        if (p == null) {
          continue;
        }
        if (send(p)) {
          backoff = MIN_BACKOFF_MS;
        } else {
          Thread.sleep(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
      }
    } catch (InterruptedException | InterruptException e) {
      // close() interrupts the thread once the time for delivering is up.
    } catch (RuntimeException | Error e) {
      lastError = ClientProps.describe(e);
      log.error("event publisher {} stopped sending after an unexpected error; events are no longer delivered",
          clientId, e);
    }
  }

  /**
   * How long the sender lets events gather after it found the buffer empty and was woken by one. Without it every
   * event woke the sender on its own, and each wake-up was paid by the thread publishing (an event loop on the boot
   * path: a futex call, and often losing its CPU to the woken sender); with it a busy server wakes the sender at
   * most about a thousand times a second, and each event waits at most this long more.
   */
  static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** The next event to send, counted in flight; null after a second without one, or when stopping. */
  private Pending next() throws InterruptedException {
    lock.lock();
    try {
      long wait = TimeUnit.SECONDS.toNanos(1);
      boolean wasEmpty = false;
      while (!stopping && (buffer.isEmpty() || inFlight >= window)) {
        if (wait <= 0) {
          return null;
        }
        wasEmpty |= buffer.isEmpty();
        wait = work.awaitNanos(wait);
      }
      if (wasEmpty && !stopping) {
        // Not waiting on the condition meanwhile, so publishers signal no one: they only queue.
        lock.unlock();
        try {
          LockSupport.parkNanos(LINGER_NANOS);
        } finally {
          lock.lock();
        }
      }
      if (stopping || buffer.isEmpty() || inFlight >= window) {
        return null; // stopping, or taken back meanwhile (cannot happen today): the caller asks again
      }
      inFlight++;
      return buffer.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Hands one event to the producer. Returns false when it could not (no metadata within max.block.ms, producer
   * unusable): the event is then back at the head of the buffer, so order is kept, and the caller backs off.
   */
  private boolean send(Pending p) {
    byte[] value;
    try {
      value = p.value();
    } catch (RuntimeException e) {
      release();
      fail(p, "cannot encode " + p.what(), e);
      return true;
    }
    SendCallback callback = new SendCallback(p);
    RuntimeException thrown = null;
    inSend = true;
    try {
      producer.send(new ProducerRecord<>(p.topic(), p.key(), value), callback);
    } catch (InterruptException e) {
      requeue(p);
      throw e;
    } catch (RuntimeException e) {
      thrown = e;
    } finally {
      inSend = false;
    }
    // KafkaProducer reports most failures to append (metadata timeout, record too large) through the callback,
    // on this thread, before send() returns; those never reach the broker and are handled here.
    Exception failure = thrown != null ? thrown : callback.syncFailure;
    if (failure == null) {
      return true;
    }
    if (failure instanceof RetriableException) {
      requeue(p);
      noteRetry("sending to " + p.topic(), failure);
      return false;
    }
    if (failure instanceof ApiException) {
      release();
      fail(p, "Kafka refused the event", failure);
      return true;
    }
    // Not an ApiException: the producer itself is unusable (fatal idempotence state, closed). Start over with a
    // new one; the event waits at the head of the buffer.
    requeue(p);
    noteRetry("producer unusable, recreating it", failure);
    KafkaProducer<String, byte[]> broken = producer;
    producer = null;
    closeQuietly(broken, Duration.ZERO);
    return false;
  }

  private final class SendCallback implements Callback {
    private final Pending pending;
    private Exception syncFailure;

    SendCallback(Pending pending) {
      this.pending = pending;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception e) {
      if (e != null && Thread.currentThread() == sender && inSend) {
        syncFailure = e;
        return;
      }
      if (e == null) {
        sent.incrementAndGet();
        publishedCounters.computeIfAbsent(pending.topic(), t -> counterFor("pxebus.events.published", t)).increment();
        if (pending.confirm() != null) {
          pending.confirm().complete(null);
        }
      } else if (terminated) {
        notDelivered(pending, "publisher closed before Kafka acknowledged the event");
      } else {
        // With an unbounded delivery timeout only non-retriable errors get here.
        fail(pending, "Kafka refused the event", e);
      }
      release();
    }
  }

  private void release() {
    lock.lock();
    try {
      inFlight--;
      work.signal();
      if (inFlight == 0 && buffer.isEmpty()) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private void requeue(Pending p) {
    Pending evicted = null;
    lock.lock();
    try {
      inFlight--;
      buffer.addFirst(p);
      if (buffer.size() > capacity) {
        // Publishers filled the buffer meanwhile: this event is the oldest, so it is the one to drop.
        evicted = buffer.pollFirst();
      }
    } finally {
      lock.unlock();
    }
    if (evicted != null) {
      drop(evicted, "the buffer is full");
    }
  }

  private void ensureTopics() throws InterruptedException {
    long backoff = MIN_BACKOFF_MS;
    Admin admin = null;
    try {
      while (!stopping) {
        try {
          if (admin == null) {
            admin = Admin.create(adminProperties());
          }
          if (createTopicsOnce(admin)) {
            return;
          }
        } catch (KafkaException e) {
          // Admin.create: e.g. the bootstrap host name does not resolve yet (container still starting).
          noteRetry("connecting to create topics", e);
        }
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    } finally {
      if (admin != null) {
        try {
          admin.close(Duration.ZERO);
        } catch (RuntimeException e) {
          log.debug("closing the topic admin client: {}", e.toString());
        }
      }
    }
  }

  /** One attempt; true when done (created, existing, or refused for good), false to retry. */
  private boolean createTopicsOnce(Admin admin) throws InterruptedException {
    List<NewTopic> wanted = new ArrayList<>();
    for (Topic<?> t : Topics.all()) {
      wanted.add(new NewTopic(t.name(), t.partitions(), replicationFactor)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, t.cleanup().policy())));
    }
    Map<String, KafkaFuture<Void>> results =
        admin.createTopics(wanted, new CreateTopicsOptions().timeoutMs(ADMIN_TIMEOUT_MS)).values();
    List<String> created = new ArrayList<>();
    Map<String, String> refused = new LinkedHashMap<>();
    Throwable retry = null;
    for (Map.Entry<String, KafkaFuture<Void>> r : results.entrySet()) {
      try {
        r.getValue().get();
        created.add(r.getKey());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof TopicExistsException) {
          continue;
        }
        if (cause instanceof RetriableException) {
          retry = cause;
        } else {
          refused.put(r.getKey(), ClientProps.describe(cause));
        }
      }
    }
    if (!created.isEmpty()) {
      log.info("created Kafka topics {} on {}", created, bootstrapServers);
    }
    if (retry != null) {
      noteRetry("creating topics", retry);
      return false;
    }
    if (!refused.isEmpty()) {
      // Retrying will not help (bad replication factor, no permission): say so and carry on; sends to a missing
      // topic wait for it at the head of the buffer.
      lastError = "topics not created: " + refused;
      log.error("Kafka at {} refused to create topics {}; events for them will wait until they exist",
          bootstrapServers, refused);
      topicsReady.completeExceptionally(new IllegalStateException(lastError));
    } else {
      topicsReady.complete(null);
    }
    return true;
  }

  private KafkaProducer<String, byte[]> newProducer() {
    try {
      KafkaProducer<String, byte[]> p =
          new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
      if (stopping) {
        closeQuietly(p, Duration.ZERO);
        return null;
      }
      return p;
    } catch (KafkaException e) {
      noteRetry("creating the producer", e);
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------- bookkeeping

  private void drop(Pending p, String why) {
    dropped.incrementAndGet();
    lastDropTopic = p.topic();
    droppedCounters.computeIfAbsent(p.topic(), t -> counterFor("pxebus.events.dropped", t)).increment();
    notDelivered(p, "dropped: " + why);
    long n = dropLog.occur();
    if (n > 0) {
      reportDrops(n, why);
    }
  }

  private void reportDrops(long n) {
    if (n > 0) {
      reportDrops(n, "the buffer is full");
    }
  }

  private void reportDrops(long n, String why) {
    log.warn("event publisher {} dropped {} events ({} in all, last on {}) because {} (capacity {}); "
        + "Kafka at {}, last error: {}", clientId, n, dropped.get(), lastDropTopic, why, capacity, bootstrapServers,
        lastErrorText());
  }

  private void fail(Pending p, String what, Throwable e) {
    failed.incrementAndGet();
    failedCounters.computeIfAbsent(p.topic(), t -> counterFor("pxebus.events.failed", t)).increment();
    String message = what + " on " + p.topic() + " (key " + p.key() + "): " + ClientProps.describe(e);
    lastError = message;
    if (p.confirm() != null) {
      p.confirm().completeExceptionally(new EventNotDeliveredException(message, e));
    }
    long n = failLog.occur();
    if (n > 0) {
      log.error("{} ({} such failures since the last report)", message, n);
    }
  }

  private void noteRetry(String doing, Throwable e) {
    lastError = doing + ": " + ClientProps.describe(e);
    long n = retryLog.occur();
    if (n > 0) {
      log.warn("event publisher {}: Kafka at {} not usable ({}); {} events waiting, retrying",
          clientId, bootstrapServers, lastError, stats().buffered());
    }
  }

  private String lastErrorText() {
    String e = lastError;
    return e == null ? "none reported (the producer retries connection errors itself)" : e;
  }

  private static void notDelivered(Pending p, String why) {
    if (p.confirm() != null) {
      p.confirm().completeExceptionally(new EventNotDeliveredException(why));
    }
  }

  private boolean awaitIdle(long deadlineNanos) {
    lock.lock();
    try {
      while (!(buffer.isEmpty() && inFlight == 0)) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        idle.awaitNanos(left);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void counter(Map<String, Counter> counters, String name, String topic) {
    counters.computeIfAbsent(topic, t -> counterFor(name, t));
  }

  private Counter counterFor(String name, String topic) {
    return Counter.builder(name).tag("topic", topic).register(registry);
  }

  private static long remainingMillis(long deadlineNanos) {
    return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
  }

  private static void closeQuietly(KafkaProducer<?, ?> p, Duration timeout) {
    try {
      p.close(timeout);
    } catch (RuntimeException e) {
      log.debug("closing the producer: {}", e.toString());
    }
  }

  private Properties adminProperties() {
    Properties p = ClientProps.base(bootstrapServers, clientId + "-admin");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ADMIN_TIMEOUT_MS));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ADMIN_TIMEOUT_MS));
    return p;
  }

  private static Properties producerProperties(PublisherOptions o) {
    Properties p = ClientProps.base(o.bootstrapServers(), o.clientId());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // Room for what gathers during a longer linger (dhcp-service: 50 ms, thousands of events a second over six
    // partitions) instead of a 16 KiB batch that is full, and sent, after a few milliseconds.
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    ClientProps.putAll(p, o.producerProperties());
    // Not negotiable: no duplicates and no reordering on retry (idempotence), nothing lost to a leader change
    // (acks=all), and retries for as long as the broker is away; the buffer bounds what waits.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(o.metadataWait().toMillis()));
    p.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
    p.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    // Check types and ranges now, on the caller's thread, without the INFO dump a KafkaProducer logs.
    Properties check = new Properties();
    check.putAll(p);
    check.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    check.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try {
      ProducerConfig.configDef().parse(check);
    } catch (KafkaException e) {
      throw new IllegalArgumentException("publisher: invalid producer property: " + e.getMessage(), e);
    }
    return p;
  }
}
