package dev.pxebus.catalog.store;

import dev.pxebus.catalog.spec.CatalogRules;
import dev.pxebus.catalog.spec.Change;
import dev.pxebus.catalog.spec.EntityKind;
import dev.pxebus.catalog.spec.ErrorCode;
import dev.pxebus.catalog.spec.ValidationError;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a write does to a snapshot, as a pure function: refuse it, leave the catalog as it is (a PUT of what is
 * already there), or make one change at the next revision. Checks in this order, so that the status says the
 * most useful thing first:
 *
 * <ol>
 *   <li>preconditions: create-only on an existing entity → 409; {@code If-None-Match: *} on an existing one, or
 *       {@code If-Match} on a missing one or not naming its current ETag → 412;
 *   <li>delete of what is not there → 404;
 *   <li>the cross-entity rules of {@link CatalogRules}: {@code in-use} and {@code duplicate} → 409, the others
 *       (unknown image or profile, architecture mismatch, a merged command line too long) → 422.
 * </ol>
 */
public final class Writes {
  private Writes() {}

  /** The outcome of {@link #decide}. */
  public sealed interface Decision permits Refuse, Unchanged, Apply {}

  public record Refuse(WriteRefused why) implements Decision {}

  /** A put of exactly what is stored: nothing to write, answered with the current version. */
  public record Unchanged(Entry current) implements Decision {}

  /**
   * Make the change: {@code entry} is the new version (null for a delete); {@code created} whether the entity did
   * not exist before.
   */
  public record Apply(Change change, Entry entry, boolean created, Snapshot after) implements Decision {}

  /**
   * @param logPosition how many records the four catalog topics hold, counting every record ever written (the sum
   *     of their end offsets): a new revision is above it and above every revision in the snapshot. Offsets never
   *     go back, not even when compaction removes a deleted entity's records, so a revision once given is never
   *     given again, across restarts too.
   */
  public static Decision decide(Snapshot s, Change change, Precondition pre, Instant now, long logPosition) {
    EntityKind kind = change.kind();
    Optional<Entry> current = s.get(kind, change.key());
    String what = kind.noun() + " " + change.key();
    if (current.isPresent()) {
      if (pre.createOnly()) {
        return refuse(WriteRefused.Reason.CONFLICT, what + " already exists (revision " + current.get().revision()
            + "): PUT it to replace it");
      }
      if (pre.ifNoneMatchAny()) {
        return refuse(WriteRefused.Reason.PRECONDITION_FAILED, what + " already exists (If-None-Match: *)");
      }
      if (!pre.ifMatch().isEmpty() && !pre.ifMatch().contains(current.get().etag())) {
        return refuse(WriteRefused.Reason.PRECONDITION_FAILED, what + " changed since it was read: the current "
            + "version is " + current.get().etag() + ", If-Match named " + String.join(", ", pre.ifMatch()));
      }
    } else if (pre.requiresExisting()) {
      return refuse(WriteRefused.Reason.PRECONDITION_FAILED, what + " does not exist (any more): If-Match "
          + (pre.ifMatchAny() ? "*" : String.join(", ", pre.ifMatch())) + " cannot hold");
    }
    if (change instanceof Change.Put put && current.isPresent() && current.get().spec().equals(put.spec())) {
      return new Unchanged(current.get());
    }
    List<ValidationError> errors = CatalogRules.check(s.state(), change);
    if (!errors.isEmpty()) {
      if (errors.stream().anyMatch(e -> e.code().equals(ErrorCode.NOT_FOUND.code()))) {
        return refuse(WriteRefused.Reason.NOT_FOUND, "no " + what, errors);
      }
      boolean conflict = errors.stream().allMatch(e -> e.code().equals(ErrorCode.IN_USE.code())
          || e.code().equals(ErrorCode.DUPLICATE.code()));
      String detail = errors.size() == 1 ? errors.get(0).message() : errors.size() + " rules would be broken: "
          + errors.get(0).message() + "; …";
      return refuse(conflict ? WriteRefused.Reason.CONFLICT : WriteRefused.Reason.UNPROCESSABLE, detail, errors);
    }
    long rev = Math.max(s.revision(), logPosition) + 1;
    if (change instanceof Change.Put put) {
      Entry e = new Entry(put.spec(), rev, now);
      return new Apply(change, e, current.isEmpty(), s.put(put.spec(), rev, now));
    }
    return new Apply(change, null, false, s.delete(kind, change.key()));
  }

  private static Refuse refuse(WriteRefused.Reason reason, String detail) {
    return new Refuse(new WriteRefused(reason, detail));
  }

  private static Refuse refuse(WriteRefused.Reason reason, String detail, List<ValidationError> errors) {
    return new Refuse(new WriteRefused(reason, detail, errors));
  }
}
