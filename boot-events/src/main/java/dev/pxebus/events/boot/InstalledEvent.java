package dev.pxebus.events.boot;

import dev.pxebus.events.Mac;

/**
 * A machine reported that its installation finished: the installed system (or the installer's last step) called
 * menu-service's {@code /installed} callback. From then on a boot-once host boots from its local disk, until the host
 * entry is written again (which re-arms it).
 *
 * @param profile the profile the machine had been given to install, as menu-service saw it; null if none
 * @param clientIp the address the callback came from
 */
public record InstalledEvent(String mac, BootStage stage, String profile, String clientIp) implements BootStepEvent {

  public InstalledEvent {
    mac = Mac.canonical(mac);
    if (stage == null) stage = BootStage.INSTALLED;
    stage.require(BootStage.Family.INSTALL);
  }
}
