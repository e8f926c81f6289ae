package dev.pxebus.catalog.store;

import dev.pxebus.catalog.spec.CatalogSpec;
import java.time.Instant;
import java.util.Objects;

/**
 * An entity as the catalog holds it: its spec, the catalog-wide revision of its last write and when that was.
 *
 * @param revision catalog-wide and increasing: every write takes the next one, so a deleted and re-created entity
 *     never shows a revision it had before
 */
public record Entry(CatalogSpec spec, long revision, Instant updated) {
  public Entry {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(updated, "updated");
  }

  /** The strong HTTP entity tag of this version: {@code "<revision>"}. */
  public String etag() {
    return etagOf(revision);
  }

  public static String etagOf(long revision) {
    return "\"" + revision + "\"";
  }
}
