package dev.pxebus.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The subscriber's settings: defaults, JSON both ways, and the values it refuses. */
class SubscriberOptionsTest {
  @Test
  void defaults() {
    SubscriberOptions o = SubscriberOptions.builder("127.0.0.1:9092").build();
    assertEquals(SubscriberOptions.DEFAULT_CLIENT_ID, o.clientId());
    assertEquals(SubscriberOptions.DEFAULT_POLL_TIMEOUT, o.pollTimeout());
    assertEquals(SubscriberOptions.DEFAULT_CLOSE_TIMEOUT, o.closeTimeout());
    assertEquals(Duration.ofSeconds(60), o.topicMissingWarning());
  }

  @Test
  void jsonRoundTripKeepsEverySetting() {
    SubscriberOptions o = SubscriberOptions.builder("k1:9092,k2:9092").clientId("menu-hosts").groupId("g")
        .pollTimeout(Duration.ofMillis(250)).closeTimeout(Duration.ofSeconds(3))
        .topicMissingWarning(Duration.ofSeconds(7)).consumerProperty("fetch.min.bytes", "1").build();
    JsonObject json = o.toJson();
    assertEquals(7000L, json.getLong("topicMissingWarningMs"));
    SubscriberOptions back = new SubscriberOptions(json);
    assertEquals(json, back.toJson());
    assertEquals(Duration.ofSeconds(7), back.topicMissingWarning());
    assertEquals(o.toJson(), o.toBuilder().build().toJson());
    assertEquals(SubscriberOptions.DEFAULT_TOPIC_MISSING_WARNING,
        new SubscriberOptions(new JsonObject().put("bootstrapServers", "k:9092")).topicMissingWarning());
  }

  @Test
  void refusesANegativeTopicMissingWarning() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SubscriberOptions.builder("k:9092").topicMissingWarning(Duration.ofSeconds(-1)).build());
    assertTrue(e.getMessage().contains("topicMissingWarning"), e.getMessage());
  }
}
