package dev.pxebus.events.replica;

import dev.pxebus.events.PxebusEvent;
import java.time.Instant;

/**
 * A tftp-service replica announcing itself (every few seconds, and once with {@code leaving = true} on a clean
 * stop) so dhcp-service can steer new clients to the least-loaded one. Value of {@code pxebus.tftp.replicas}.
 */
public record TftpReplicaEvent(
    String replicaId,
    String host,
    String tftpAddress,
    int tftpPort,
    String httpUrl,
    int activeTransfers,
    long bytesPerSecond,
    boolean leaving,
    Instant at) implements PxebusEvent {

  public TftpReplicaEvent {
    if (replicaId == null || replicaId.isBlank()) throw new IllegalArgumentException("replicaId is missing");
  }

  @Override
  public String key() {
    return replicaId;
  }
}
