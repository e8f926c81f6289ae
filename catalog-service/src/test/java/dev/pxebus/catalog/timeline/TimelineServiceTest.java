package dev.pxebus.catalog.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.lease.LeaseState;
import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ServiceHost;
import dev.pxebus.runtime.kafka.EventPublisher;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link TimelineService} on the shared real broker: two machines boot at the same time, their steps reach the
 * timelines, and a new service started after the first one closed rebuilds exactly the same timelines and status
 * from the topics. The topics are the registry's, shared with every test in the JVM: MACs and ids are unique per
 * run and only this test's MACs are compared.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TimelineServiceTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int STEPS_PER_BOOT = 11;

  private final List<ServiceHost> hosts = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (ServiceHost h : hosts) await(h.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  private ServiceHost host(KafkaEndpoint kafka, String instance) {
    ServiceHost h = ServiceHost.create(new CommonConfig("catalog-service", instance, kafka.bootstrapServers(), 1,
        10_000, "127.0.0.1", 0, false));
    hosts.add(h);
    return h;
  }

  private static String randomMac() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("02:7e:%02x:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  private static int steps(TimelineService s, String mac) {
    return s.timeline(mac, 10).map(t -> t.getJsonArray("attempts").stream()
        .mapToInt(a -> ((JsonObject) a).getJsonArray("steps").size()).sum()).orElse(0);
  }

  private static boolean leased(TimelineService s, String mac) {
    return s.status(mac).map(j -> j.getValue("lastLease") != null).orElse(false);
  }

  @Test
  void rebuildsTheSameTimelinesFromTheTopicsAfterARestart(KafkaEndpoint kafka) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String one = randomMac();
    String two = randomMac();
    Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<Envelope<BootStepEvent>> bootOne =
        TimelineFixtures.boot(one, UUID.randomUUID().toString(), start, i -> UUID.randomUUID().toString());
    List<Envelope<BootStepEvent>> bootTwo = TimelineFixtures.boot(two, UUID.randomUUID().toString(),
        start.plusMillis(700), i -> UUID.randomUUID().toString());

    ServiceHost first = host(kafka, "timeline-a-" + run);
    TimelineService before = await(TimelineService.start(first, TimelineOptions.defaults()));
    EventPublisher publisher = first.publisher();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (int i = 0; i < STEPS_PER_BOOT; i++) { // the two machines boot side by side
      sent.add(publisher.publishConfirmed(bootOne.get(i)).toCompletableFuture());
      sent.add(publisher.publishConfirmed(bootTwo.get(i)).toCompletableFuture());
    }
    // A producer retry or a republish: the same envelope twice on the topic.
    sent.add(publisher.publishConfirmed(bootOne.get(3)).toCompletableFuture());
    sent.add(publisher.publishConfirmed(Envelope.of(publisher.source(), TimelineFixtures.lease(one, LeaseState.BOUND)))
        .toCompletableFuture());
    sent.add(publisher.publishConfirmed(Envelope.of(publisher.source(), TimelineFixtures.lease(two, LeaseState.BOUND)))
        .toCompletableFuture());
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    Await.until(DEADLINE, () -> steps(before, one) == STEPS_PER_BOOT && steps(before, two) == STEPS_PER_BOOT
            && leased(before, one) && leased(before, two),
        () -> "both boots and leases in the timelines: " + before.timeline(one, 10) + " " + before.timeline(two, 10)
            + " " + before.status(one) + " " + before.status(two));
    JsonObject timelineOne = before.timeline(one, 10).orElseThrow();
    JsonObject timelineTwo = before.timeline(two, 10).orElseThrow();
    JsonObject statusOne = before.status(one).orElseThrow();
    JsonObject statusTwo = before.status(two).orElseThrow();
    JsonObject attempt = timelineOne.getJsonArray("attempts").getJsonObject(0);
    assertEquals(1, timelineOne.getJsonArray("attempts").size(), timelineOne.encodePrettily());
    assertEquals(bootOne.get(0).bootAttemptId(), attempt.getString("bootAttemptId"));
    assertEquals("completed", attempt.getString("outcome"));
    assertEquals(bootOne.stream().map(e -> e.data().stage().name()).toList(),
        attempt.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("stage")).toList(),
        "one step per event, the duplicate counted once, in order");
    assertEquals("HTTP_SERVED", statusTwo.getString("lastStage"));
    assertEquals(1, statusTwo.getLong("attempts"));
    assertTrue(before.stats().duplicates() >= 1, () -> "the republished step: " + before.stats());
    before.caughtUp().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    JsonObject check = first.admin().healthDocument().getJsonObject("checks").getJsonObject("timelines");
    assertEquals("UP", check.getString("status"), check.encode());
    assertTrue(check.getLong("hosts") >= 2, check.encode());
    assertTrue(first.registry().get("pxebus.catalog.timeline.hosts").gauge().value() >= 2, "hosts gauge");
    assertTrue(first.registry().get("pxebus.catalog.timeline.steps.applied").functionCounter().count()
        >= 2 * STEPS_PER_BOOT, "steps counter");
    assertTrue(first.registry().get("pxebus.catalog.timeline.duplicates").functionCounter().count() >= 1,
        "duplicates counter");

    await(before.close());
    await(first.close());
    hosts.remove(first);

    ServiceHost second = host(kafka, "timeline-b-" + run);
    TimelineService after = await(TimelineService.start(second, TimelineOptions.defaults()));
    after.caughtUp().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    // Caught up means everything the topics held at start was applied: no waiting beyond this.
    assertEquals(Optional.of(timelineOne), after.timeline(one, 10), "timeline of " + one + " rebuilt");
    assertEquals(Optional.of(timelineTwo), after.timeline(two, 10), "timeline of " + two + " rebuilt");
    assertEquals(Optional.of(statusOne), after.status(one), "status of " + one + " rebuilt");
    assertEquals(Optional.of(statusTwo), after.status(two), "status of " + two + " rebuilt");
    assertTrue(after.stats().duplicates() >= 1, () -> "the replay skips the republished step too: " + after.stats());
  }
}
