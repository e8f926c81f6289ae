package dev.pxebus.runtime.kafka;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.EventDecodeException;
import dev.pxebus.events.KeyKind;
import dev.pxebus.events.Mac;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one topic on a dedicated thread and hands each typed event to a {@link Handler} on the given executor
 * (for a Vert.x service: {@code cmd -> context.runOnContext(v -> cmd.run())}), in offset order per partition.
 *
 * <p>Two modes, chosen by {@link SubscriberOptions#groupId()}:
 * <ul>
 *   <li>materialised view (no group id): every partition is assigned and read from the beginning, nothing is
 *       committed; what a service does to rebuild catalog state when it starts;</li>
 *   <li>consumer group: the group shares the partitions; offsets are committed after the handler ran for a batch
 *       (never auto-committed), so a record is processed at least once.</li>
 * </ul>
 *
 * <p>Bad records never stop the subscriber: one that cannot be decoded, carries an event type that does not
 * belong on the topic, or has a missing or non-canonical key is skipped, counted in
 * {@code pxebus.events.skipped{topic,reason}} ({@code undecodable}, {@code wrong-type}, {@code bad-key}) and
 * reported in a WARN (at most one per 10 s, with the count). A tombstone reaches the handler with a null
 * envelope. While Kafka is down the thread keeps retrying; nothing escapes to the caller.
 *
 * <p>Meters also: {@code pxebus.events.consumed{topic}} (events handed to the handler) and
 * {@code pxebus.events.handler.errors{topic}} (handler threw; logged, the record counts as processed).
 */
public final class EventSubscriber<T extends PxebusEvent> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventSubscriber.class);

  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  private static final long MIN_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** Why a record was skipped; the {@code reason} tag of {@code pxebus.events.skipped}. */
  public enum SkipReason {
    UNDECODABLE("undecodable"),
    WRONG_TYPE("wrong-type"),
    BAD_KEY("bad-key");

    private final String tag;

    SkipReason(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  /** Receives the events of the topic, one at a time, on the subscriber's executor. */
  @FunctionalInterface
  public interface Handler<T extends PxebusEvent> {
    /**
     * @param key the record key (canonical MAC, entity id or replica id)
     * @param envelope the event, or null for a tombstone (the key was deleted from a compacted topic)
     * @param offset the record's offset within its partition
     */
    void onEvent(String key, Envelope<T> envelope, long offset);
  }

  public enum Mode { VIEW, GROUP }

  /**
   * A snapshot of the subscriber.
   *
   * @param handled events and tombstones handed to the handler
   * @param skipped bad records skipped
   * @param handlerErrors handler calls that threw
   * @param caughtUp whether {@link #caughtUp()} has completed
   * @param lastError the last problem seen (Kafka unreachable, bad record), null if none
   */
  public record Stats(long handled, long skipped, long handlerErrors, boolean caughtUp, String lastError) {}

  private record Item<T extends PxebusEvent>(String key, Envelope<T> envelope, long offset) {}

  private final Topic<T> topic;
  private final Mode mode;
  private final String clientId;
  private final String bootstrapServers;
  private final Duration pollTimeout;
  private final Duration closeTimeout;
  private final Duration topicMissingWarning;
  private final Properties consumerProps;
  private final Executor executor;
  private final Handler<T> handler;

  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;

  // poll thread only
  private boolean started;
  private Map<TopicPartition, Long> targets;
  private volatile Map<Integer, Long> endsAtStart = Map.of();
  private Collection<TopicPartition> firstAssignment;
  private boolean caughtUpSignalled;
  /** Whether the view found its topic missing, since when (nanoTime), and whether it warned of it. */
  private boolean missing;
  private long missingSince;
  private boolean missingWarned;

  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong handlerErrors = new AtomicLong();
  private volatile String lastError;
  private final LogThrottle skipLog = new LogThrottle(LOG_INTERVAL);
  private final LogThrottle problemLog = new LogThrottle(LOG_INTERVAL);
  private final LogThrottle handlerLog = new LogThrottle(LOG_INTERVAL);
  private final Map<SkipReason, Counter> skippedCounters = new HashMap<>();
  private final Counter consumedCounter;
  private final Counter handlerErrorCounter;

  private EventSubscriber(Topic<T> topic, SubscriberOptions options, Executor executor, Handler<T> handler,
      MeterRegistry registry) {
    this.topic = topic;
    this.mode = options.groupId() == null ? Mode.VIEW : Mode.GROUP;
    this.clientId = options.clientId();
    this.bootstrapServers = options.bootstrapServers();
    this.pollTimeout = options.pollTimeout();
    this.closeTimeout = options.closeTimeout();
    this.topicMissingWarning = options.topicMissingWarning();
    this.consumerProps = consumerProperties(options);
    this.executor = executor;
    this.handler = handler;
    for (SkipReason r : SkipReason.values()) {
      skippedCounters.put(r, Counter.builder("pxebus.events.skipped").tag("topic", topic.name()).tag("reason", r.tag())
          .description("records skipped by a subscriber").register(registry));
    }
    consumedCounter = Counter.builder("pxebus.events.consumed").tag("topic", topic.name())
        .description("events handed to a subscriber's handler").register(registry);
    handlerErrorCounter = Counter.builder("pxebus.events.handler.errors").tag("topic", topic.name())
        .description("subscriber handler calls that threw").register(registry);
    this.thread = new Thread(this::run, "pxebus-subscriber-" + clientId);
    thread.setDaemon(true);
  }

  /**
   * Starts reading {@code topic}. Returns at once; connecting, and retrying while Kafka is down, happen on the
   * subscriber's own thread.
   *
   * @param executor where the handler runs; events are handed over in batches and the next batch is only read
   *     after the handler finished the previous one
   * @throws IllegalArgumentException if the options are incomplete or a consumer property is invalid
   */
  public static <T extends PxebusEvent> EventSubscriber<T> start(Topic<T> topic, SubscriberOptions options,
      Executor executor, Handler<T> handler, MeterRegistry registry) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(options, "options");
    EventSubscriber<T> s = new EventSubscriber<>(topic, options, executor, handler, registry);
    s.thread.start();
    return s;
  }

  public Topic<T> topic() {
    return topic;
  }

  public Mode mode() {
    return mode;
  }

  /**
   * Completes, on the handler's executor and after the handler saw those records, once the subscriber has read
   * up to the end offsets the topic had when it started: for a view, of every partition; for a group member, of
   * the partitions first assigned to it. A service reads to there before it accepts writes. Fails if the
   * subscriber is closed first.
   */
  public CompletionStage<Void> caughtUp() {
    return caughtUp.minimalCompletionStage();
  }

  /**
   * A view's end offset per partition when it started reading (what {@link #caughtUp} waits for); empty until it
   * has found the topic, and for a consumer group.
   */
  public Map<Integer, Long> endOffsetsAtStart() {
    return endsAtStart;
  }

  public Stats stats() {
    return new Stats(handled.get(), skipped.get(), handlerErrors.get(), caughtUp.isDone() && !caughtUp.isCompletedExceptionally(),
        lastError);
  }

  /** {@link #close(Duration)} with {@link SubscriberOptions#closeTimeout()}. */
  @Override
  public void close() {
    close(closeTimeout);
  }

  /**
   * Stops reading and closes the consumer (a group member leaves its group). Returns within about
   * {@code timeout}. Blocks: not for an event loop.
   */
  public void close(Duration timeout) {
    if (closed) {
      return;
    }
    closed = true;
    stop.countDown();
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("subscriber {} on {} did not stop within {} ms", clientId, topic.name(), timeout.toMillis());
    }
    caughtUp.completeExceptionally(new IllegalStateException("subscriber on " + topic.name() + " closed"));
  }

  // ---------------------------------------------------------------------------------------------- poll thread

  private void run() {
    long backoff = MIN_BACKOFF_MS;
    try {
      while (!closed) {
        try {
          if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
          }
          if (!started) {
            started = setUp();
            if (!started) {
              backoff = pause(backoff);
              continue;
            }
          }
          ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
          // Hand over what was polled before anything else can throw: the position has moved past it already.
          if (!records.isEmpty()) {
            if (!deliver(records)) {
              break;
            }
            commit(records);
          }
          if (targets == null && firstAssignment != null) {
            targets = new HashMap<>(consumer.endOffsets(firstAssignment, CALL_TIMEOUT));
          }
          checkCaughtUp();
          backoff = MIN_BACKOFF_MS;
        } catch (WakeupException e) {
          // close() woke a blocking call; the loop condition ends it.
        } catch (InterruptException e) {
          break;
        } catch (KafkaException e) {
          // Broker away (timeouts), or a consumer that could not be created (bootstrap name not resolvable yet).
          noteProblem("reading " + topic.name(), e);
          backoff = pause(backoff);
        } catch (RuntimeException e) {
          noteProblem("reading " + topic.name(), e);
          log.error("subscriber {} on {}: unexpected error, retrying", clientId, topic.name(), e);
          backoff = pause(backoff);
        }
      }
    } finally {
      KafkaConsumer<byte[], byte[]> c = consumer;
      consumer = null;
      if (c != null) {
        try {
          c.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        } catch (RuntimeException e) {
          log.debug("closing consumer {}: {}", clientId, e.toString());
        }
      }
    }
  }

  /** Assigns or subscribes; false to retry later. */
  private boolean setUp() {
    if (mode == Mode.GROUP) {
      consumer.subscribe(List.of(topic.name()), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          // Offsets are committed right after each batch; nothing pending to commit here.
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          if (firstAssignment == null) {
            firstAssignment = List.copyOf(partitions);
          }
        }
      });
      return true;
    }
    List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), CALL_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      topicMissing();
      return false;
    }
    if (missing) {
      log.info("subscriber {}: topic {} exists now", clientId, topic.name());
      missing = false;
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo i : infos) {
      partitions.add(new TopicPartition(i.topic(), i.partition()));
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, CALL_TIMEOUT);
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    targets = new HashMap<>(ends);
    Map<Integer, Long> byPartition = new HashMap<>();
    ends.forEach((tp, offset) -> byPartition.put(tp.partition(), offset));
    endsAtStart = Map.copyOf(byPartition);
    log.info("subscriber {} reading {} ({} partitions) from the beginning; end offsets at start {}",
        clientId, topic.name(), partitions.size(), ends);
    return true;
  }

  /** Hands a batch to the handler and waits until it ran; false if closed meanwhile. */
  private boolean deliver(ConsumerRecords<byte[], byte[]> records) {
    List<Item<T>> items = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      Item<T> item = decode(r);
      if (item != null) {
        items.add(item);
      }
    }
    if (items.isEmpty()) {
      return true;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable batch = () -> {
      try {
        for (Item<T> i : items) {
          invoke(i);
        }
      } finally {
        done.complete(null);
      }
    };
    long backoff = MIN_BACKOFF_MS;
    while (true) {
      try {
        executor.execute(batch);
        break;
      } catch (RejectedExecutionException e) {
        noteProblem("handing events of " + topic.name() + " to the handler's executor", e);
        backoff = pause(backoff);
        if (closed) {
          return false;
        }
      }
    }
    while (true) {
      try {
        done.get(pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        if (closed) {
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException e) {
        return true; // never completed exceptionally
      }
    }
  }

  private void invoke(Item<T> i) {
    try {
      handler.onEvent(i.key(), i.envelope(), i.offset());
      handled.incrementAndGet();
      consumedCounter.increment();
    } catch (RuntimeException e) {
      handlerErrors.incrementAndGet();
      handlerErrorCounter.increment();
      lastError = "handler failed on " + topic.name() + "@" + i.offset() + ": " + ClientProps.describe(e);
      long n = handlerLog.occur();
      if (n > 0) {
        log.error("subscriber {}: handler failed on {} key {} offset {} ({} failures since the last report)",
            clientId, topic.name(), i.key(), i.offset(), n, e);
      }
    }
  }

  /** The typed item, or null when the record is skipped. */
  private Item<T> decode(ConsumerRecord<byte[], byte[]> r) {
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    String keyProblem = keyProblem(key);
    if (keyProblem != null) {
      return skip(r, SkipReason.BAD_KEY, keyProblem);
    }
    if (r.value() == null) {
      return new Item<>(key, null, r.offset());
    }
    Envelope<PxebusEvent> envelope;
    try {
      envelope = EventCodec.get().decode(r.value());
    } catch (EventDecodeException | RuntimeException e) {
      return skip(r, SkipReason.UNDECODABLE, e.getMessage());
    }
    if (!topic.valueType().isInstance(envelope.data())) {
      return skip(r, SkipReason.WRONG_TYPE,
          "event type " + envelope.type().type() + " is not a " + topic.valueType().getSimpleName());
    }
    if (!key.equals(envelope.subject())) {
      return skip(r, SkipReason.BAD_KEY, "key '" + key + "' differs from the event subject '" + envelope.subject() + "'");
    }
    @SuppressWarnings("unchecked")
    Envelope<T> typed = (Envelope<T>) (Envelope<?>) envelope;
    return new Item<>(key, typed, r.offset());
  }

  private String keyProblem(String key) {
    if (key == null || key.isEmpty()) {
      return "record has no key";
    }
    if (topic.key() == KeyKind.MAC && !(Mac.isValid(key) && Mac.canonical(key).equals(key))) {
      return "key '" + key + "' is not a canonical MAC";
    }
    return null;
  }

  private Item<T> skip(ConsumerRecord<byte[], byte[]> r, SkipReason reason, String detail) {
    skipped.incrementAndGet();
    skippedCounters.get(reason).increment();
    String where = r.topic() + "-" + r.partition() + "@" + r.offset();
    lastError = "skipped " + where + ": " + reason.tag() + ": " + detail;
    long n = skipLog.occur();
    if (n > 0) {
      log.warn("subscriber {} skipped record {}: {}: {} ({} skipped since the last report)",
          clientId, where, reason.tag(), detail, n);
    }
    return null;
  }

  private void commit(ConsumerRecords<byte[], byte[]> records) {
    if (mode != Mode.GROUP) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    try {
      consumer.commitSync(offsets, CALL_TIMEOUT);
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      // Rebalanced away or broker unreachable: these records will be handled again by whoever reads the
      // partition next (at least once).
      noteProblem("committing offsets of " + topic.name(), e);
    }
  }

  private void checkCaughtUp() {
    if (caughtUpSignalled || targets == null) {
      return;
    }
    targets.entrySet().removeIf(e -> {
      if (!consumer.assignment().contains(e.getKey())) {
        return true; // revoked: another member reads it
      }
      return consumer.position(e.getKey(), CALL_TIMEOUT) >= e.getValue();
    });
    if (!targets.isEmpty()) {
      return;
    }
    caughtUpSignalled = true;
    log.info("subscriber {} caught up on {} ({} events handled, {} skipped)",
        clientId, topic.name(), handled.get(), skipped.get());
    try {
      executor.execute(() -> caughtUp.complete(null));
    } catch (RejectedExecutionException e) {
      caughtUp.complete(null);
    }
  }

  /**
   * The view's topic is not there. On a new cluster that is expected: topics are created by the first publisher
   * (dhcp-service, catalog-service, …), which may start after this service; so it is noted once at INFO. Still
   * missing after {@link SubscriberOptions#topicMissingWarning()} it is a problem worth a WARN (and
   * {@link Stats#lastError}): no service publishes to it, or this one is pointed at another cluster or topic prefix.
   */
  private void topicMissing() {
    long now = System.nanoTime();
    if (!missing) {
      missing = true;
      missingSince = now;
      log.info("subscriber {}: topic {} does not exist yet; waiting for a publisher to create it", clientId,
          topic.name());
    } else if (!missingWarned && now - missingSince >= topicMissingWarning.toNanos()) {
      missingWarned = true;
      long waited = (now - missingSince) / 1_000_000_000L;
      lastError = "reading " + topic.name() + ": topic does not exist after " + waited + " s";
      log.warn("subscriber {} ({} at {}): topic {} still does not exist after {} s: is a service publishing to it, "
          + "and is this service on the same Kafka cluster and topic names? Still waiting", clientId, mode,
          bootstrapServers, topic.name(), waited);
    }
  }

  private void noteProblem(String doing, Exception e) {
    lastError = doing + ": " + ClientProps.describe(e);
    long n = problemLog.occur();
    if (n > 0) {
      log.warn("subscriber {} ({} at {}): {}; retrying", clientId, mode, bootstrapServers, lastError);
    }
  }

  /** Waits {@code backoffMs} unless closed meanwhile; returns the next backoff. */
  private long pause(long backoffMs) {
    try {
      stop.await(backoffMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  }

  private static Properties consumerProperties(SubscriberOptions o) {
    Properties p = ClientProps.base(o.bootstrapServers(), o.clientId());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    ClientProps.putAll(p, o.consumerProperties());
    // Not negotiable: commits happen after the handler ran (never auto-commit), and a subscriber must not create
    // a topic by asking for it (topics are created by the publisher, with the registry's settings).
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    if (o.groupId() != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, o.groupId());
    } else {
      p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    }
    p.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    p.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    Properties check = new Properties();
    check.putAll(p);
    check.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    check.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try {
      ConsumerConfig.configDef().parse(check);
    } catch (KafkaException e) {
      throw new IllegalArgumentException("subscriber: invalid consumer property: " + e.getMessage(), e);
    }
    return p;
  }
}
