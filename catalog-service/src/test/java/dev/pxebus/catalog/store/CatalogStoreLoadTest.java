package dev.pxebus.catalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.catalog.api.BearerAuth;
import dev.pxebus.catalog.api.CatalogApi;
import dev.pxebus.catalog.api.MachineView;
import dev.pxebus.catalog.blob.BlobStore;
import dev.pxebus.catalog.spec.Change;
import dev.pxebus.catalog.spec.EntityKind;
import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.Topics;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ServiceHost;
import dev.pxebus.runtime.kafka.EventSubscriber;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import dev.pxebus.testing.LogCapture;
import dev.pxebus.testing.TestConsumer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * "On start it reads the compacted topics to the end before it accepts writes", on the shared real broker: the
 * topics hold a host an earlier instance wrote, a new store is caught in the middle of reading them, and a write
 * made then is refused with 503 and leaves nothing on the topic; the same write is made once the store has read
 * to the end.
 *
 * <p>Held without timing luck: the store is started on a worker context of its own host, so its subscribers hand
 * their records (and the news that they caught up) to that context; a task queued on it before the store started
 * blocks it until the test lets go. Until then the store cannot apply a record nor become ready, however fast
 * Kafka is.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CatalogStoreLoadTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
  private static final String TOKEN = "load-test-token";
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final List<ServiceHost> hosts = new ArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);

  @AfterEach
  void close() throws Exception {
    gate.countDown();
    for (ServiceHost h : hosts) await(h.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  private ServiceHost host(KafkaEndpoint kafka, String name) {
    ServiceHost h = ServiceHost.create(new CommonConfig("catalog-service", name + "-" + run,
        kafka.bootstrapServers(), 1, 10_000, "127.0.0.1", 0, false));
    hosts.add(h);
    return h;
  }

  private static String randomMac() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("52:54:00:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  private static HostSpec hostSpec(String mac) {
    return new HostSpec(mac, null, Map.of(), null, null, false);
  }

  private static void awaitWritable(ServiceHost h, CatalogStore store) throws Exception {
    store.ready().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    Await.until(DEADLINE, () -> h.kafka().reachable(), "Kafka reachable for " + h.config().instanceId());
  }

  /** An earlier instance's host, written and acknowledged: what the next store has to read before it writes. */
  private String seedWrittenByAnEarlierInstance(KafkaEndpoint kafka) throws Exception {
    ServiceHost earlier = host(kafka, "load-earlier");
    CatalogStore store = new CatalogStore(earlier, false, WRITE_TIMEOUT, Clock.systemUTC()).start();
    awaitWritable(earlier, store);
    String mac = randomMac();
    assertTrue(await(store.write(Change.put(hostSpec(mac)), Precondition.CREATE)).created());
    await(earlier.close());
    hosts.remove(earlier);
    return mac;
  }

  /**
   * A store started on a held worker context, returned once its subscriber of the hosts topic has found where that
   * topic ends (so the load is under way) — it cannot get there while the gate is shut.
   */
  private CatalogStore startHeldMidLoad(ServiceHost h) throws Exception {
    CatalogStore store = new CatalogStore(h, false, WRITE_TIMEOUT, Clock.systemUTC());
    String hostsReader = "subscriber catalog-service-" + h.config().instanceId() + "-" + Topics.CATALOG_HOSTS.name()
        + " reading " + Topics.CATALOG_HOSTS.name() + " ";
    try (LogCapture subscribers = LogCapture.of(EventSubscriber.class)) {
      await(h.vertx().deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          // Queued before the subscribers exist: everything they hand to this context runs after it.
          context.runOnContext(v -> holdUntilLetGo());
          store.start(); // ServiceHost.subscribe hands records to the context it is called on: this one
          return Future.succeededFuture();
        }
      }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
      Await.until(DEADLINE, () -> subscribers.lines().stream().anyMatch(l -> l.contains(hostsReader)),
          () -> "the store's subscriber found the end of " + Topics.CATALOG_HOSTS.name() + ": " + subscribers.lines());
    }
    return store;
  }

  private void holdUntilLetGo() {
    try {
      gate.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double count(ServiceHost h, String meter) {
    return h.registry().get(meter).counter().count();
  }

  /** Every record of the hosts topic keyed by {@code mac}, read until the one at {@code revision} is among them. */
  private static List<ConsumerRecord<String, byte[]>> recordsOf(KafkaEndpoint kafka, String mac, long revision) {
    // A write refused earlier, had it been sent, would sit before this one in the key's partition: read by now.
    return TestConsumer.readUntil(kafka, Topics.CATALOG_HOSTS.name(), DEADLINE, rs -> rs.stream()
            .anyMatch(r -> mac.equals(r.key()) && r.value() != null && revisionOf(r) == revision))
        .stream().filter(r -> mac.equals(r.key())).toList();
  }

  private static long revisionOf(ConsumerRecord<String, byte[]> r) {
    try {
      return EventCodec.get().decode(r.value(), HostEvent.class).data().revision();
    } catch (Exception e) {
      throw new AssertionError("not a host event at offset " + r.offset() + ": " + e, e);
    }
  }

  @Test
  void aWriteBeforeTheTopicsAreReadToTheEndIsRefusedWith503AndTheSameWriteSucceedsOnceTheyAre(KafkaEndpoint kafka)
      throws Exception {
    String earlier = seedWrittenByAnEarlierInstance(kafka);
    ServiceHost h = host(kafka, "load-held");
    CatalogStore store = startHeldMidLoad(h);
    String mac = randomMac();
    Change write = Change.put(hostSpec(mac));

    assertFalse(store.isReady());
    assertTrue(store.snapshot().get(EntityKind.HOST, earlier).isEmpty(), "the earlier host is not read yet");
    Future<CatalogStore.WriteResult> early = store.write(write, Precondition.CREATE);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(early), "a write while the catalog is being read");
    WriteRefused refused = assertInstanceOf(WriteRefused.class, e.getCause());
    assertEquals(WriteRefused.Reason.UNAVAILABLE, refused.reason());
    assertEquals(503, refused.reason().status());
    assertTrue(refused.getMessage().contains("still being read from Kafka"), refused.getMessage());
    assertEquals(1.0, count(h, "pxebus.catalog.writes.refused"));
    assertEquals(0.0, count(h, "pxebus.catalog.writes"), "nothing handed to Kafka");

    gate.countDown();
    awaitWritable(h, store);
    assertTrue(store.snapshot().get(EntityKind.HOST, earlier).isPresent(), "the load read the earlier host");
    assertTrue(store.snapshot().get(EntityKind.HOST, mac).isEmpty(), "the refused write is not in the catalog");
    CatalogStore.WriteResult made = await(store.write(write, Precondition.CREATE));
    assertTrue(made.created() && made.changed(), made::toString);
    assertEquals(1.0, count(h, "pxebus.catalog.writes"));
    assertEquals(1, recordsOf(kafka, mac, made.entry().revision()).size(),
        "one record of the host on the topic: the accepted write's, none of the refused one");
  }

  @Test
  void theApiAnswersAWriteBeforeTheCatalogIsLoadedWithThe503ProblemAndAcceptsItOnceLoaded(KafkaEndpoint kafka,
      @TempDir Path dir) throws Exception {
    String earlier = seedWrittenByAnEarlierInstance(kafka);
    ServiceHost h = host(kafka, "load-api");
    CatalogStore store = startHeldMidLoad(h);
    MachineView unseen = new MachineView() {
      @Override
      public Optional<JsonObject> status(String mac) {
        return Optional.empty();
      }

      @Override
      public Optional<JsonObject> timeline(String mac, int limit) {
        return Optional.empty();
      }
    };
    Router router = await(CatalogApi.router(h.vertx(), store, new BlobStore(dir.resolve("blobs")), unseen,
        new BearerAuth(TOKEN, List.of(), false), new CatalogApi.Options(1 << 20, 1 << 20, Duration.ofHours(1))));
    HttpServer server = await(h.vertx().createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    String api = "http://127.0.0.1:" + server.actualPort();
    String mac = randomMac();
    String body = new JsonObject().put("mac", mac).encode();

    assertFalse(store.isReady());
    HttpResponse<String> early = post(api + "/hosts", body);
    assertEquals(503, early.statusCode(), early::body);
    assertTrue(early.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
        early.headers()::toString);
    assertEquals("5", early.headers().firstValue("Retry-After").orElse(null));
    JsonObject problem = new JsonObject(early.body());
    assertEquals("urn:pxebus:problem:unavailable", problem.getString("type"), early::body);
    assertEquals(503, problem.getInteger("status"), early::body);
    assertTrue(problem.getString("detail").contains("still being read from Kafka"), early::body);
    assertEquals(0.0, count(h, "pxebus.catalog.writes"), "nothing handed to Kafka");

    gate.countDown();
    awaitWritable(h, store);
    assertTrue(store.snapshot().get(EntityKind.HOST, earlier).isPresent(), "the load read the earlier host");
    HttpResponse<String> made = post(api + "/hosts", body);
    assertEquals(201, made.statusCode(), made::body);
    assertEquals(1, recordsOf(kafka, mac, new JsonObject(made.body()).getLong("revision")).size(),
        "one record of the host on the topic: the accepted write's, none of the refused one");
  }

  private static HttpResponse<String> post(String url, String json) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
