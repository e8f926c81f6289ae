package dev.pxebus.catalog.blob;

/**
 * A refusal by {@link BlobStore}, with the reason as an enum so that callers (the HTTP routes) map it without
 * parsing messages. Unchecked: an {@link java.io.IOException} is still thrown for the file system failing.
 */
public final class BlobException extends RuntimeException {
  public enum Reason {
    /** The name given is not 64 lowercase hex digits; no path was built from it. */
    INVALID_HASH,
    /** The content went past the allowed size; nothing was kept. */
    TOO_LARGE,
    /** The content does not hash to the name it was sent under; nothing was kept. */
    HASH_MISMATCH,
    /** No blob of that hash is stored. */
    NOT_FOUND,
    /** A file to import is not a regular file (a directory, a device, a symbolic link). */
    NOT_A_FILE
  }

  private final Reason reason;

  public BlobException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  static BlobException invalidHash(String s) {
    String shown = s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return new BlobException(Reason.INVALID_HASH, "not a sha256 (64 lowercase hex digits): '" + shown + "'");
  }

  static BlobException tooLarge(long max) {
    return new BlobException(Reason.TOO_LARGE, "content exceeds the limit of " + max + " bytes");
  }

  static BlobException mismatch(String expected, String actual) {
    return new BlobException(Reason.HASH_MISMATCH, "content hashes to " + actual + ", not " + expected);
  }

  static BlobException notFound(String sha256) {
    return new BlobException(Reason.NOT_FOUND, "no blob " + sha256);
  }
}
