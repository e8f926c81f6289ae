package dev.pxebus.events.boot;

import dev.pxebus.events.Mac;
import java.util.Map;

/**
 * A TFTP transfer started, completed or failed on a tftp-service replica.
 *
 * @param mac the client's MAC when the lease topic knows its address, else {@code 00:00:00:00:00:00}
 * @param options the negotiated RFC 2347 options (blksize, tsize, timeout, windowsize)
 * @param errorCode TFTP error code (RFC 1350 §5) of a failure, null otherwise
 */
public record TftpTransferEvent(
    String mac,
    BootStage stage,
    String clientIp,
    int clientPort,
    String replicaId,
    String file,
    Map<String, String> options,
    long bytes,
    long durationMs,
    int retransmissions,
    Integer errorCode,
    String error) implements BootStepEvent {

  public TftpTransferEvent {
    mac = Mac.canonical(mac);
    if (stage == null) throw new IllegalArgumentException("stage is missing");
    stage.require(BootStage.Family.TFTP);
    options = options == null ? Map.of() : Map.copyOf(options);
  }
}
