package dev.pxebus.menu.select;

import dev.pxebus.menu.render.MenuModel.LocalBoot;

/**
 * What every planned menu shares, from configuration ({@code menu.timeout}, {@code menu.ipxe-local-boot},
 * {@code menu.file-base}, {@code menu.title}).
 *
 * @param timeoutSeconds how long a menu waits before booting its default; 0 = at once (the local-boot menu of an
 *     installed boot-once host always uses 0)
 * @param localBoot how iPXE leaves for the local disk; null = {@link #DEFAULT_LOCAL_BOOT}
 * @param fileBase prefix of kernel and initrd paths in iPXE scripts; null = {@link #DEFAULT_FILE_BASE}
 * @param titlePrefix the first word of every title; null or blank = {@link #DEFAULT_TITLE_PREFIX}
 */
public record PlannerOptions(int timeoutSeconds, LocalBoot localBoot, String fileBase, String titlePrefix) {
  public static final int DEFAULT_TIMEOUT_SECONDS = 10;
  public static final LocalBoot DEFAULT_LOCAL_BOOT = LocalBoot.EXIT;
  public static final String DEFAULT_FILE_BASE = "";
  public static final String DEFAULT_TITLE_PREFIX = "pxebus";

  public static final PlannerOptions DEFAULTS = new PlannerOptions(DEFAULT_TIMEOUT_SECONDS, DEFAULT_LOCAL_BOOT,
      DEFAULT_FILE_BASE, DEFAULT_TITLE_PREFIX);

  /** @throws IllegalArgumentException when the timeout is negative */
  public PlannerOptions {
    if (timeoutSeconds < 0) throw new IllegalArgumentException("menu timeout < 0: " + timeoutSeconds);
    if (localBoot == null) localBoot = DEFAULT_LOCAL_BOOT;
    if (fileBase == null) fileBase = DEFAULT_FILE_BASE;
    if (titlePrefix == null || titlePrefix.isBlank()) titlePrefix = DEFAULT_TITLE_PREFIX;
  }

  public PlannerOptions withTimeoutSeconds(int seconds) {
    return new PlannerOptions(seconds, localBoot, fileBase, titlePrefix);
  }

  public PlannerOptions withLocalBoot(LocalBoot how) {
    return new PlannerOptions(timeoutSeconds, how, fileBase, titlePrefix);
  }

  public PlannerOptions withFileBase(String base) {
    return new PlannerOptions(timeoutSeconds, localBoot, base, titlePrefix);
  }

  public PlannerOptions withTitlePrefix(String prefix) {
    return new PlannerOptions(timeoutSeconds, localBoot, fileBase, prefix);
  }
}
