package dev.pxebus.cli.events;

import dev.pxebus.events.Mac;
import dev.pxebus.events.Topic;
import dev.pxebus.events.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pxebus events follow}: tails the boot events live. */
@Command(name = "follow",
    description = {
        "Prints the boot events as they happen, one line each.",
        "Columns: time (UTC), MAC, boot-attempt id (its first 8 characters), stage, then the stage's details as "
            + "name=value. Reads every partition without a consumer group, so it disturbs no service. Records that "
            + "are not readable events are skipped and reported on stderr. Runs until Ctrl-C (or --count events)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:stopped (Ctrl-C, or --count reached)",
        "2:usage: bad option",
        "3:cannot reach Kafka"})
public final class FollowCommand implements Callable<Integer> {
  /** Exit code when the broker does not answer. */
  public static final int EXIT_UNREACHABLE = 3;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = "--mac", paramLabel = "MAC", description = "only this machine's events (any MAC spelling)")
  String mac;

  @Option(names = "--json", description = "one JSON object per line: the CloudEvent as it is on the topic")
  boolean json;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      defaultValue = "${env:PXEBUS_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env PXEBUS_KAFKA_BOOTSTRAP, default ${DEFAULT-VALUE})")
  String bootstrap;

  @Option(names = "--from-beginning", description = "start with the oldest retained event instead of now")
  boolean fromBeginning;

  @Option(names = "--leases", description = "also the DHCP lease changes (topic pxebus.dhcp.leases), as LEASE_<state>")
  boolean leases;

  @Option(names = "--count", paramLabel = "N", defaultValue = "0",
      description = "stop after N events (default: never), e.g. to wait for a machine's next boot step")
  long count;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "15",
      description = "give up when Kafka has not answered within this time (default: ${DEFAULT-VALUE})")
  long connectTimeoutSeconds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (mac != null && !Mac.isValid(mac)) {
      err.println("pxebus: --mac: " + invalidMac(mac));
      err.flush();
      return EXIT_USAGE;
    }
    if (count < 0 || connectTimeoutSeconds < 1) {
      err.println("pxebus: --count must be >= 0 and --connect-timeout >= 1");
      err.flush();
      return EXIT_USAGE;
    }
    List<Topic<?>> topics = new ArrayList<>(List.of(Topics.BOOT_EVENTS));
    if (leases) topics.add(Topics.DHCP_LEASES);
    KafkaConsumer<String, byte[]> consumer;
    try {
      consumer = new KafkaConsumer<>(consumerProperties(bootstrap), new StringDeserializer(),
          new ByteArrayDeserializer());
    } catch (KafkaException e) {
      // e.g. a bootstrap address that does not parse or resolve
      err.println("pxebus: cannot reach Kafka at " + bootstrap + ": " + rootMessage(e));
      err.flush();
      return EXIT_UNREACHABLE;
    }
    EventFollower follower = new EventFollower(consumer, topics, Optional.ofNullable(mac),
        json ? EventFollower.Format.JSON : EventFollower.Format.HUMAN, fromBeginning, count,
        Duration.ofSeconds(connectTimeoutSeconds), bootstrap, out, err);
    // Ctrl-C: wake the poll and let run() close the consumer (leaving the broker a clean disconnect) before the
    // JVM halts.
    Thread hook = new Thread(() -> {
      follower.stop();
      try {
        follower.awaitClosed(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "pxebus-events-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      follower.run();
      return 0;
    } catch (EventFollower.FollowException e) {
      err.println("pxebus: " + e.getMessage());
      err.flush();
      return EXIT_UNREACHABLE;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it is what stopped us
      }
    }
  }

  /** A plain consumer without a group: nothing committed, nothing auto-created. */
  static Properties consumerProperties(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "pxebus-events-follow");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    return p;
  }

  private static String invalidMac(String mac) {
    try {
      Mac.canonical(mac);
      return "invalid MAC";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
