package dev.pxebus.events.boot;

import dev.pxebus.events.Mac;

/**
 * A file of the boot namespace served (or refused) over HTTP by a tftp-service replica, for iPXE and UEFI HTTP boot.
 *
 * @param range the Range header of a partial request, null for a whole file
 */
public record HttpFileEvent(
    String mac,
    BootStage stage,
    String clientIp,
    String replicaId,
    String method,
    String path,
    int status,
    long bytes,
    long durationMs,
    String range) implements BootStepEvent {

  public HttpFileEvent {
    mac = Mac.canonical(mac);
    if (stage == null) throw new IllegalArgumentException("stage is missing");
    stage.require(BootStage.Family.HTTP);
  }
}
