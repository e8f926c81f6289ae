package dev.pxebus.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * The settings every service process has: where Kafka is, how events are buffered, and the admin HTTP port.
 *
 * @param instanceId names this process in event sources and metrics; defaults to the host name
 * @param eventLinger how long the Kafka producer lets events gather into one batch ({@code linger.ms}): longer
 *     means fewer, larger produce requests (less CPU here and in the broker), each event that much later on Kafka
 */
public record CommonConfig(
    String service,
    String instanceId,
    String kafkaBootstrap,
    int kafkaReplicationFactor,
    int eventBufferCapacity,
    String adminHost,
    int adminPort,
    boolean adminReusePort,
    Duration eventLinger) {

  /** The producer's linger unless a service chooses another: Kafka's own default. */
  public static final Duration DEFAULT_EVENT_LINGER = Duration.ofMillis(5);

  /** Beyond this an event would wait for company longer than anyone following a boot live would accept. */
  public static final Duration MAX_EVENT_LINGER = Duration.ofSeconds(1);

  /** With {@link #DEFAULT_EVENT_LINGER}. */
  public CommonConfig(String service, String instanceId, String kafkaBootstrap, int kafkaReplicationFactor,
      int eventBufferCapacity, String adminHost, int adminPort, boolean adminReusePort) {
    this(service, instanceId, kafkaBootstrap, kafkaReplicationFactor, eventBufferCapacity, adminHost, adminPort,
        adminReusePort, DEFAULT_EVENT_LINGER);
  }

  public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap";
  public static final String KAFKA_REPLICATION_FACTOR = "kafka.replication-factor";
  public static final String EVENTS_BUFFER_CAPACITY = "events.buffer-capacity";
  public static final String ADMIN_HOST = "admin.host";
  public static final String ADMIN_PORT = "admin.port";
  public static final String ADMIN_REUSE_PORT = "admin.reuse-port";
  public static final String INSTANCE_ID = "instance.id";
  public static final String EVENTS_LINGER = "events.linger";

  /** The common keys, with this service's default admin port and {@link #DEFAULT_EVENT_LINGER}. */
  public static List<ConfigKey> keys(int defaultAdminPort) {
    return keys(defaultAdminPort, DEFAULT_EVENT_LINGER);
  }

  /** The common keys, with this service's default admin port and producer linger. */
  public static List<ConfigKey> keys(int defaultAdminPort, Duration defaultEventLinger) {
    return List.of(
        ConfigKey.of(KAFKA_BOOTSTRAP, "127.0.0.1:9092", "Kafka bootstrap servers (host:port,…)"),
        ConfigKey.of(KAFKA_REPLICATION_FACTOR, "1",
            "replication factor used when this service creates a missing pxebus topic (3 on a production cluster)"),
        ConfigKey.of(EVENTS_BUFFER_CAPACITY, "100000",
            "events held in memory while Kafka is unreachable; beyond it the oldest are dropped (WARN + metric)"),
        ConfigKey.of(EVENTS_LINGER, defaultEventLinger.toMillis() + "ms",
            "how long the Kafka producer lets events gather into one request (linger.ms): longer costs less CPU here"
                + " and in the broker under load, and delays each event on Kafka by up to that much"),
        ConfigKey.of(ADMIN_HOST, "0.0.0.0", "address of the admin HTTP server (/health, /metrics)"),
        ConfigKey.of(ADMIN_PORT, Integer.toString(defaultAdminPort), "port of the admin HTTP server; 0 picks a free one"),
        ConfigKey.of(ADMIN_REUSE_PORT, "false",
            "share the admin port with other processes (SO_REUSEPORT): for replicas on one host network"),
        ConfigKey.of(INSTANCE_ID, "", "name of this process in event sources and metrics; empty = the host name"));
  }

  public static CommonConfig from(String service, Settings s) {
    return new CommonConfig(
        service,
        s.optional(INSTANCE_ID).orElseGet(CommonConfig::hostName),
        s.string(KAFKA_BOOTSTRAP),
        s.integer(KAFKA_REPLICATION_FACTOR, 1, 32),
        s.integer(EVENTS_BUFFER_CAPACITY, 1, 10_000_000),
        s.string(ADMIN_HOST),
        s.port(ADMIN_PORT),
        s.bool(ADMIN_REUSE_PORT),
        s.duration(EVENTS_LINGER, MAX_EVENT_LINGER));
  }

  /** CloudEvents source of this process's events. */
  public String eventSource() {
    return "/pxebus/" + service + "/" + instanceId.replaceAll("[^A-Za-z0-9._~-]", "_");
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) return env;
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
