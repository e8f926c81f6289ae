package dev.pxebus.catalog.timeline;

import io.vertx.core.json.JsonObject;

/**
 * Bounds of the boot timelines held in memory; immutable. Every bound keeps memory finite whatever the topic
 * holds: a boot loop, a replay or a flood of MACs costs counted drops and evictions, never unbounded growth.
 *
 * @param maxAttemptsPerHost boot attempts kept per MAC, the most recently started ones
 * @param maxStepsPerAttempt steps kept per attempt, the earliest ones; later steps are only counted
 * @param maxHosts MACs held; beyond it the one least recently updated by an event is evicted
 */
public record TimelineOptions(int maxAttemptsPerHost, int maxStepsPerAttempt, int maxHosts) {
  public static final int DEFAULT_MAX_ATTEMPTS_PER_HOST = 10;
  public static final int DEFAULT_MAX_STEPS_PER_ATTEMPT = 256;
  public static final int DEFAULT_MAX_HOSTS = 100_000;

  public TimelineOptions {
    if (maxAttemptsPerHost < 1) throw new IllegalArgumentException("maxAttemptsPerHost must be >= 1: " + maxAttemptsPerHost);
    if (maxStepsPerAttempt < 1) throw new IllegalArgumentException("maxStepsPerAttempt must be >= 1: " + maxStepsPerAttempt);
    if (maxHosts < 1) throw new IllegalArgumentException("maxHosts must be >= 1: " + maxHosts);
  }

  /** From JSON with the names of the components; a missing one takes its default. */
  public TimelineOptions(JsonObject json) {
    this(json.getInteger("maxAttemptsPerHost", DEFAULT_MAX_ATTEMPTS_PER_HOST),
        json.getInteger("maxStepsPerAttempt", DEFAULT_MAX_STEPS_PER_ATTEMPT),
        json.getInteger("maxHosts", DEFAULT_MAX_HOSTS));
  }

  public static TimelineOptions defaults() {
    return new TimelineOptions(DEFAULT_MAX_ATTEMPTS_PER_HOST, DEFAULT_MAX_STEPS_PER_ATTEMPT, DEFAULT_MAX_HOSTS);
  }

  public TimelineOptions withMaxAttemptsPerHost(int n) {
    return new TimelineOptions(n, maxStepsPerAttempt, maxHosts);
  }

  public TimelineOptions withMaxStepsPerAttempt(int n) {
    return new TimelineOptions(maxAttemptsPerHost, n, maxHosts);
  }

  public TimelineOptions withMaxHosts(int n) {
    return new TimelineOptions(maxAttemptsPerHost, maxStepsPerAttempt, n);
  }

  public JsonObject toJson() {
    return new JsonObject().put("maxAttemptsPerHost", maxAttemptsPerHost).put("maxStepsPerAttempt", maxStepsPerAttempt)
        .put("maxHosts", maxHosts);
  }
}
