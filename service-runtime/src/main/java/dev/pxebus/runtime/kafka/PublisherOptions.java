package dev.pxebus.runtime.kafka;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of an {@link EventPublisher}; immutable. Only the broker address and the source must be given,
 * everything else has a {@code DEFAULT_*}. The broker address is always injected (configuration), never a literal.
 *
 * <pre>{@code
 * PublisherOptions.builder(config.kafkaBootstrap()).clientId("dhcp-service-lab1").source("/pxebus/dhcp-service/lab1").build()
 * }</pre>
 */
public final class PublisherOptions {
  /** Client id of the producer when none is set; Kafka logs and quotas use it. */
  public static final String DEFAULT_CLIENT_ID = "pxebus-publisher";
  /** Events kept while Kafka is unreachable; the oldest is dropped beyond this. */
  public static final int DEFAULT_BUFFER_CAPACITY = 100_000;
  /** Records handed to the producer and not yet acknowledged, at most. */
  public static final int DEFAULT_IN_FLIGHT_WINDOW = 1_000;
  /** Replication factor of the topics the publisher creates; 1 suits a one-broker lab, 3 a production cluster. */
  public static final int DEFAULT_REPLICATION_FACTOR = 1;
  /** Whether the publisher creates the missing topics of {@code Topics.all()} before its first send. */
  public static final boolean DEFAULT_CREATE_TOPICS = true;
  /**
   * How long one send may wait for topic metadata ({@code max.block.ms}) before the event goes back to the head
   * of the buffer; only the publisher's own thread ever waits.
   */
  public static final Duration DEFAULT_METADATA_WAIT = Duration.ofSeconds(2);
  /** What {@link EventPublisher#close()} without an argument allows for delivering what is buffered. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final String bootstrapServers;
  private final String clientId;
  private final String source;
  private final int bufferCapacity;
  private final int inFlightWindow;
  private final int replicationFactor;
  private final boolean createTopics;
  private final Duration metadataWait;
  private final Duration closeTimeout;
  private final Map<String, String> producerProperties;

  private PublisherOptions(Builder b) {
    this.bootstrapServers = b.bootstrapServers;
    this.clientId = b.clientId;
    this.source = b.source;
    this.bufferCapacity = b.bufferCapacity;
    this.inFlightWindow = b.inFlightWindow;
    this.replicationFactor = b.replicationFactor;
    this.createTopics = b.createTopics;
    this.metadataWait = b.metadataWait;
    this.closeTimeout = b.closeTimeout;
    this.producerProperties = Map.copyOf(b.producerProperties);
  }

  /**
   * From JSON with the names of the getters; durations in milliseconds ({@code metadataWaitMs},
   * {@code closeTimeoutMs}); {@code producerProperties} an object of strings.
   *
   * @throws IllegalArgumentException if a setting is missing or out of range
   */
  public PublisherOptions(JsonObject json) {
    this(fromJson(json));
  }

  private static Builder fromJson(JsonObject json) {
    Builder b = builder(json.getString("bootstrapServers"))
        .clientId(json.getString("clientId", DEFAULT_CLIENT_ID))
        .source(json.getString("source"))
        .bufferCapacity(json.getInteger("bufferCapacity", DEFAULT_BUFFER_CAPACITY))
        .inFlightWindow(json.getInteger("inFlightWindow", DEFAULT_IN_FLIGHT_WINDOW))
        .replicationFactor(json.getInteger("replicationFactor", DEFAULT_REPLICATION_FACTOR))
        .createTopics(json.getBoolean("createTopics", DEFAULT_CREATE_TOPICS))
        .metadataWait(Duration.ofMillis(json.getLong("metadataWaitMs", DEFAULT_METADATA_WAIT.toMillis())))
        .closeTimeout(Duration.ofMillis(json.getLong("closeTimeoutMs", DEFAULT_CLOSE_TIMEOUT.toMillis())));
    json.getJsonObject("producerProperties", new JsonObject())
        .forEach(e -> b.producerProperty(e.getKey(), String.valueOf(e.getValue())));
    b.check();
    return b;
  }

  public JsonObject toJson() {
    JsonObject extra = new JsonObject();
    producerProperties.forEach(extra::put);
    return new JsonObject()
        .put("bootstrapServers", bootstrapServers)
        .put("clientId", clientId)
        .put("source", source)
        .put("bufferCapacity", bufferCapacity)
        .put("inFlightWindow", inFlightWindow)
        .put("replicationFactor", replicationFactor)
        .put("createTopics", createTopics)
        .put("metadataWaitMs", metadataWait.toMillis())
        .put("closeTimeoutMs", closeTimeout.toMillis())
        .put("producerProperties", extra);
  }

  /** A builder for a publisher of the Kafka cluster at {@code bootstrapServers} ({@code host:port,…}). */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    Builder b = builder(bootstrapServers).clientId(clientId).source(source).bufferCapacity(bufferCapacity)
        .inFlightWindow(inFlightWindow).replicationFactor(replicationFactor).createTopics(createTopics)
        .metadataWait(metadataWait).closeTimeout(closeTimeout);
    producerProperties.forEach(b::producerProperty);
    return b;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String clientId() {
    return clientId;
  }

  public String source() {
    return source;
  }

  public int bufferCapacity() {
    return bufferCapacity;
  }

  public int inFlightWindow() {
    return inFlightWindow;
  }

  public int replicationFactor() {
    return replicationFactor;
  }

  public boolean createTopics() {
    return createTopics;
  }

  public Duration metadataWait() {
    return metadataWait;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  public Map<String, String> producerProperties() {
    return producerProperties;
  }

  @Override
  public String toString() {
    return "PublisherOptions" + toJson().encode();
  }

  public static final class Builder {
    private final String bootstrapServers;
    private String clientId = DEFAULT_CLIENT_ID;
    private String source;
    private int bufferCapacity = DEFAULT_BUFFER_CAPACITY;
    private int inFlightWindow = DEFAULT_IN_FLIGHT_WINDOW;
    private int replicationFactor = DEFAULT_REPLICATION_FACTOR;
    private boolean createTopics = DEFAULT_CREATE_TOPICS;
    private Duration metadataWait = DEFAULT_METADATA_WAIT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private final Map<String, String> producerProperties = new LinkedHashMap<>();

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    /** Kafka {@code client.id} of the producer; the publisher thread is named after it. */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** CloudEvents {@code source} of the envelopes the publisher builds, e.g. {@code /pxebus/dhcp-service/host1}. Required. */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public Builder bufferCapacity(int bufferCapacity) {
      this.bufferCapacity = bufferCapacity;
      return this;
    }

    public Builder inFlightWindow(int inFlightWindow) {
      this.inFlightWindow = inFlightWindow;
      return this;
    }

    public Builder replicationFactor(int replicationFactor) {
      this.replicationFactor = replicationFactor;
      return this;
    }

    public Builder createTopics(boolean createTopics) {
      this.createTopics = createTopics;
      return this;
    }

    public Builder metadataWait(Duration metadataWait) {
      this.metadataWait = Objects.requireNonNull(metadataWait, "metadataWait");
      return this;
    }

    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
      return this;
    }

    /**
     * An extra Kafka producer setting, applied over the publisher's. The delivery guarantees are not negotiable:
     * {@code enable.idempotence}, {@code acks}, {@code retries}, {@code delivery.timeout.ms},
     * {@code max.block.ms} and the serializers are always the publisher's.
     */
    public Builder producerProperty(String key, String value) {
      producerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** @throws IllegalArgumentException naming the first setting that is missing or out of range */
    public PublisherOptions build() {
      check();
      return new PublisherOptions(this);
    }

    private void check() {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalArgumentException("publisher: bootstrapServers is missing");
      }
      if (clientId == null || clientId.isBlank()) {
        throw new IllegalArgumentException("publisher: clientId is missing");
      }
      if (source == null || source.isBlank()) {
        throw new IllegalArgumentException("publisher: source is missing (e.g. /pxebus/dhcp-service/host1)");
      }
      try {
        URI.create(source);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("publisher: source is not a URI reference: '" + source + "'", e);
      }
      if (bufferCapacity < 1) {
        throw new IllegalArgumentException("publisher: bufferCapacity must be at least 1: " + bufferCapacity);
      }
      if (inFlightWindow < 1) {
        throw new IllegalArgumentException("publisher: inFlightWindow must be at least 1: " + inFlightWindow);
      }
      if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
        throw new IllegalArgumentException("publisher: replicationFactor out of range: " + replicationFactor);
      }
      if (metadataWait.isNegative() || metadataWait.isZero()) {
        throw new IllegalArgumentException("publisher: metadataWait must be positive: " + metadataWait);
      }
      if (closeTimeout.isNegative()) {
        throw new IllegalArgumentException("publisher: closeTimeout must not be negative: " + closeTimeout);
      }
    }
  }
}
