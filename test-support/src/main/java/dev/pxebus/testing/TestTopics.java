package dev.pxebus.testing;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Topic names that no other test in the JVM (or an earlier run on the same broker) uses, so tests sharing one
 * broker never read each other's records. The names of the real topics are in boot-events' {@code Topics}.
 */
public final class TestTopics {

  private static final Pattern ILLEGAL = Pattern.compile("[^a-zA-Z0-9._-]");
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  /** Kafka's limit is 249 characters; leave room for the suffix. */
  private static final int MAX_PREFIX = 200;
  private static final int ADMIN_TIMEOUT_SECONDS = 30;

  private TestTopics() {}

  /**
   * A fresh topic name starting with {@code prefix}: {@code <prefix>-<run>-<n>}, where run is random per JVM
   * and n counts up. Characters Kafka does not allow in a topic name become {@code -}.
   */
  public static String unique(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    String p = ILLEGAL.matcher(prefix).replaceAll("-");
    if (p.length() > MAX_PREFIX) {
      p = p.substring(0, MAX_PREFIX);
    }
    if (p.isEmpty()) {
      p = "test";
    }
    return p + "-" + RUN + "-" + COUNTER.incrementAndGet();
  }

  /** Creates a fresh topic with one partition and returns its name. */
  public static String create(KafkaEndpoint kafka, String prefix) {
    return create(kafka, prefix, 1, Map.of());
  }

  /**
   * Creates a fresh topic and returns its name once the broker has created it.
   *
   * @param configs topic configs, e.g. {@code cleanup.policy=compact}
   */
  public static String create(KafkaEndpoint kafka, String prefix, int partitions, Map<String, String> configs) {
    return createNamed(kafka, unique(prefix), partitions, configs);
  }

  /**
   * Creates topic {@code name} as given (e.g. one from {@link #unique} that a test first used while it did not exist)
   * and returns the name once the broker has created it.
   */
  public static String createNamed(KafkaEndpoint kafka, String name, int partitions, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return name;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + " on " + kafka.bootstrapServers(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating topic " + name, e);
    }
  }
}
