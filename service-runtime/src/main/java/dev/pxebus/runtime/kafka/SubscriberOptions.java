package dev.pxebus.runtime.kafka;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of an {@link EventSubscriber}; immutable. Without a group id the subscriber reads a materialised view
 * (every partition, from the beginning, nothing committed); with one it is a member of that consumer group and
 * commits what its handler processed.
 *
 * <pre>{@code
 * SubscriberOptions.builder(config.kafkaBootstrap()).clientId("menu-service-lab1-hosts").build()          // view
 * SubscriberOptions.builder(config.kafkaBootstrap()).clientId("catalog-1").groupId("catalog-timeline").build()
 * }</pre>
 */
public final class SubscriberOptions {
  public static final String DEFAULT_CLIENT_ID = "pxebus-subscriber";
  /** How long one poll waits for records; also about how quickly the thread notices {@link EventSubscriber#close()}. */
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
  /** What {@link EventSubscriber#close()} without an argument allows. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /**
   * How long a view waits quietly (one INFO line) for its topic to be created by a publisher before it warns: on a
   * new cluster the publishing service may simply start later.
   */
  public static final Duration DEFAULT_TOPIC_MISSING_WARNING = Duration.ofSeconds(60);

  private final String bootstrapServers;
  private final String clientId;
  private final String groupId;
  private final Duration pollTimeout;
  private final Duration closeTimeout;
  private final Duration topicMissingWarning;
  private final Map<String, String> consumerProperties;

  private SubscriberOptions(Builder b) {
    this.bootstrapServers = b.bootstrapServers;
    this.clientId = b.clientId;
    this.groupId = b.groupId;
    this.pollTimeout = b.pollTimeout;
    this.closeTimeout = b.closeTimeout;
    this.topicMissingWarning = b.topicMissingWarning;
    this.consumerProperties = Map.copyOf(b.consumerProperties);
  }

  /**
   * From JSON with the names of the getters; durations in milliseconds ({@code pollTimeoutMs},
   * {@code closeTimeoutMs}, {@code topicMissingWarningMs}); {@code consumerProperties} an object of strings.
   *
   * @throws IllegalArgumentException if a setting is missing or out of range
   */
  public SubscriberOptions(JsonObject json) {
    this(fromJson(json));
  }

  private static Builder fromJson(JsonObject json) {
    Builder b = builder(json.getString("bootstrapServers"))
        .clientId(json.getString("clientId", DEFAULT_CLIENT_ID))
        .groupId(json.getString("groupId"))
        .pollTimeout(Duration.ofMillis(json.getLong("pollTimeoutMs", DEFAULT_POLL_TIMEOUT.toMillis())))
        .closeTimeout(Duration.ofMillis(json.getLong("closeTimeoutMs", DEFAULT_CLOSE_TIMEOUT.toMillis())))
        .topicMissingWarning(Duration.ofMillis(
            json.getLong("topicMissingWarningMs", DEFAULT_TOPIC_MISSING_WARNING.toMillis())));
    json.getJsonObject("consumerProperties", new JsonObject())
        .forEach(e -> b.consumerProperty(e.getKey(), String.valueOf(e.getValue())));
    b.check();
    return b;
  }

  public JsonObject toJson() {
    JsonObject extra = new JsonObject();
    consumerProperties.forEach(extra::put);
    return new JsonObject()
        .put("bootstrapServers", bootstrapServers)
        .put("clientId", clientId)
        .put("groupId", groupId)
        .put("pollTimeoutMs", pollTimeout.toMillis())
        .put("closeTimeoutMs", closeTimeout.toMillis())
        .put("topicMissingWarningMs", topicMissingWarning.toMillis())
        .put("consumerProperties", extra);
  }

  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  public Builder toBuilder() {
    Builder b = builder(bootstrapServers).clientId(clientId).groupId(groupId).pollTimeout(pollTimeout)
        .closeTimeout(closeTimeout).topicMissingWarning(topicMissingWarning);
    consumerProperties.forEach(b::consumerProperty);
    return b;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String clientId() {
    return clientId;
  }

  /** The consumer group; null for a materialised view. */
  public String groupId() {
    return groupId;
  }

  public Duration pollTimeout() {
    return pollTimeout;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** How long a view waits for its missing topic before it warns (see {@link #DEFAULT_TOPIC_MISSING_WARNING}). */
  public Duration topicMissingWarning() {
    return topicMissingWarning;
  }

  public Map<String, String> consumerProperties() {
    return consumerProperties;
  }

  @Override
  public String toString() {
    return "SubscriberOptions" + toJson().encode();
  }

  public static final class Builder {
    private final String bootstrapServers;
    private String clientId = DEFAULT_CLIENT_ID;
    private String groupId;
    private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private Duration topicMissingWarning = DEFAULT_TOPIC_MISSING_WARNING;
    private final Map<String, String> consumerProperties = new LinkedHashMap<>();

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    /** Kafka {@code client.id}; the poll thread is named after it. Give each subscriber in a process its own. */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** A consumer group to join; null (the default) reads the whole topic as a materialised view. */
    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    public Builder pollTimeout(Duration pollTimeout) {
      this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
      return this;
    }

    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
      return this;
    }

    public Builder topicMissingWarning(Duration topicMissingWarning) {
      this.topicMissingWarning = Objects.requireNonNull(topicMissingWarning, "topicMissingWarning");
      return this;
    }

    /**
     * An extra Kafka consumer setting, applied over the subscriber's. {@code group.id},
     * {@code enable.auto.commit}, {@code allow.auto.create.topics} and the deserializers are always the
     * subscriber's.
     */
    public Builder consumerProperty(String key, String value) {
      consumerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** @throws IllegalArgumentException naming the first setting that is missing or out of range */
    public SubscriberOptions build() {
      check();
      return new SubscriberOptions(this);
    }

    private void check() {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalArgumentException("subscriber: bootstrapServers is missing");
      }
      if (clientId == null || clientId.isBlank()) {
        throw new IllegalArgumentException("subscriber: clientId is missing");
      }
      if (groupId != null && groupId.isBlank()) {
        throw new IllegalArgumentException("subscriber: groupId is blank (leave it unset for a materialised view)");
      }
      if (pollTimeout.isNegative() || pollTimeout.isZero()) {
        throw new IllegalArgumentException("subscriber: pollTimeout must be positive: " + pollTimeout);
      }
      if (closeTimeout.isNegative()) {
        throw new IllegalArgumentException("subscriber: closeTimeout must not be negative: " + closeTimeout);
      }
      if (topicMissingWarning.isNegative()) {
        throw new IllegalArgumentException(
            "subscriber: topicMissingWarning must not be negative: " + topicMissingWarning);
      }
    }
  }
}
