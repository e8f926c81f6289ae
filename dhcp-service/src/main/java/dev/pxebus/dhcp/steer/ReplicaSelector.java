package dev.pxebus.dhcp.steer;

import dev.pxebus.events.replica.TftpReplicaEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which tftp-service replicas can take new clients, from their announcements on {@code pxebus.tftp.replicas}.
 * A replica is live when its last announcement is recent and was not a goodbye; the least loaded live replica
 * (fewest active transfers, then lowest throughput, then id for a stable choice) is where a new client goes.
 */
public final class ReplicaSelector {
  private static final Comparator<TftpReplicaEvent> LOAD = Comparator
      .comparingInt(TftpReplicaEvent::activeTransfers)
      .thenComparingLong(TftpReplicaEvent::bytesPerSecond)
      .thenComparing(TftpReplicaEvent::replicaId);

  private final Duration staleAfter;

  /** @param staleAfter an announcement older than this means the replica is gone (it crashed without a goodbye) */
  public ReplicaSelector(Duration staleAfter) {
    if (staleAfter.isNegative() || staleAfter.isZero()) throw new IllegalArgumentException("staleAfter must be > 0");
    this.staleAfter = staleAfter;
  }

  /** The live replicas, least loaded first. */
  public List<TftpReplicaEvent> live(Collection<TftpReplicaEvent> announcements, Instant now) {
    Instant oldest = now.minus(staleAfter);
    return announcements.stream()
        .filter(a -> !a.leaving())
        .filter(a -> a.at() != null && !a.at().isBefore(oldest))
        .sorted(LOAD)
        .toList();
  }

  public Optional<TftpReplicaEvent> leastLoaded(Collection<TftpReplicaEvent> announcements, Instant now) {
    return live(announcements, now).stream().findFirst();
  }
}
