package dev.pxebus.testing;

/**
 * A real Kafka broker that tests talk to, whatever runs it. Tests get the shared one from
 * {@link KafkaBrokerExtension} and only read {@link #bootstrapServers()}; the extension closes it at the end
 * of the test run.
 */
public interface KafkaEndpoint extends AutoCloseable {

  /** What runs the broker. */
  enum Kind {
    /** A Testcontainers {@code KafkaContainer} on a Docker engine. */
    CONTAINER,
    /** A {@code dev.pxebus.kafka.KraftBroker} inside the test JVM. */
    EMBEDDED
  }

  /** {@code host:port[,host:port…]} for the clients' {@code bootstrap.servers}. */
  String bootstrapServers();

  Kind kind();

  /** Stops the broker. */
  @Override
  void close();
}
