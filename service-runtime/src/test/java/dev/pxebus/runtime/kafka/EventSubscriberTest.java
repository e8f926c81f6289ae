package dev.pxebus.runtime.kafka;

import static dev.pxebus.runtime.kafka.TestEvents.host;
import static dev.pxebus.runtime.kafka.TestEvents.lease;
import static dev.pxebus.runtime.kafka.TestEvents.randomMacs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.pxebus.events.Cleanup;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.KeyKind;
import dev.pxebus.events.Topic;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import dev.pxebus.testing.LogCapture;
import dev.pxebus.testing.TestTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The subscriber against the shared broker. Each test reads a fresh topic of its own, described like the
 * registry's hosts topic (compacted, keyed by MAC, {@link HostEvent} values), and writes to it with a plain
 * producer, so it can also write what no publisher would: garbage, a wrong event type, a bad key.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EventSubscriberTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private static Vertx vertx;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** What a handler saw: the key, the envelope (null = tombstone), whether it ran on the expected context. */
  private record Seen(String key, Envelope<HostEvent> envelope, long offset, boolean onContext) {}

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeClients() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private static Topic<HostEvent> hostsTopic(KafkaEndpoint kafka) {
    String name = TestTopics.create(kafka, "subscriber-hosts", 1, Map.of("cleanup.policy", "compact"));
    return new Topic<>(name, KeyKind.MAC, HostEvent.class, Cleanup.COMPACT, 1, "test", "hosts, for a test");
  }

  private KafkaProducer<String, byte[]> rawProducer(KafkaEndpoint kafka) {
    KafkaProducer<String, byte[]> p = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
    toClose.add(p);
    return p;
  }

  private static void write(KafkaProducer<String, byte[]> p, String topic, String key, byte[] value) throws Exception {
    p.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
  }

  /** Starts a subscriber whose handler runs on a Vert.x context, as in a service. */
  private EventSubscriber<HostEvent> subscribe(Topic<HostEvent> topic, SubscriberOptions options, List<Seen> seen) {
    Context context = vertx.getOrCreateContext();
    Executor onContext = cmd -> context.runOnContext(v -> cmd.run());
    EventSubscriber<HostEvent> s = EventSubscriber.start(topic, options, onContext,
        (key, envelope, offset) -> seen.add(new Seen(key, envelope, offset, Vertx.currentContext() == context)),
        registry);
    toClose.add(s);
    return s;
  }

  private double skipped(Topic<?> topic, String reason) {
    return registry.get("pxebus.events.skipped").tag("topic", topic.name()).tag("reason", reason).counter().count();
  }

  @Test
  void viewSkipsBadRecordsDeliversTombstonesAndCatchesUp(KafkaEndpoint kafka) throws Exception {
    Topic<HostEvent> topic = hostsTopic(kafka);
    List<String> macs = randomMacs(3);
    KafkaProducer<String, byte[]> raw = rawProducer(kafka);
    EventCodec codec = EventCodec.get();
    write(raw, topic.name(), macs.get(0), codec.encode(host(macs.get(0), 1)));                       // 0 good
    write(raw, topic.name(), macs.get(1), "{not json".getBytes(StandardCharsets.UTF_8));              // 1 garbage
    write(raw, topic.name(), macs.get(1), codec.encode(lease(macs.get(1))));                          // 2 wrong type
    write(raw, topic.name(), macs.get(1).replace(':', '-'), codec.encode(host(macs.get(1), 1)));      // 3 bad key
    write(raw, topic.name(), macs.get(2), codec.encode(host(macs.get(1), 1)));                        // 4 key != subject
    write(raw, topic.name(), macs.get(0), null);                                                      // 5 tombstone
    write(raw, topic.name(), macs.get(2), codec.encode(host(macs.get(2), 7)));                        // 6 good

    List<Seen> seen = new CopyOnWriteArrayList<>();
    EventSubscriber<HostEvent> s = subscribe(topic,
        SubscriberOptions.builder(kafka.bootstrapServers()).clientId("subscriber-view").build(), seen);
    assertEquals(EventSubscriber.Mode.VIEW, s.mode());

    // caughtUp completes after the handler saw everything that was there at the start.
    List<Seen> atCatchUp = s.caughtUp().thenApply(v -> List.copyOf(seen)).toCompletableFuture()
        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(3, atCatchUp.size(), atCatchUp::toString);
    assertEquals(macs.get(0), atCatchUp.get(0).key());
    assertEquals(0, atCatchUp.get(0).offset());
    assertEquals(1L, atCatchUp.get(0).envelope().data().revision());
    assertEquals(macs.get(0), atCatchUp.get(1).key());
    assertNull(atCatchUp.get(1).envelope(), "tombstone");
    assertEquals(5, atCatchUp.get(1).offset());
    assertEquals(macs.get(2), atCatchUp.get(2).key());
    assertEquals(7L, atCatchUp.get(2).envelope().data().revision());
    assertTrue(atCatchUp.stream().allMatch(Seen::onContext), "handler runs on the given Vert.x context");

    assertEquals(1.0, skipped(topic, "undecodable"));
    assertEquals(1.0, skipped(topic, "wrong-type"));
    assertEquals(2.0, skipped(topic, "bad-key"));
    EventSubscriber.Stats stats = s.stats();
    assertEquals(4, stats.skipped());
    assertEquals(3, stats.handled());
    assertTrue(stats.caughtUp());

    // Then it keeps following the topic.
    write(raw, topic.name(), macs.get(1), codec.encode(host(macs.get(1), 2)));
    Await.until(DEADLINE, () -> seen.size() == 4, () -> "the live event, have " + seen);
    assertEquals(macs.get(1), seen.get(3).key());
    assertEquals(7, seen.get(3).offset());
  }

  @Test
  void viewOfAnEmptyTopicIsCaughtUpAtOnce(KafkaEndpoint kafka) throws Exception {
    Topic<HostEvent> topic = hostsTopic(kafka);
    EventSubscriber<HostEvent> s = subscribe(topic,
        SubscriberOptions.builder(kafka.bootstrapServers()).clientId("subscriber-empty").build(), new ArrayList<>());
    s.caughtUp().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * On a new cluster a view may start before the service that publishes to its topic has created it: it says so
   * once at INFO, not as a problem, and reads the topic once it exists.
   */
  @Test
  void viewWaitsQuietlyForItsTopicAndReadsItOnceCreated(KafkaEndpoint kafka) throws Exception {
    Topic<HostEvent> topic = notCreatedYet("subscriber-later");
    String name = topic.name();
    List<Seen> seen = new CopyOnWriteArrayList<>();
    try (LogCapture log = LogCapture.of(EventSubscriber.class)) {
      EventSubscriber<HostEvent> s = subscribe(topic,
          SubscriberOptions.builder(kafka.bootstrapServers()).clientId("subscriber-later").build(), seen);
      String waiting = "subscriber subscriber-later: topic " + name + " does not exist yet; waiting for a publisher";
      Await.until(DEADLINE, () -> log.occurrences(waiting) == 1, () -> "the INFO line, have " + log.lines());

      createAndWriteOne(kafka, name, seen);
      s.caughtUp().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

      assertEquals(1L, log.occurrences(waiting), () -> String.join("\n", log.lines()));
      String exists = "subscriber subscriber-later: topic " + name + " exists now";
      assertEquals(1L, log.occurrences(exists), () -> String.join("\n", log.lines()));
      assertTrue(log.events().stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN)),
          () -> "nothing above INFO for an expected wait: " + log.lines());
      assertNull(s.stats().lastError(), () -> "not a problem: " + s.stats());
    }
  }

  /** A topic that stays missing is a problem (a misconfigured cluster or prefix): warned once, still waited for. */
  @Test
  void viewWarnsOnceWhenItsTopicStaysMissing(KafkaEndpoint kafka) throws Exception {
    Topic<HostEvent> topic = notCreatedYet("subscriber-never");
    String name = topic.name();
    List<Seen> seen = new CopyOnWriteArrayList<>();
    try (LogCapture log = LogCapture.of(EventSubscriber.class)) {
      EventSubscriber<HostEvent> s = subscribe(topic, SubscriberOptions.builder(kafka.bootstrapServers())
          .clientId("subscriber-never").topicMissingWarning(Duration.ofSeconds(1)).build(), seen);
      String still = "topic " + name + " still does not exist after ";
      Await.until(DEADLINE, () -> log.occurrences(still) == 1, () -> "the WARN line, have " + log.lines());
      String lastError = s.stats().lastError();
      assertTrue(lastError != null && lastError.startsWith("reading " + name + ": topic does not exist after "),
          () -> "reported in the stats: " + s.stats());

      // Still waiting: once the topic is there, it reads it, and the warning was not repeated on the way.
      createAndWriteOne(kafka, name, seen);
      assertEquals(1L, log.occurrences(still), () -> String.join("\n", log.lines()));
      long warnings = log.events().stream().filter(e -> e.getLevel() == Level.WARN).count();
      assertEquals(1L, warnings, () -> String.join("\n", log.lines()));
    }
  }

  /** A hosts-like topic with a fresh name that nobody has created. */
  private static Topic<HostEvent> notCreatedYet(String prefix) {
    return new Topic<>(TestTopics.unique(prefix), KeyKind.MAC, HostEvent.class, Cleanup.COMPACT, 1, "test", prefix);
  }

  /** Creates topic {@code name}, writes one host event to it and waits until the subscriber's handler saw it. */
  private void createAndWriteOne(KafkaEndpoint kafka, String name, List<Seen> seen) throws Exception {
    TestTopics.createNamed(kafka, name, 1, Map.of());
    String mac = randomMacs(1).get(0);
    write(rawProducer(kafka), name, mac, EventCodec.get().encode(host(mac, 3)));
    Await.until(DEADLINE, () -> seen.size() == 1, () -> "the event written once the topic existed: " + seen);
    assertEquals(mac, seen.get(0).key());
    assertEquals(3L, seen.get(0).envelope().data().revision());
  }

  @Test
  void groupMemberCommitsWhatItsHandlerProcessed(KafkaEndpoint kafka) throws Exception {
    Topic<HostEvent> topic = hostsTopic(kafka);
    List<String> macs = randomMacs(3);
    KafkaProducer<String, byte[]> raw = rawProducer(kafka);
    for (int i = 0; i < 5; i++) {
      write(raw, topic.name(), macs.get(i % 3), EventCodec.get().encode(host(macs.get(i % 3), i)));
    }
    SubscriberOptions options = SubscriberOptions.builder(kafka.bootstrapServers()).clientId("subscriber-group")
        .groupId(TestTopics.unique("group")).build();

    List<Seen> first = new CopyOnWriteArrayList<>();
    EventSubscriber<HostEvent> s1 = subscribe(topic, options, first);
    assertEquals(EventSubscriber.Mode.GROUP, s1.mode());
    s1.caughtUp().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(5, first.size(), first::toString);
    s1.close();

    for (int i = 5; i < 8; i++) {
      write(raw, topic.name(), macs.get(i % 3), EventCodec.get().encode(host(macs.get(i % 3), i)));
    }
    List<Seen> second = new CopyOnWriteArrayList<>();
    EventSubscriber<HostEvent> s2 = subscribe(topic, options, second);
    Await.until(DEADLINE, () -> second.size() >= 3, () -> "the three new events, have " + second);
    s2.caughtUp().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(List.of(5L, 6L, 7L), second.stream().map(Seen::offset).toList(),
        "the group resumes after what it committed");
    assertSame(null, s2.stats().lastError(), () -> "no problem expected: " + s2.stats());
  }
}
