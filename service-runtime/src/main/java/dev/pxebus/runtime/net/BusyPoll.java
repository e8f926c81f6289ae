package dev.pxebus.runtime.net;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.IntSupplier;
import io.vertx.core.impl.transports.EpollTransport;
import io.vertx.core.spi.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

/**
 * Busy polling for event loops that serve a few latency-bound exchanges: before an event loop goes to sleep in
 * {@code epoll_wait}, it polls without blocking for a short while, and when a packet arrives in that time it is
 * handled at once, with no sleep and no wake-up.
 *
 * <p>Why: a lock-step TFTP transfer is one round trip per block, and on a virtual machine whose CPUs go idle
 * between packets most of each round trip is the idle CPU being woken (measured here: a lock-step client fetched
 * three times faster, from atftpd and tftp-service alike, while low-priority CPU hogs kept the CPUs from idling).
 * A thread that polls for the next packet keeps its CPU awake for the few tens of microseconds the client needs to
 * answer. Linux's {@code net.core.busy_poll} and DPDK do the same thing for the same reason.
 *
 * <p>It costs CPU, so it is bounded three ways: an event loop polls only while code on it has declared a demand
 * ({@link #demand()}, e.g. an active TFTP transfer), only while that demand is at most {@code maxDemand} (with many
 * transfers the loop rarely runs dry, and the CPU is better left to others), and each time for at most
 * {@code spin}, after which it sleeps as usual. An event loop without demand behaves exactly like Netty's default.
 * Timers and tasks handed over from other threads are not delayed beyond the spin: a task wakes the loop through its
 * event file descriptor, which the poll sees.
 *
 * <p>Only for Linux's native epoll transport: elsewhere {@link #transport()} is empty and nothing changes.
 */
public final class BusyPoll {
  /** Busy polling off: the host uses Vert.x's own transport. */
  public static final BusyPoll OFF = new BusyPoll(Duration.ZERO, 0);

  /** The current thread's demand, one counter per thread; only event loop threads ever change theirs. */
  private static final ThreadLocal<int[]> DEMAND = ThreadLocal.withInitial(() -> new int[1]);

  private final long spinNanos;
  private final int maxDemand;
  private final List<Strategy> strategies = new CopyOnWriteArrayList<>();

  private BusyPoll(Duration spin, int maxDemand) {
    this.spinNanos = spin.toNanos();
    this.maxDemand = maxDemand;
  }

  /**
   * @param spin how long a loop polls before it sleeps; zero turns busy polling off
   * @param maxDemand the most demands (e.g. transfers) on one loop for which it still polls; at least 1
   */
  public static BusyPoll of(Duration spin, int maxDemand) {
    if (spin.isNegative()) throw new IllegalArgumentException("negative spin " + spin);
    if (maxDemand < 1) throw new IllegalArgumentException("maxDemand " + maxDemand + " < 1");
    return spin.isZero() ? OFF : new BusyPoll(spin, maxDemand);
  }

  public boolean enabled() {
    return spinNanos > 0;
  }

  public Duration spin() {
    return Duration.ofNanos(spinNanos);
  }

  public int maxDemand() {
    return maxDemand;
  }

  /** One more reason for the current event loop to poll before it sleeps; pair with {@link #release()}. */
  public static void demand() {
    DEMAND.get()[0]++;
  }

  /** One reason fewer (the transfer that called {@link #demand()} ended). */
  public static void release() {
    int[] d = DEMAND.get();
    if (d[0] > 0) d[0]--;
  }

  /** The current thread's demand (for tests). */
  static int currentDemand() {
    return DEMAND.get()[0];
  }

  /**
   * The native epoll transport with this busy polling in its event loops, for {@code VertxBuilder.withTransport};
   * empty when busy polling is off or epoll is not available here.
   */
  public Optional<io.vertx.core.transport.Transport> transport() {
    io.vertx.core.transport.Transport epoll = io.vertx.core.transport.Transport.EPOLL;
    if (!enabled() || !epoll.available()) return Optional.empty();
    Transport polling = new PollingEpoll(this);
    return Optional.of(new io.vertx.core.transport.Transport() {
      @Override
      public String name() {
        return epoll.name();
      }

      @Override
      public boolean available() {
        return true;
      }

      @Override
      public Throwable unavailabilityCause() {
        return null;
      }

      @Override
      public Transport implementation() {
        return polling;
      }
    });
  }

  /**
   * {@code pxebus.eventloop.busy.polls{outcome=event|timeout}}: polls that found work or ended in a sleep, and
   * {@code pxebus.eventloop.busy.poll.seconds}: the time spent polling.
   */
  public void bindTo(MeterRegistry registry) {
    counter(registry, "pxebus.eventloop.busy.polls", "event", s -> s.hits, "polls before a sleep that found work");
    counter(registry, "pxebus.eventloop.busy.polls", "timeout", s -> s.timeouts,
        "polls before a sleep that found nothing and slept");
    FunctionCounter.builder("pxebus.eventloop.busy.poll.seconds", this, b -> sum(s -> s.nanos) / 1e9)
        .description("time event loops spent polling before they would have slept").register(registry);
  }

  private void counter(MeterRegistry registry, String name, String outcome, ToLongFunction<Strategy> f, String what) {
    FunctionCounter.builder(name, this, b -> b.sum(f)).tag("outcome", outcome).description(what).register(registry);
  }

  private long sum(ToLongFunction<Strategy> f) {
    long n = 0;
    for (Strategy s : strategies) n += f.applyAsLong(s);
    return n;
  }

  SelectStrategy newStrategy() {
    Strategy s = new Strategy(spinNanos, maxDemand);
    strategies.add(s);
    return s;
  }

  /**
   * One event loop's choice between sleeping and polling. Netty asks it once per pass of the loop: a positive
   * return is the number of ready events the poll found (the loop handles them), {@link SelectStrategy#SELECT}
   * lets the loop sleep as usual.
   */
  static final class Strategy implements SelectStrategy {
    private final long spinNanos;
    private final int maxDemand;
    /** The loop thread's demand counter, found on the first call (the strategy is made on another thread). */
    private int[] demand;
    // Written by the loop thread only, read by metrics scrapes: a stale value is fine there.
    long hits;
    long timeouts;
    long nanos;

    Strategy(long spinNanos, int maxDemand) {
      this.spinNanos = spinNanos;
      this.maxDemand = maxDemand;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
      if (hasTasks) return selectNow.get(); // Netty's default: tasks are waiting, look for I/O without blocking
      if (demand == null) demand = DEMAND.get();
      int d = demand[0];
      if (d <= 0 || d > maxDemand) return SELECT;
      long start = System.nanoTime();
      long now = start;
      do {
        int ready = selectNow.get();
        if (ready > 0) {
          hits++;
          nanos += System.nanoTime() - start;
          return ready;
        }
        Thread.onSpinWait();
        now = System.nanoTime();
      } while (now - start < spinNanos);
      timeouts++;
      nanos += now - start;
      return SELECT;
    }
  }

  /**
   * Vert.x's epoll transport, with event loops made by {@link EpollIoHandler} with {@link Strategy}; everything else
   * (channels, socket options, address conversion) is the epoll transport's own.
   */
  private static final class PollingEpoll extends EpollTransport {
    private final BusyPoll busy;

    PollingEpoll(BusyPoll busy) {
      this.busy = busy;
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return EpollIoHandler.newFactory(0, busy::newStrategy);
    }
  }
}
