package dev.pxebus.events.boot;

import dev.pxebus.events.Mac;

/** menu-service rendered a boot menu for a machine. */
public record MenuRenderedEvent(
    String mac,
    BootStage stage,
    MenuFormat format,
    String path,
    MenuSelection selectedBy,
    String profile,
    String group,
    String arch,
    String uuid,
    int bytes) implements BootStepEvent {

  public MenuRenderedEvent {
    mac = Mac.canonical(mac);
    if (stage == null) stage = BootStage.MENU_RENDERED;
    stage.require(BootStage.Family.MENU);
    if (format == null) throw new IllegalArgumentException("format is missing");
  }
}
