package dev.pxebus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TestTopicsTest {

  @Test
  void uniqueNamesKeepThePrefixAndNeverRepeat() {
    String a = TestTopics.unique("pxebus.boot.events");
    String b = TestTopics.unique("pxebus.boot.events");

    assertTrue(a.startsWith("pxebus.boot.events-"), a);
    assertNotEquals(a, b);
  }

  @Test
  void charactersKafkaRejectsAreReplaced() {
    String name = TestTopics.unique("leases for 52:54:00:12:34:56/x");

    assertTrue(name.matches("[a-zA-Z0-9._-]+"), name);
    assertTrue(name.startsWith("leases-for-52-54-00-12-34-56-x-"), name);
    assertTrue(TestTopics.unique("x".repeat(300)).length() <= 249);
  }

  @Test
  void createMakesTheTopicWithPartitionsAndConfigs(KafkaEndpoint kafka) throws Exception {
    String topic = TestTopics.create(kafka, "catalog.hosts", 3, Map.of("cleanup.policy", "compact"));

    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertEquals(3, admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(topic).partitions().size());
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      assertEquals("compact", config.get("cleanup.policy").value());
    }
  }
}
