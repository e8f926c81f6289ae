package dev.pxebus.tftp.replica;

import dev.pxebus.events.replica.TftpReplicaEvent;
import dev.pxebus.runtime.kafka.EventPublisher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Announces this replica on {@code pxebus.tftp.replicas} at start, every interval, and once more with
 * {@code leaving = true} when it stops, so dhcp-service can steer new clients to the least-loaded replica.
 * Publishing never blocks (the publisher buffers while Kafka is down).
 */
public final class ReplicaAnnouncerVerticle extends VerticleBase {
  private final EventPublisher publisher;
  private final Duration interval;
  private final Supplier<TftpReplicaEvent> current;
  private long timer = -1;

  /** @param current builds the announcement from the replica's live state (load, address) */
  public ReplicaAnnouncerVerticle(EventPublisher publisher, Duration interval, Supplier<TftpReplicaEvent> current) {
    this.publisher = publisher;
    this.interval = interval;
    this.current = current;
  }

  @Override
  public Future<?> start() {
    publisher.publish(current.get());
    timer = vertx.setPeriodic(interval.toMillis(), id -> publisher.publish(current.get()));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    TftpReplicaEvent now = current.get();
    publisher.publish(new TftpReplicaEvent(now.replicaId(), now.host(), now.tftpAddress(), now.tftpPort(),
        now.httpUrl(), now.activeTransfers(), now.bytesPerSecond(), true, Instant.now()));
    return Future.succeededFuture();
  }
}
