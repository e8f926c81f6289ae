package dev.pxebus.catalog.blob;

import java.util.Objects;

/**
 * One stored blob: its content hash and length.
 *
 * @param sha256 64 lowercase hex digits
 * @param size length in bytes
 */
public record Blob(String sha256, long size) {
  public Blob {
    Sha256.require(sha256);
    if (size < 0) throw new IllegalArgumentException("size must be >= 0: " + size);
  }

  /** Shorthand for tests and logs: the first 12 hex digits. */
  public String shortHash() {
    return Objects.requireNonNull(sha256).substring(0, 12);
  }
}
