package dev.pxebus.runtime.kafka;

import static dev.pxebus.runtime.kafka.TestEvents.randomMacs;
import static dev.pxebus.runtime.kafka.TestEvents.range;
import static dev.pxebus.runtime.kafka.TestEvents.readToEnd;
import static dev.pxebus.runtime.kafka.TestEvents.step;
import static dev.pxebus.runtime.kafka.TestEvents.xidsByMac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.kafka.KraftBroker;
import dev.pxebus.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher while Kafka goes away and comes back. These tests stop and restart a broker of their own (the
 * shared test broker must stay up for everyone else), on the same ports and data directory.
 */
class EventPublisherOutageTest {
  private static final Logger log = LoggerFactory.getLogger(EventPublisherOutageTest.class);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private static KraftBroker broker;
  private static ExecutorService caller;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KraftBroker.builder(Files.createTempDirectory("pxebus-outage-kafka-")).deleteOnClose(true).build().start();
    caller = Executors.newSingleThreadExecutor(r -> new Thread(r, "outage-test-caller"));
    // The registry's topics, as a service's publisher creates them (a test below starts one that does not).
    try (EventPublisher p = EventPublisher.start(PublisherOptions.builder(broker.bootstrapServers())
        .clientId("outage-topics").source(TestEvents.SOURCE).build(), new SimpleMeterRegistry())) {
      p.topicsReady().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopBroker() {
    caller.shutdownNow();
    broker.close();
  }

  @BeforeEach
  void brokerUp() {
    if (!broker.isRunning()) {
      broker.start();
    }
  }

  @AfterEach
  void closeClients() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private EventPublisher publisher(String clientId, int capacity, int window) {
    EventPublisher p = EventPublisher.start(PublisherOptions.builder(broker.bootstrapServers()).clientId(clientId)
        .source(TestEvents.SOURCE).bufferCapacity(capacity).inFlightWindow(window).build(), registry);
    toClose.add(() -> p.close(Duration.ofSeconds(5)));
    return p;
  }

  /**
   * Publishes on another thread, as a Vert.x event loop would, and fails if that takes longer than the deadline:
   * publish() must not wait for Kafka. Returns the longest single call, in microseconds.
   */
  private static long publishWithoutBlocking(EventPublisher p, List<? extends Envelope<?>> events, Duration deadline)
      throws Exception {
    AtomicLong longestNanos = new AtomicLong();
    Future<?> done = caller.submit(() -> {
      for (Envelope<?> e : events) {
        long t0 = System.nanoTime();
        p.publish(e);
        longestNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
      }
    });
    done.get(deadline.toMillis(), TimeUnit.MILLISECONDS); // TimeoutException fails the test
    return TimeUnit.NANOSECONDS.toMicros(longestNanos.get());
  }

  /** {@code perMac} events for each MAC, interleaved, numbered from {@code from}. */
  private static List<Envelope<DhcpStepEvent>> steps(List<String> macs, int from, int perMac) {
    List<Envelope<DhcpStepEvent>> l = new ArrayList<>();
    for (int i = from; i < from + perMac; i++) {
      for (String mac : macs) {
        l.add(step(mac, i));
      }
    }
    return l;
  }

  @Test
  void everyEventPublishedAcrossABrokerRestartArrivesOnceAndInOrderPerMac() throws Exception {
    long t0 = System.nanoTime();
    List<String> macs = randomMacs(5);
    Set<String> macSet = new HashSet<>(macs);
    EventPublisher p = publisher("outage-restart", PublisherOptions.DEFAULT_BUFFER_CAPACITY, 200);
    KafkaReachability reachability = KafkaReachability.start(broker.bootstrapServers(), "outage-restart",
        Duration.ofMillis(200), Duration.ofMillis(500));
    toClose.add(reachability);
    // A materialised view reading along, across the outage, as a restarted service's view would.
    Map<String, List<Long>> seen = new ConcurrentHashMap<>();
    ExecutorService handlerThread = Executors.newSingleThreadExecutor();
    toClose.add(handlerThread::shutdownNow);
    EventSubscriber<BootStepEvent> view = EventSubscriber.start(Topics.BOOT_EVENTS,
        SubscriberOptions.builder(broker.bootstrapServers()).clientId("outage-view").build(), handlerThread,
        (key, envelope, offset) -> {
          if (macSet.contains(key)) {
            seen.computeIfAbsent(key, k -> new ArrayList<>()).add(((DhcpStepEvent) envelope.data()).xid());
          }
        }, registry);
    toClose.add(view);

    // 1. Broker up: 10 per MAC, acknowledged.
    publishWithoutBlocking(p, steps(macs, 0, 10), Duration.ofSeconds(5));
    assertTrue(p.flush(DEADLINE), () -> "first events not flushed: " + p.stats());
    Await.until(DEADLINE, reachability::reachable, () -> "reachable: " + reachability.status());
    assertEquals(broker.clusterId().orElseThrow(), reachability.clusterId().orElseThrow());

    // 2. 50 per MAC published just before the broker stops (some are on the wire while it goes down), then
    //    100 per MAC while it is down.
    publishWithoutBlocking(p, steps(macs, 10, 50), Duration.ofSeconds(5));
    long stopStart = System.nanoTime();
    broker.stop();
    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStart);
    Await.until(DEADLINE, () -> !reachability.reachable(), () -> "unreachable: " + reachability.status());
    assertTrue(reachability.lastError().isPresent());
    List<Envelope<DhcpStepEvent>> whileDown = steps(macs, 60, 100);
    long longestMicros = publishWithoutBlocking(p, whileDown, Duration.ofSeconds(5));
    assertTrue(longestMicros < 500_000, "a publish() took " + longestMicros + " µs while Kafka was down");
    EventPublisher.Stats down = p.stats();
    assertTrue(down.buffered() + down.inFlight() >= whileDown.size(), () -> "waiting while down: " + down);
    assertEquals(0, down.dropped());

    // 3. Back on the same ports and data: everything goes out, once, in order per MAC.
    long startStart = System.nanoTime();
    broker.start();
    long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startStart);
    assertTrue(p.flush(DEADLINE), () -> "not flushed after restart: " + p.stats());
    Await.until(DEADLINE, reachability::reachable, () -> "reachable again: " + reachability.status());

    Map<String, List<Long>> xids = xidsByMac(readToEnd(broker.bootstrapServers(), Topics.BOOT_EVENTS.name()), macSet);
    for (String mac : macs) {
      assertEquals(range(0, 160), xids.get(mac), "events of " + mac + " in the topic: each once, in publish order");
    }
    EventPublisher.Stats s = p.stats();
    assertEquals(800, s.sent(), s::toString);
    assertEquals(0, s.failed(), s::toString);
    Await.until(DEADLINE, () -> macs.stream().allMatch(m -> seen.getOrDefault(m, List.of()).size() == 160),
        () -> "the view read every event: " + seen.values().stream().map(List::size).collect(Collectors.toList()));
    for (String mac : macs) {
      assertEquals(range(0, 160), seen.get(mac), "events of " + mac + " as the view read them");
    }
    log.info("broker stop {} ms, restart {} ms, longest publish() while down {} µs, whole test {} ms",
        stopMs, startMs, longestMicros, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @Test
  void aFullBufferDropsTheOldestEventsAndCountsThem() throws Exception {
    List<String> macs = randomMacs(2);
    broker.stop();
    // Started while Kafka is down, the publisher's thread is still trying to create the topics, so nothing
    // leaves the buffer: exactly the buffer's capacity is kept.
    EventPublisher p = publisher("outage-overflow", 10, 100);
    List<Envelope<DhcpStepEvent>> events = steps(macs, 0, 12); // 24 events, alternating MACs
    publishWithoutBlocking(p, events, Duration.ofSeconds(5));
    p.publish(step(macs.get(0), 12));                          // the 25th

    EventPublisher.Stats full = p.stats();
    assertEquals(new EventPublisher.Stats(10, 0, 0, 15, 0, full.lastError()), full);
    assertEquals(15.0, registry.get("pxebus.events.dropped").tag("topic", Topics.BOOT_EVENTS.name()).counter().count());
    assertEquals(10.0, registry.get("pxebus.events.buffered").gauge().value());

    broker.start();
    assertTrue(p.flush(DEADLINE), () -> "not flushed after restart: " + p.stats());
    Map<String, List<Long>> xids =
        xidsByMac(readToEnd(broker.bootstrapServers(), Topics.BOOT_EVENTS.name()), new HashSet<>(macs));
    // The 10 newest of 0:0 1:0 0:1 1:1 … 0:11 1:11 0:12 are 1:7 0:8 1:8 … 0:12.
    assertEquals(range(8, 13), xids.get(macs.get(0)), "the newest of " + macs.get(0));
    assertEquals(range(7, 12), xids.get(macs.get(1)), "the newest of " + macs.get(1));
    assertEquals(10, p.stats().sent());
  }

  @Test
  void eventsWaitInOrderWhileNoTopicMetadataCanBeFetched() throws Exception {
    List<String> macs = randomMacs(3);
    broker.stop();
    // Started while Kafka is down and without creating topics, the producer has no metadata: each send waits
    // max.block.ms, fails, and puts the event back at the head of the buffer.
    EventPublisher p = EventPublisher.start(PublisherOptions.builder(broker.bootstrapServers())
        .clientId("outage-metadata").source(TestEvents.SOURCE).createTopics(false)
        .metadataWait(Duration.ofMillis(300)).build(), registry);
    toClose.add(() -> p.close(Duration.ofSeconds(5)));
    publishWithoutBlocking(p, steps(macs, 0, 10), Duration.ofSeconds(5));
    Await.until(DEADLINE, () -> String.valueOf(p.stats().lastError()).contains("not present in metadata"),
        () -> "a send timed out waiting for metadata: " + p.stats());
    EventPublisher.Stats waiting = p.stats();
    assertEquals(30, waiting.buffered() + waiting.inFlight(), waiting::toString);
    assertEquals(0, waiting.sent() + waiting.dropped() + waiting.failed(), waiting::toString);

    broker.start();
    assertTrue(p.flush(DEADLINE), () -> "not flushed after restart: " + p.stats());
    Map<String, List<Long>> xids =
        xidsByMac(readToEnd(broker.bootstrapServers(), Topics.BOOT_EVENTS.name()), new HashSet<>(macs));
    for (String mac : macs) {
      assertEquals(range(0, 10), xids.get(mac), "events of " + mac);
    }
  }

  @Test
  void closeWithTheBrokerDownReturnsWithinItsTimeout() throws Exception {
    List<String> macs = randomMacs(3);
    // A publisher that has been talking to Kafka (metadata known, events in the producer when it goes down) ...
    EventPublisher connected = publisher("outage-close-connected", 1_000, 100);
    connected.publish(step(macs.get(0), 0));
    assertTrue(connected.flush(DEADLINE), () -> "not flushed: " + connected.stats());
    broker.stop();
    publishWithoutBlocking(connected, steps(macs, 1, 100), Duration.ofSeconds(5));
    CompletableFuture<Void> pending = connected.publishConfirmed(step(macs.get(0), 101)).toCompletableFuture();
    // Where the events wait depends on a race: those the producer took before it noticed the broker had gone
    // wait inside it; once it "rebootstraps" (metadata.recovery.strategy) it has no metadata left and the rest
    // stay in the buffer. Either way close() must give up in time.
    EventPublisher.Stats waiting = connected.stats();
    assertEquals(301, waiting.buffered() + waiting.inFlight(), waiting::toString);

    long t0 = System.nanoTime();
    assertFalse(connected.close(Duration.ofSeconds(2)), "events were undelivered");
    long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(closeMs < 3_000, "close took " + closeMs + " ms");
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(1, TimeUnit.SECONDS));
    assertInstanceOf(EventNotDeliveredException.class, e.getCause());

    // ... and one started while Kafka is down, still creating topics: starting and publishing do not wait.
    long s0 = System.nanoTime();
    EventPublisher fresh = publisher("outage-close-fresh", 1_000, 100);
    long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s0);
    publishWithoutBlocking(fresh, steps(macs, 0, 10), Duration.ofSeconds(5));
    assertEquals(30, fresh.stats().buffered());
    long t1 = System.nanoTime();
    assertFalse(fresh.close(Duration.ofSeconds(2)));
    long freshCloseMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
    assertTrue(freshCloseMs < 3_000, "close took " + freshCloseMs + " ms");
    log.info("start while down {} ms; close(2 s) while down: connected {} ms ({}), fresh {} ms", startMs, closeMs,
        waiting, freshCloseMs);
  }
}
