package dev.pxebus.menu.select;

import dev.pxebus.events.boot.MenuFormat;
import java.util.Objects;

/**
 * A machine asking for its menu, as the endpoint parsed it. Every hint is untrusted and optional.
 *
 * @param format the language asked for (from the path: {@code /boot.ipxe}, {@code /pxelinux.cfg/…}, {@code /grub/…})
 * @param mac canonical MAC, or null when unknown (e.g. {@code pxelinux.cfg/default} without a {@code mac} hint)
 * @param arch what the client said of its architecture, raw: an option 93 number ({@code 7}, {@code 00007}), a
 *     {@code ClientArch} name ({@code efi-x86_64}), or iPXE's {@code ${platform}}/{@code ${buildarch}} pair written
 *     {@code efi-x86_64}, {@code pcbios-i386} …; null when absent
 * @param uuid SMBIOS UUID hint, raw; null when absent
 */
public record MenuRequest(MenuFormat format, String mac, String arch, String uuid) {
  public MenuRequest {
    Objects.requireNonNull(format, "format");
  }
}
