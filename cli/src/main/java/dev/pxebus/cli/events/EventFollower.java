package dev.pxebus.cli.events;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.EventDecodeException;
import dev.pxebus.events.Mac;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.Topic;
import dev.pxebus.events.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Tails topics of machine events and prints each event as one line. No consumer group: it assigns itself every
 * partition of the topics and seeks to their end (or beginning), so it never moves anyone's committed offsets and
 * any number of followers can run side by side.
 *
 * <p>Records that do not decode as the topic's events are skipped, counted and reported on the error stream, one
 * line each; tombstones are skipped silently. {@link #run()} returns when {@link #stop()} is called (from any
 * thread, e.g. a shutdown hook), the thread is interrupted, or the requested number of events was printed; the
 * consumer is closed before it returns.
 */
public final class EventFollower {
  /** How long the first metadata request may take before the broker counts as unreachable. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);

  /** How events are printed. */
  public enum Format { HUMAN, JSON }

  /** Why {@link #run()} could not follow. */
  public static final class FollowException extends Exception {
    FollowException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * What was printed and skipped.
   *
   * @param printed events printed
   * @param skipped records that did not decode
   */
  public record Stats(long printed, long skipped) {}

  private final Consumer<String, byte[]> consumer;
  private final List<Topic<?>> topics;
  private final Optional<String> mac;
  private final Format format;
  private final boolean fromBeginning;
  private final long maxEvents;
  private final Duration connectTimeout;
  private final String bootstrap;
  private final PrintWriter out;
  private final PrintWriter err;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean stopped;
  private long printed;
  private long skipped;

  /**
   * @param consumer a consumer without a group; this follower owns and closes it
   * @param mac only events of this machine (any spelling), or every machine
   * @param maxEvents stop after this many events printed, 0 = never
   * @param bootstrap the broker address, for messages
   */
  public EventFollower(Consumer<String, byte[]> consumer, List<Topic<?>> topics, Optional<String> mac, Format format,
      boolean fromBeginning, long maxEvents, Duration connectTimeout, String bootstrap, PrintWriter out,
      PrintWriter err) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.topics = List.copyOf(topics);
    this.mac = mac.map(Mac::canonical);
    this.format = Objects.requireNonNull(format, "format");
    this.fromBeginning = fromBeginning;
    this.maxEvents = maxEvents;
    this.connectTimeout = connectTimeout;
    this.bootstrap = bootstrap;
    this.out = out;
    this.err = err;
  }

  /** Makes {@link #run()} return soon; safe from any thread. */
  public void stop() {
    stopped = true;
    consumer.wakeup();
  }

  /** Waits until {@link #run()} has closed the consumer, at most {@code timeout}. */
  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Follows until stopped.
   *
   * @throws FollowException if the broker does not answer within the connect timeout
   */
  public Stats run() throws FollowException {
    try {
      List<TopicPartition> partitions = assign();
      if (partitions == null) return stats();
      err.println("pxebus: following " + describe(partitions) + (fromBeginning ? " from the beginning" : " from now")
          + mac.map(m -> " for " + m).orElse("") + "; Ctrl-C stops");
      err.flush();
      while (!stopped && !Thread.currentThread().isInterrupted()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        for (ConsumerRecord<String, byte[]> r : records) {
          handle(r);
          if (maxEvents > 0 && printed >= maxEvents) return stats();
        }
      }
    } catch (WakeupException | InterruptException e) {
      // stop() or an interrupt: the normal way out.
    } finally {
      // An interrupt would make close() throw and leave the consumer half closed; restore it afterwards.
      boolean interrupted = Thread.interrupted();
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        err.println("pxebus: closing the Kafka consumer: " + e.getMessage());
      }
      if (skipped > 0) err.println("pxebus: " + skipped + " record(s) skipped: not readable as events");
      err.flush();
      closed.countDown();
      if (interrupted) Thread.currentThread().interrupt();
    }
    return stats();
  }

  public Stats stats() {
    return new Stats(printed, skipped);
  }

  /** Assigns every partition of the topics and seeks; null when stopped while waiting for a topic to exist. */
  private List<TopicPartition> assign() throws FollowException {
    List<TopicPartition> all = new ArrayList<>();
    for (Topic<?> topic : topics) {
      boolean noted = false;
      while (true) {
        if (stopped) return null;
        List<PartitionInfo> infos;
        try {
          infos = consumer.partitionsFor(topic.name(), connectTimeout);
        } catch (TimeoutException e) {
          throw new FollowException("cannot reach Kafka at " + bootstrap + ": no answer within "
              + connectTimeout.toSeconds() + " s", e);
        }
        if (infos != null && !infos.isEmpty()) {
          infos.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
          break;
        }
        // No such topic yet (nothing was ever published): the services create it; do not create it with the
        // broker's defaults here.
        if (!noted) {
          err.println("pxebus: topic " + topic.name() + " does not exist yet; waiting for it");
          err.flush();
          noted = true;
        }
        try {
          Thread.sleep(TOPIC_RETRY.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
    consumer.assign(all);
    if (fromBeginning) consumer.seekToBeginning(all);
    else consumer.seekToEnd(all);
    // Resolve the positions now, so that an event published after the "following" note is never missed.
    for (TopicPartition p : all) consumer.position(p, connectTimeout);
    return all;
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) return; // a tombstone on a compacted topic: nothing happened to report
    if (mac.isPresent() && r.key() != null && Mac.isValid(r.key()) && !Mac.canonical(r.key()).equals(mac.get())) {
      return;
    }
    Optional<Topic<?>> topic = Topics.byName(r.topic());
    Class<? extends PxebusEvent> expected = topic.<Class<? extends PxebusEvent>>map(Topic::valueType)
        .orElse(PxebusEvent.class);
    Envelope<? extends PxebusEvent> envelope;
    try {
      envelope = EventCodec.get().decode(r.value(), expected);
    } catch (EventDecodeException e) {
      skip(r, e.getMessage());
      return;
    }
    if (mac.isPresent() && !mac.get().equals(envelope.subject())) return;
    String line;
    try {
      line = format == Format.JSON ? EventLine.json(r.value()) : EventLine.human(envelope);
    } catch (IllegalArgumentException e) {
      skip(r, e.getMessage());
      return;
    }
    out.println(line);
    out.flush();
    printed++;
  }

  private void skip(ConsumerRecord<String, byte[]> r, String why) {
    skipped++;
    err.println("pxebus: skipped record " + r.topic() + "/" + r.partition() + "@" + r.offset()
        + (r.key() == null ? "" : " (key " + r.key() + ")") + ": " + why.replaceAll("\\s+", " "));
    err.flush();
  }

  private static String describe(List<TopicPartition> partitions) {
    List<String> names = new ArrayList<>();
    for (TopicPartition p : partitions) {
      String t = p.topic();
      if (!names.contains(t)) names.add(t);
    }
    List<String> parts = new ArrayList<>();
    for (String t : names) {
      long n = partitions.stream().filter(p -> p.topic().equals(t)).count();
      parts.add(t + " (" + n + (n == 1 ? " partition)" : " partitions)"));
    }
    return String.join(" and ", parts);
  }
}
