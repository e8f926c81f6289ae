package dev.pxebus.runtime;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.Topic;
import dev.pxebus.runtime.kafka.EventSubscriber;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest value per key of a compacted topic, held in memory and rebuilt from the beginning of the topic
 * on every start (no consumer group). Tombstones remove keys. While Kafka is down it keeps serving the last
 * state it saw. Readable from any thread.
 */
public final class MaterializedView<T extends PxebusEvent> {
  private final Map<String, Envelope<T>> entries = new ConcurrentHashMap<>();
  private final EventSubscriber<T> subscriber;

  MaterializedView(ServiceHost host, Topic<T> topic) {
    this.subscriber = host.subscribe(topic, null, this::apply);
  }

  private void apply(String key, Envelope<T> envelope, long offset) {
    if (envelope == null) entries.remove(key);
    else entries.put(key, envelope);
  }

  public Topic<T> topic() {
    return subscriber.topic();
  }

  public Optional<T> get(String key) {
    return Optional.ofNullable(entries.get(key)).map(Envelope::data);
  }

  /** An immutable copy of the current state. */
  public Map<String, Envelope<T>> snapshot() {
    return Map.copyOf(entries);
  }

  public int size() {
    return entries.size();
  }

  /** Completes once the view holds everything the topic held when the service started. */
  public CompletionStage<Void> caughtUp() {
    return subscriber.caughtUp();
  }

  public boolean isCaughtUp() {
    return subscriber.stats().caughtUp();
  }
}
