package dev.pxebus.menu.render;

import java.util.List;
import java.util.Objects;

/**
 * What a boot menu offers, whatever its language: built by the planner ({@code select}), turned into an iPXE
 * script, a pxelinux config or a GRUB config by {@link MenuRenderer}. Values are as the catalog holds them (not
 * escaped); the renderer escapes or refuses each for its target language.
 *
 * @param title the menu's title, e.g. {@code pxebus: node-1 (52:54:00:12:34:56)}
 * @param entries the boot entries in menu order; may be empty (then only local boot is offered)
 * @param defaultId the id of the entry booted when the timeout passes: one of {@code entries}, or
 *     {@link #LOCAL_ID} for the local-boot entry
 * @param timeoutSeconds how long the menu waits before booting the default; 0 = boot it at once
 * @param localBoot how iPXE leaves for the local disk (pxelinux always uses {@code LOCALBOOT 0}, GRUB {@code exit})
 * @param fileBase prefix of every kernel and initrd path in an iPXE script: empty = relative to the script's own
 *     URL (the tftp-service replica that served it), else e.g. {@code http://10.0.0.5:8069/}
 * @param comment one line saying how the menu was chosen (a comment at the top of the output), e.g.
 *     {@code host 52:54:00:12:34:56: profile debian-install}
 */
public record MenuModel(String title, List<Entry> entries, String defaultId, int timeoutSeconds, LocalBoot localBoot,
    String fileBase, String comment) {

  /** The id of the local-boot entry every menu has. */
  public static final String LOCAL_ID = "local";

  /** How iPXE boots from the local disk. */
  public enum LocalBoot {
    /** {@code exit}: back to the firmware, which tries the next boot device. */
    EXIT,
    /** {@code sanboot --no-describe --drive 0x80}: boot the first BIOS disk from iPXE itself. */
    SANBOOT
  }

  public MenuModel {
    Objects.requireNonNull(title, "title");
    entries = List.copyOf(entries);
    Objects.requireNonNull(defaultId, "defaultId");
    if (!defaultId.equals(LOCAL_ID) && entries.stream().noneMatch(e -> e.id().equals(defaultId))) {
      throw new IllegalArgumentException("default entry " + defaultId + " is not in the menu");
    }
    if (timeoutSeconds < 0) throw new IllegalArgumentException("timeout < 0: " + timeoutSeconds);
    Objects.requireNonNull(localBoot, "localBoot");
    fileBase = fileBase == null ? "" : fileBase;
    comment = comment == null ? "" : comment;
  }

  /**
   * One bootable entry.
   *
   * @param id unique in the menu, {@code [a-z0-9][a-z0-9._-]*} (a profile id, or an image id in the default menu)
   * @param label what the menu shows
   * @param image the image's id
   * @param kernel the kernel's path in the boot namespace, e.g. {@code images/debian-12/vmlinuz}
   * @param initrds the initrds' paths, in load order
   * @param cmdline the kernel command line (image's and profile's merged), or empty
   */
  public record Entry(String id, String label, String image, String kernel, List<String> initrds, String cmdline) {
    public Entry {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(kernel, "kernel");
      initrds = List.copyOf(initrds);
      cmdline = cmdline == null ? "" : cmdline;
    }
  }
}
