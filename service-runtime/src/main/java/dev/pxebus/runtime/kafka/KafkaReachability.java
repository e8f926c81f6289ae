package dev.pxebus.runtime.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "is Kafka reachable right now?" for {@code /health} without ever blocking the caller: a daemon thread
 * asks the cluster to describe itself every {@code interval} (with a short timeout) and keeps the last answer.
 * Reading it is a volatile read. Logs only when reachability changes.
 */
public final class KafkaReachability implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaReachability.class);

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The last check's outcome.
   *
   * @param reachable whether the last check got an answer
   * @param lastChecked when the last check finished; null before the first
   * @param lastError why the last check failed; null when it succeeded or before the first
   * @param clusterId the cluster id from the last successful check; kept while unreachable
   * @param brokers brokers the cluster reported at the last successful check
   */
  public record Status(boolean reachable, Instant lastChecked, String lastError, String clusterId, int brokers) {}

  private final String bootstrapServers;
  private final String clientId;
  private final Duration interval;
  private final Duration timeout;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private volatile Status status = new Status(false, null, null, null, 0);
  private volatile boolean closed;

  private KafkaReachability(String bootstrapServers, String clientId, Duration interval, Duration timeout) {
    this.bootstrapServers = bootstrapServers;
    this.clientId = clientId;
    this.interval = interval;
    this.timeout = timeout;
    this.thread = new Thread(this::run, "pxebus-kafka-reachability-" + clientId);
    thread.setDaemon(true);
  }

  /** Starts checking {@code bootstrapServers} every {@link #DEFAULT_INTERVAL}, each check allowed {@link #DEFAULT_TIMEOUT}. */
  public static KafkaReachability start(String bootstrapServers, String clientId) {
    return start(bootstrapServers, clientId, DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
  }

  /** Starts checking; the first check begins at once. Returns at once. */
  public static KafkaReachability start(String bootstrapServers, String clientId, Duration interval, Duration timeout) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(clientId, "clientId");
    if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("interval and timeout must be positive: " + interval + ", " + timeout);
    }
    KafkaReachability r = new KafkaReachability(bootstrapServers, clientId, interval, timeout);
    r.thread.start();
    return r;
  }

  public Status status() {
    return status;
  }

  public boolean reachable() {
    return status.reachable();
  }

  /** When the last check finished; empty before the first. */
  public Optional<Instant> lastChecked() {
    return Optional.ofNullable(status.lastChecked());
  }

  /** Why the last check failed; empty if it succeeded (or none has finished yet). */
  public Optional<String> lastError() {
    return Optional.ofNullable(status.lastError());
  }

  /** The cluster id last seen; empty until a check succeeded. */
  public Optional<String> clusterId() {
    return Optional.ofNullable(status.clusterId());
  }

  @Override
  public void close() {
    closed = true;
    stop.countDown();
    try {
      thread.join(timeout.toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    Admin admin = null;
    try {
      while (!closed) {
        try {
          if (admin == null) {
            admin = Admin.create(adminProperties());
          }
          check(admin);
        } catch (KafkaException e) {
          // Admin.create: bootstrap name does not resolve (yet).
          record(null, 0, ClientProps.describe(e));
        }
        try {
          stop.await(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        }
      }
    } finally {
      if (admin != null) {
        try {
          admin.close(Duration.ZERO);
        } catch (RuntimeException e) {
          log.debug("closing the reachability admin client: {}", e.toString());
        }
      }
    }
  }

  private void check(Admin admin) {
    int ms = (int) timeout.toMillis();
    DescribeClusterResult r = admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms));
    try {
      String id = r.clusterId().get(ms + 500L, TimeUnit.MILLISECONDS);
      Collection<Node> nodes = r.nodes().get(ms + 500L, TimeUnit.MILLISECONDS);
      record(id, nodes.size(), null);
    } catch (ExecutionException e) {
      record(null, 0, ClientProps.describe(e.getCause()));
    } catch (TimeoutException e) {
      record(null, 0, "no answer within " + ms + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  private void record(String clusterId, int brokers, String error) {
    Status before = status;
    boolean ok = error == null;
    status = new Status(ok, Instant.now(), error, ok ? clusterId : before.clusterId(), ok ? brokers : before.brokers());
    if (ok && !before.reachable()) {
      log.info("Kafka at {} is reachable (cluster {}, {} brokers)", bootstrapServers, clusterId, brokers);
    } else if (!ok && (before.reachable() || before.lastChecked() == null)) {
      log.warn("Kafka at {} is not reachable: {}", bootstrapServers, error);
    }
  }

  private Properties adminProperties() {
    Properties p = ClientProps.base(bootstrapServers, clientId + "-health");
    int ms = (int) timeout.toMillis();
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ms));
    return p;
  }
}
