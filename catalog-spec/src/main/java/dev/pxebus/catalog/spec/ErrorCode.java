package dev.pxebus.catalog.spec;

/**
 * The stable codes of {@link ValidationError}: clients match on {@link #code()}, never on the message. Codes are
 * added, never renamed or reused.
 */
public enum ErrorCode {
  // ------------------------------------------------------------------ document shape
  /** A required field is missing, JSON {@code null}, or blank. */
  REQUIRED("required"),
  /** The JSON value has the wrong type (a number where a string is expected, a float where an integer is …). */
  WRONG_TYPE("wrong-type"),
  /** A field the schema does not know (also an unknown selector key). */
  UNKNOWN_FIELD("unknown-field"),
  /** A string longer than its limit ({@link Limits}). */
  TOO_LONG("too-long"),
  /** A list or map with more entries than its limit ({@link Limits}). */
  TOO_MANY("too-many"),

  // ------------------------------------------------------------------ values
  /** An id or a file name outside its safe character set, or a path trick ({@code /}, {@code ..}, NUL, {@code \}). */
  UNSAFE_NAME("unsafe-name"),
  /**
   * Text with a control, format, line-separator or unassigned character; in a command line anything but printable
   * ASCII.
   */
  BAD_CHAR("bad-char"),
  /** A kernel command line that does not split into parameters (an unbalanced double quote). */
  BAD_CMDLINE("bad-cmdline"),
  /** An image version outside {@code [A-Za-z0-9][A-Za-z0-9._+~:-]*}. */
  INVALID_VERSION("invalid-version"),
  /** Not 64 hexadecimal digits. */
  BAD_SHA256("bad-sha256"),
  /** An artifact size that is not a positive integer within {@link Limits#ARTIFACT_SIZE_MAX}. */
  BAD_SIZE("bad-size"),
  /** Not one of {@link CpuArch} (image) or {@link ClientArch} (selector). */
  UNKNOWN_ARCH("unknown-arch"),
  /** Not a 48-bit MAC address in one of the spellings {@link dev.pxebus.events.Mac} accepts. */
  INVALID_MAC("invalid-mac"),
  /** Not a UUID (8-4-4-4-12 hex, or 32 hex digits), or a placeholder UUID shared by many machines. */
  INVALID_UUID("invalid-uuid"),
  /** Not a dotted-quad unicast IPv4 address. */
  INVALID_IP("invalid-ip"),
  /** Not an RFC 1123 host name. */
  INVALID_HOSTNAME("invalid-hostname"),
  /** A label key or value outside its character set. */
  INVALID_LABEL("invalid-label"),
  /** Something that must be unique is not: a file name within an image, a reserved IP, a group's selector. */
  DUPLICATE("duplicate"),

  // ------------------------------------------------------------------ across entities (CatalogRules)
  /** A profile names an image the catalog does not have. */
  UNKNOWN_IMAGE("unknown-image"),
  /** A host or group names a profile the catalog does not have. */
  UNKNOWN_PROFILE("unknown-profile"),
  /** A delete of an entity others still reference. */
  IN_USE("in-use"),
  /** A delete of an entity the catalog does not have. */
  NOT_FOUND("not-found"),
  /** A group selects a client architecture that cannot run its profile's image. */
  ARCH_MISMATCH("arch-mismatch"),
  /** An image artifact whose content is not in the blob store, or is there with another size. */
  UNKNOWN_BLOB("unknown-blob");

  private final String code;

  ErrorCode(String code) {
    this.code = code;
  }

  /** The wire form, e.g. {@code invalid-mac}. */
  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return code;
  }
}
