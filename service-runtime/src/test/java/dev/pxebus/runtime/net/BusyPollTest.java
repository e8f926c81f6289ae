package dev.pxebus.runtime.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.SelectStrategy;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.transport.Transport;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The poll-before-sleep choice on its own (a fake "select now" standing in for {@code epoll_wait(0)}), and a real
 * Vert.x on the polling epoll transport answering a lock-step UDP client.
 */
class BusyPollTest {
  private static final long SPIN = TimeUnit.MILLISECONDS.toNanos(2);

  @AfterEach
  void noDemandLeftOnThisThread() {
    while (BusyPoll.currentDemand() > 0) BusyPoll.release();
  }

  private static BusyPoll.Strategy strategy(int maxDemand) {
    return new BusyPoll.Strategy(SPIN, maxDemand);
  }

  @Test
  void withoutDemandTheLoopSleepsAsNettyWould() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    assertEquals(SelectStrategy.SELECT, strategy(8).calculateStrategy(() -> {
      polls.incrementAndGet();
      return 1;
    }, false));
    assertEquals(0, polls.get(), "no poll without demand");
  }

  @Test
  void pendingTasksLookForIoWithoutBlockingAsNettyWould() throws Exception {
    assertEquals(3, strategy(8).calculateStrategy(() -> 3, true));
    assertEquals(0, strategy(8).calculateStrategy(() -> 0, true), "no spinning while tasks wait");
  }

  @Test
  void withDemandTheLoopPollsUntilSomethingIsReady() throws Exception {
    BusyPoll.demand();
    BusyPoll.Strategy s = strategy(8);
    AtomicInteger polls = new AtomicInteger();
    assertEquals(2, s.calculateStrategy(() -> polls.incrementAndGet() < 5 ? 0 : 2, false));
    assertEquals(5, polls.get());
    assertEquals(1, s.hits);
    assertEquals(0, s.timeouts);
  }

  @Test
  void aPollThatFindsNothingEndsInASleepAfterTheSpin() throws Exception {
    BusyPoll.demand();
    BusyPoll.Strategy s = strategy(8);
    long start = System.nanoTime();
    assertEquals(SelectStrategy.SELECT, s.calculateStrategy(() -> 0, false));
    long took = System.nanoTime() - start;
    assertTrue(took >= SPIN, "gave up after " + took + " ns, before the spin of " + SPIN);
    assertEquals(0, s.hits);
    assertEquals(1, s.timeouts);
    assertTrue(s.nanos >= SPIN, "spin time counted: " + s.nanos);
  }

  @Test
  void moreDemandThanTheMaximumSleepsAtOnce() throws Exception {
    BusyPoll.demand();
    BusyPoll.demand();
    BusyPoll.demand();
    AtomicInteger polls = new AtomicInteger();
    assertEquals(SelectStrategy.SELECT, strategy(2).calculateStrategy(() -> {
      polls.incrementAndGet();
      return 0;
    }, false));
    assertEquals(0, polls.get());
    BusyPoll.release();
    assertEquals(1, strategy(2).calculateStrategy(() -> 1, false), "two demands of at most two: polls");
  }

  @Test
  void demandIsPerThreadAndNeverNegative() throws Exception {
    BusyPoll.release();
    assertEquals(0, BusyPoll.currentDemand());
    BusyPoll.demand();
    Thread other = new Thread(() -> assertEquals(0, BusyPoll.currentDemand()));
    other.start();
    other.join();
    assertEquals(1, BusyPoll.currentDemand());
  }

  @Test
  void offOrBadSettings() {
    assertFalse(BusyPoll.of(Duration.ZERO, 8).enabled());
    assertTrue(BusyPoll.OFF.transport().isEmpty(), "off: Vert.x keeps its own transport");
    assertThrows(IllegalArgumentException.class, () -> BusyPoll.of(Duration.ofNanos(-1), 8));
    assertThrows(IllegalArgumentException.class, () -> BusyPoll.of(Duration.ofMillis(1), 0));
  }

  /**
   * Vert.x on the polling transport: a UDP echo whose event loop has demand answers a lock-step client, and its
   * loop polled for the next request instead of sleeping (counted in the metrics).
   */
  @Test
  void aVertxOnThePollingTransportAnswersAndPolls() throws Exception {
    assumeTrue(Transport.EPOLL.available(), "native epoll only (Linux)");
    BusyPoll busy = BusyPoll.of(Duration.ofMillis(5), 8);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    busy.bindTo(registry);
    Vertx vertx = Vertx.builder().withTransport(busy.transport().orElseThrow()).build();
    try {
      assertTrue(vertx.isNativeTransportEnabled(), "still the native transport");
      Context ctx = vertx.getOrCreateContext();
      Promise<Integer> bound = Promise.promise();
      ctx.runOnContext(v -> {
        BusyPoll.demand(); // on the event loop: this loop now polls before it sleeps
        DatagramSocket echo = vertx.createDatagramSocket();
        echo.handler(p -> echo.send(p.data(), p.sender().port(), p.sender().host()));
        echo.listen(0, "127.0.0.1").onSuccess(s -> bound.complete(s.localAddress().port())).onFailure(bound::fail);
      });
      int port = bound.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (java.net.DatagramSocket client = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        client.setSoTimeout(5_000);
        byte[] in = new byte[16];
        for (int i = 0; i < 200; i++) {
          byte[] out = {(byte) i, (byte) (i >> 8)};
          client.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), port));
          DatagramPacket reply = new DatagramPacket(in, in.length);
          client.receive(reply);
          assertEquals(2, reply.getLength());
          assertEquals((byte) i, in[0], "echo of request " + i);
        }
      }
      double hits = registry.get("pxebus.eventloop.busy.polls").tag("outcome", "event").functionCounter().count();
      assertTrue(hits > 0, "the loop never found a request by polling (hits " + hits + ")");
      assertTrue(registry.get("pxebus.eventloop.busy.poll.seconds").functionCounter().count() > 0);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
