package dev.pxebus.events.boot;

import dev.pxebus.events.PxebusEvent;

/**
 * A step of one machine's boot. Values of {@code pxebus.boot.events}, keyed by the client's canonical MAC;
 * the envelope carries the boot-attempt id that joins the steps of one boot across services.
 */
public sealed interface BootStepEvent extends PxebusEvent
    permits DhcpStepEvent, TftpTransferEvent, HttpFileEvent, MenuRenderedEvent, InstalledEvent {

  String mac();

  BootStage stage();

  @Override
  default String key() {
    return mac();
  }
}
