package dev.pxebus.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Locale;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import dev.pxebus.kafka.KraftBroker;

/**
 * One real Kafka broker for the whole test run (one per test JVM), shared by every class that uses this
 * extension, and stopped when the run ends. Kafka is never mocked.
 *
 * <p>Which broker is chosen by the configuration parameter or system property {@value #MODE_PROPERTY}:
 * <ul>
 *   <li>{@code auto} (default): a Testcontainers {@code KafkaContainer} if a Docker engine answers, otherwise
 *       an in-JVM {@link KraftBroker} in a temporary directory;
 *   <li>{@code container}: the container, or fail if there is no Docker engine;
 *   <li>{@code embedded}: the in-JVM broker, without asking Docker.
 * </ul>
 * The container image is {@value #IMAGE_PROPERTY}, default {@value #DEFAULT_IMAGE}.
 *
 * <p>Test methods, constructors and lifecycle methods get the broker as a {@link KafkaEndpoint} parameter;
 * other extensions call {@link #endpoint(ExtensionContext)}. Tests must not close it.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class LeaseJournalTest {
 *   @Test void writesLeases(KafkaEndpoint kafka) { String topic = TestTopics.create(kafka, "leases"); … }
 * }
 * }</pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

  public static final String MODE_PROPERTY = "pxebus.kafka";
  public static final String IMAGE_PROPERTY = "pxebus.kafka.image";
  public static final String DEFAULT_IMAGE = "apache/kafka:4.1.0";

  /** Values of {@value #MODE_PROPERTY}. */
  public enum Mode {
    AUTO, CONTAINER, EMBEDDED;

    static Mode parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            MODE_PROPERTY + " must be auto, container or embedded, not '" + value + "'", e);
      }
    }
  }

  private static final Logger log = LoggerFactory.getLogger(KafkaBrokerExtension.class);
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);
  private static final String KEY = "broker";

  /** Starts the broker before the first test class that needs it, so its start time is not billed to a test. */
  @Override
  public void beforeAll(ExtensionContext context) {
    endpoint(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaEndpoint.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return endpoint(context);
  }

  /**
   * The broker of this test run, started on first use. It lives in the root context's store, which closes it
   * when the run ends. A failed start is remembered: every later caller gets the same failure.
   */
  public static KafkaEndpoint endpoint(ExtensionContext context) {
    ExtensionContext root = context.getRoot();
    return root.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, k -> start(root), Owned.class).shared;
  }

  private static Owned start(ExtensionContext root) {
    Mode mode = Mode.parse(root.getConfigurationParameter(MODE_PROPERTY).orElse("auto"));
    String image = root.getConfigurationParameter(IMAGE_PROPERTY).orElse(DEFAULT_IMAGE);
    long t0 = System.nanoTime();
    KafkaEndpoint broker;
    if (mode == Mode.EMBEDDED) {
      broker = Embedded.start();
    } else if (dockerAvailable(mode)) {
      broker = Container.start(image);
    } else if (mode == Mode.CONTAINER) {
      throw new IllegalStateException(MODE_PROPERTY + "=container, but no Docker engine answered"
          + " (Testcontainers logged why above); use " + MODE_PROPERTY + "=auto or embedded to run without one");
    } else {
      log.info("No Docker engine; using an in-JVM KRaft broker ({}=auto)", MODE_PROPERTY);
      broker = Embedded.start();
    }
    log.info("Kafka for this test run: {} at {}, ready in {} ms", broker.kind(), broker.bootstrapServers(),
        (System.nanoTime() - t0) / 1_000_000);
    return new Owned(broker);
  }

  /**
   * Asks Testcontainers for a Docker engine. Without one, Testcontainers logs a long ERROR: the reason for the
   * failure when a container was asked for, but noise in auto mode, where falling back is the plan; there it
   * is muted for the probe (Logback only).
   */
  private static boolean dockerAvailable(Mode mode) {
    if (mode == Mode.CONTAINER) {
      return DockerClientFactory.instance().isDockerAvailable();
    }
    Runnable unmute = Mute.logger("org.testcontainers.dockerclient.DockerClientProviderStrategy");
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } finally {
      unmute.run();
    }
  }

  /** Turns one Logback logger off for a while; does nothing when SLF4J is bound to another backend. */
  private static final class Mute {
    static Runnable logger(String name) {
      try {
        if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
          ch.qos.logback.classic.Level before = logger.getLevel();
          logger.setLevel(ch.qos.logback.classic.Level.OFF);
          return () -> logger.setLevel(before);
        }
      } catch (LinkageError noLogback) {
        // not on the classpath: nothing to mute
      }
      return () -> { };
    }
  }

  /** What the root store holds and closes at the end of the run. */
  private static final class Owned implements AutoCloseable {
    final KafkaEndpoint broker;
    final KafkaEndpoint shared;

    Owned(KafkaEndpoint broker) {
      this.broker = broker;
      this.shared = new Shared(broker);
    }

    @Override
    public void close() {
      log.info("Stopping the test run's Kafka ({} at {})", broker.kind(), broker.bootstrapServers());
      broker.close();
    }
  }

  /** The broker as tests see it: a test closing it would break every later test class in the JVM. */
  private static final class Shared implements KafkaEndpoint {
    private final KafkaEndpoint broker;

    Shared(KafkaEndpoint broker) {
      this.broker = broker;
    }

    @Override
    public String bootstrapServers() {
      return broker.bootstrapServers();
    }

    @Override
    public Kind kind() {
      return broker.kind();
    }

    @Override
    public void close() {
      throw new UnsupportedOperationException(
          "the shared test broker is closed by KafkaBrokerExtension at the end of the test run");
    }

    @Override
    public String toString() {
      return "KafkaEndpoint[" + kind() + " " + bootstrapServers() + "]";
    }
  }

  private static final class Embedded implements KafkaEndpoint {
    private final KraftBroker broker;

    private Embedded(KraftBroker broker) {
      this.broker = broker;
    }

    static Embedded start() {
      try {
        KraftBroker b = KraftBroker.builder(Files.createTempDirectory("pxebus-test-kafka-"))
            .deleteOnClose(true)
            .build();
        try {
          b.start();
        } catch (RuntimeException e) {
          b.close();
          throw e;
        }
        return new Embedded(b);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a directory for the test broker", e);
      }
    }

    @Override
    public String bootstrapServers() {
      return broker.bootstrapServers();
    }

    @Override
    public Kind kind() {
      return Kind.EMBEDDED;
    }

    @Override
    public void close() {
      broker.close();
    }
  }

  private static final class Container implements KafkaEndpoint {
    private final KafkaContainer container;

    private Container(KafkaContainer container) {
      this.container = container;
    }

    static Container start(String image) {
      // A local stand-in (bin/local-images) has another name; KafkaContainer accepts it as apache/kafka.
      KafkaContainer c = new KafkaContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"));
      c.start();
      return new Container(c);
    }

    @Override
    public String bootstrapServers() {
      return container.getBootstrapServers();
    }

    @Override
    public Kind kind() {
      return Kind.CONTAINER;
    }

    @Override
    public void close() {
      container.stop();
    }
  }
}
