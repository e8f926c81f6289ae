package dev.pxebus.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Kafka broker, KRaft mode, running inside this JVM: one process that is both broker and
 * controller ({@code process.roles=broker,controller}), as the {@code kafka-server-start.sh} of a one-node
 * cluster would run it, with plaintext listeners on {@link #host()}.
 *
 * <p>The storage under {@link #dataDir()} is persistent: the first {@link #start()} formats it (the same code
 * as {@code kafka-storage.sh format}); later starts, in this JVM or another, find {@code meta.properties} and
 * keep the topics, records and committed offsets. Ports given as 0 are chosen once, when the broker is built,
 * so {@link #stop()} followed by {@link #start()} serves on the same {@link #bootstrapServers()}.
 *
 * <p>Kafka's own logging goes through SLF4J; nothing is printed on stdout. Thread-safe.
 *
 * <pre>{@code
 * try (KraftBroker kafka = KraftBroker.builder(Path.of("lab/kafka")).build().start()) {
 *   String bootstrap = kafka.bootstrapServers();   // e.g. 127.0.0.1:40123
 * }
 * }</pre>
 */
public final class KraftBroker implements AutoCloseable {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_NUM_PARTITIONS = 1;
  /** How long {@link #start()} waits for a listener port still held by someone else to become free. */
  public static final Duration DEFAULT_BIND_TIMEOUT = Duration.ofSeconds(15);

  /** The single log directory under {@link #dataDir()}; {@code meta.properties} lives in it once formatted. */
  static final String LOG_DIR = "data";
  static final String META_PROPERTIES = "meta.properties";
  private static final String SERVER_PROPERTIES = "server.properties";
  private static final String NODE_ID = "1";

  private static final Logger log = LoggerFactory.getLogger(KraftBroker.class);

  private final Path dataDir;
  private final String host;
  private final int brokerPort;
  private final int controllerPort;
  private final int numPartitions;
  private final Map<String, String> extraProperties;
  private final boolean deleteOnClose;
  private final Duration bindTimeout;

  private KafkaRaftServer server;
  private DirectoryLock dirLock;
  private volatile boolean running;
  private boolean closed;

  private KraftBroker(Builder b) {
    this.dataDir = b.dataDir.toAbsolutePath().normalize();
    this.host = b.host;
    this.numPartitions = b.numPartitions;
    this.extraProperties = Map.copyOf(b.extraProperties);
    this.deleteOnClose = b.deleteOnClose;
    this.bindTimeout = b.bindTimeout;
    int[] ports = choosePorts(b.host, b.brokerPort, b.controllerPort);
    this.brokerPort = ports[0];
    this.controllerPort = ports[1];
  }

  /** A builder for a broker keeping its storage in {@code dataDir} (created if missing). */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /**
   * Formats the storage if it is not formatted yet, then starts the broker and returns once it serves clients
   * (the controller has elected itself and the broker is unfenced).
   *
   * @throws IllegalStateException if already running or closed, if another broker (in this process or
   *     another) uses the data directory, if a listener port stays taken for the bind timeout, or if Kafka
   *     fails to format or start
   */
  public synchronized KraftBroker start() {
    if (closed) {
      throw new IllegalStateException("broker " + bootstrapServers() + " is closed");
    }
    if (running) {
      throw new IllegalStateException("broker " + bootstrapServers() + " is already running");
    }
    long t0 = System.nanoTime();
    DirectoryLock lock = DirectoryLock.acquire(dataDir);
    boolean formatted;
    KafkaRaftServer s;
    try {
      Properties props = serverProperties();
      formatted = ensureFormatted(props);
      awaitBindable(brokerPort);
      awaitBindable(controllerPort);
      s = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    } catch (RuntimeException e) {
      lock.release();
      throw e;
    }
    try {
      s.startup();
    } catch (RuntimeException e) {
      // KafkaRaftServer shuts its parts down itself when their startup fails; this releases whatever remains
      // (log dir lock, sockets) so that a later start() on the same directory can succeed.
      try {
        s.shutdown();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      lock.release();
      throw new IllegalStateException("kafka broker " + bootstrapServers() + " failed to start: " + e, e);
    }
    server = s;
    dirLock = lock;
    running = true;
    log.info("Kafka KRaft broker started on {} ({} storage in {}) in {} ms",
        bootstrapServers(), formatted ? "new" : "existing", dataDir, millisSince(t0));
    return this;
  }

  /**
   * Shuts the broker down and waits until it has stopped; the storage stays. A stopped broker can be started
   * again, on the same ports. Does nothing when not running.
   */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    long t0 = System.nanoTime();
    running = false;
    KafkaRaftServer s = server;
    server = null;
    try {
      s.shutdown();
      s.awaitShutdown();
    } finally {
      dirLock.release();
      dirLock = null;
    }
    log.info("Kafka KRaft broker on {} stopped in {} ms", bootstrapServers(), millisSince(t0));
  }

  /** Stops the broker and, if so built, deletes {@link #dataDir()}. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  /** {@code host:port} of the plaintext client listener; the same for the whole life of this object. */
  public String bootstrapServers() {
    return hostForUrl(host) + ":" + brokerPort;
  }

  public boolean isRunning() {
    return running;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String host() {
    return host;
  }

  public int brokerPort() {
    return brokerPort;
  }

  public int controllerPort() {
    return controllerPort;
  }

  /** The cluster id recorded in the storage, once it has been formatted. */
  public Optional<String> clusterId() {
    Path meta = dataDir.resolve(LOG_DIR).resolve(META_PROPERTIES);
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + meta, e);
    }
    return Optional.ofNullable(p.getProperty("cluster.id"));
  }

  @Override
  public String toString() {
    return "KraftBroker[" + bootstrapServers() + ", " + dataDir + (running ? ", running]" : "]");
  }

  /** The broker configuration: single-node defaults, derived listener settings, then the extra properties. */
  Properties serverProperties() {
    String h = hostForUrl(host);
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", NODE_ID);
    p.put("controller.quorum.voters", NODE_ID + "@" + h + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + h + ":" + brokerPort + ",CONTROLLER://" + h + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + h + ":" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve(LOG_DIR).toString());

    p.put("num.partitions", Integer.toString(numPartitions));
    p.put("auto.create.topics.enable", "true");
    // One node: internal topics cannot have more than one replica.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    // The defaults (50 partitions each) make the first group join create 50 partitions: seconds on 2 cores.
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    // Nobody else can join a one-node lab or test group; waiting 3 s for them only delays the first poll.
    p.put("group.initial.rebalance.delay.ms", "0");
    // The log cleaner (needed for compacted topics) allocates this per thread on the heap; 128 MiB by default.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
    // Fewer threads than a production broker sized for many cores.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "4");

    p.putAll(extraProperties);
    return p;
  }

  /** Formats the storage unless {@code meta.properties} is already there; returns whether it formatted. */
  private boolean ensureFormatted(Properties props) {
    Path logDir = dataDir.resolve(LOG_DIR);
    if (Files.isRegularFile(logDir.resolve(META_PROPERTIES))) {
      return false;
    }
    try {
      Files.createDirectories(dataDir);
      // StorageTool reads its settings from a file, like kafka-storage.sh; keep it next to the data.
      Path cfg = dataDir.resolve(SERVER_PROPERTIES);
      try (Writer w = Files.newBufferedWriter(cfg, StandardCharsets.UTF_8)) {
        props.store(w, "written by " + KraftBroker.class.getName() + " to format the storage");
      }
      String clusterId = Uuid.randomUuid().toString();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int rc;
      // execute() returns a code where the command-line main() would call System.exit.
      try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
        rc = kafka.tools.StorageTool.execute(
            new String[] {"format", "-t", clusterId, "-c", cfg.toString()}, ps);
      }
      String output = out.toString(StandardCharsets.UTF_8).strip();
      if (rc != 0) {
        throw new IllegalStateException("formatting Kafka storage in " + logDir + " failed (rc " + rc + "): " + output);
      }
      log.debug("formatted Kafka storage in {} with cluster id {}: {}", logDir, clusterId, output);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka storage in " + dataDir, e);
    }
  }

  /**
   * Waits until {@code port} can be bound with SO_REUSEADDR, as Kafka binds it. Connections left in TIME_WAIT
   * by a previous run do not block such a bind on Linux; a port really in use (another process, or a previous
   * instance still shutting down) does, and Kafka would then fail half-started.
   */
  private void awaitBindable(int port) {
    long deadline = System.nanoTime() + bindTimeout.toNanos();
    long backoffMs = 20;
    IOException last;
    while (true) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        return;
      } catch (IOException e) {
        last = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException("port " + port + " on " + host + " is still in use after "
            + bindTimeout.toMillis() + " ms: " + last.getMessage(), last);
      }
      log.debug("port {} on {} not bindable yet ({}), retrying in {} ms", port, host, last.getMessage(), backoffMs);
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for port " + port, e);
      }
      backoffMs = Math.min(backoffMs * 2, 500);
    }
  }

  /** Picks free ports for the zeros; both sockets are held open together so the two picks differ. */
  private static int[] choosePorts(String host, int brokerPort, int controllerPort) {
    try {
      InetAddress addr = InetAddress.getByName(host);
      try (ServerSocket a = brokerPort == 0 ? new ServerSocket(0, 1, addr) : null;
           ServerSocket b = controllerPort == 0 ? new ServerSocket(0, 1, addr) : null) {
        return new int[] {
            a != null ? a.getLocalPort() : brokerPort,
            b != null ? b.getLocalPort() : controllerPort};
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pick a free port on " + host, e);
    }
  }

  private static String hostForUrl(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException ignored) {
      // already gone
    } catch (IOException e) {
      log.warn("could not delete Kafka data directory {}: {}", dir, e.toString());
    }
  }

  /** Options for a {@link KraftBroker}; every one has a default except the data directory. */
  public static final class Builder {
    private final Path dataDir;
    private String host = DEFAULT_HOST;
    private int brokerPort;
    private int controllerPort;
    private int numPartitions = DEFAULT_NUM_PARTITIONS;
    private final Map<String, String> extraProperties = new LinkedHashMap<>();
    private boolean deleteOnClose;
    private Duration bindTimeout = DEFAULT_BIND_TIMEOUT;

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    /** Address the listeners bind to and advertise; default {@value KraftBroker#DEFAULT_HOST}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Client (PLAINTEXT) port; 0, the default, picks a free port once, at {@link #build()}. */
    public Builder brokerPort(int port) {
      this.brokerPort = checkPort(port);
      return this;
    }

    /** KRaft controller port; 0, the default, picks a free port once, at {@link #build()}. */
    public Builder controllerPort(int port) {
      this.controllerPort = checkPort(port);
      return this;
    }

    /** Partitions of auto-created topics ({@code num.partitions}); default 1. */
    public Builder numPartitions(int numPartitions) {
      if (numPartitions < 1) {
        throw new IllegalArgumentException("numPartitions must be at least 1: " + numPartitions);
      }
      this.numPartitions = numPartitions;
      return this;
    }

    /**
     * A broker property applied last, over the defaults. Listener, quorum and log directory settings are
     * derived from the host, ports and data directory; overriding them breaks {@link #bootstrapServers()}.
     */
    public Builder property(String key, String value) {
      extraProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Several {@link #property(String, String)} at once. */
    public Builder properties(Map<String, String> properties) {
      properties.forEach(this::property);
      return this;
    }

    /** Delete the data directory on {@link KraftBroker#close()}; for temporary directories. Default false. */
    public Builder deleteOnClose(boolean deleteOnClose) {
      this.deleteOnClose = deleteOnClose;
      return this;
    }

    /** How long {@link KraftBroker#start()} waits for a taken listener port; default 15 s. */
    public Builder bindTimeout(Duration bindTimeout) {
      if (bindTimeout.isNegative()) {
        throw new IllegalArgumentException("bindTimeout must not be negative: " + bindTimeout);
      }
      this.bindTimeout = bindTimeout;
      return this;
    }

    /** Builds the broker, choosing the free ports now; it is not started. */
    public KraftBroker build() {
      if (brokerPort != 0 && brokerPort == controllerPort) {
        throw new IllegalArgumentException("broker and controller port must differ: " + brokerPort);
      }
      return new KraftBroker(this);
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      return port;
    }
  }
}
