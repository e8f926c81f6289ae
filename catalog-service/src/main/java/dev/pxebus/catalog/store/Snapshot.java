package dev.pxebus.catalog.store;

import dev.pxebus.catalog.spec.CatalogSpec;
import dev.pxebus.catalog.spec.CatalogState;
import dev.pxebus.catalog.spec.Change;
import dev.pxebus.catalog.spec.EntityKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog at one moment with each entity's revision: immutable. {@link #revision} is the highest revision it
 * holds (see {@link Writes#decide} for how the next one is chosen).
 */
public record Snapshot(CatalogState state, Map<String, Meta> meta, long revision) {
  public static final Snapshot EMPTY = new Snapshot(CatalogState.EMPTY, Map.of(), 0);

  /** When and at which revision an entity was last written. */
  public record Meta(long revision, Instant updated) {}

  public Snapshot {
    meta = Map.copyOf(meta);
  }

  private static String id(EntityKind kind, String key) {
    return kind.name() + "/" + key;
  }

  public Optional<Entry> get(EntityKind kind, String key) {
    return state.get(kind, key).map(spec -> entry(spec));
  }

  private Entry entry(CatalogSpec spec) {
    Meta m = meta.get(id(spec.kind(), spec.key()));
    return m == null ? new Entry(spec, 0, Instant.EPOCH) : new Entry(spec, m.revision(), m.updated());
  }

  /** Every entity of the kind, sorted by key. */
  public List<Entry> list(EntityKind kind) {
    List<Entry> out = new ArrayList<>();
    for (CatalogSpec s : state.all(kind).values()) out.add(entry(s));
    return out;
  }

  /** This snapshot with the spec written at that revision; {@link #revision} becomes at least that. */
  public Snapshot put(CatalogSpec spec, long rev, Instant updated) {
    Map<String, Meta> m = new HashMap<>(meta);
    m.put(id(spec.kind(), spec.key()), new Meta(rev, updated));
    return new Snapshot(state.apply(Change.put(spec)), m, Math.max(revision, rev));
  }

  public Snapshot delete(EntityKind kind, String key) {
    String k = kind.normaliseKey(key);
    Map<String, Meta> m = new HashMap<>(meta);
    m.remove(id(kind, k));
    return new Snapshot(state.apply(Change.delete(kind, k)), m, revision);
  }

  public int size() {
    return state.images().size() + state.profiles().size() + state.hosts().size() + state.groups().size();
  }
}
