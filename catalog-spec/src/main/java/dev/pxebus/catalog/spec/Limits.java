package dev.pxebus.catalog.spec;

/**
 * The bounds of a catalog document. Each keeps something downstream safe or small: ids and file names become
 * {@code /images/<image>/<file>} paths over TFTP and HTTP, command lines and menu labels are written into
 * pxelinux/iPXE/GRUB files, and every entity is a record on a compacted topic that every service holds in memory.
 */
public final class Limits {
  private Limits() {}

  /** Ids of images, profiles and groups, and label keys: {@code [a-z0-9][a-z0-9._-]{0,62}} — a DNS label's length. */
  public static final int ID_MAX = 63;
  /** Display names of images and groups. */
  public static final int NAME_MAX = 128;
  public static final int VERSION_MAX = 64;
  /** Kernel and initrd file names. */
  public static final int FILE_NAME_MAX = 128;
  /**
   * Linux's {@code COMMAND_LINE_SIZE} on x86 and arm64 is 2048 bytes, terminator included. Checked on each part and
   * again on the merged line ({@link CatalogRules}).
   */
  public static final int CMDLINE_MAX = 2047;
  public static final int MENU_LABEL_MAX = 128;
  public static final int INITRDS_MAX = 16;
  public static final int LABELS_MAX = 32;
  public static final int LABEL_KEY_MAX = 63;
  public static final int LABEL_VALUE_MAX = 63;
  /** Label selectors of one group. */
  public static final int SELECTOR_LABELS_MAX = 16;
  /** RFC 1123 / RFC 1035 §2.3.4. */
  public static final int HOSTNAME_MAX = 253;
  /** 16 GiB: larger than any netboot kernel or initrd, small enough to catch a unit mistake. */
  public static final long ARTIFACT_SIZE_MAX = 16L << 30;
  /** Errors one {@link ValidationException} lists; {@link ValidationException#omitted()} counts the rest. */
  public static final int ERRORS_MAX = 50;
}
