package dev.pxebus.catalog.spec;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The whole catalog at one moment: immutable, each kind sorted by key. {@link #apply} does not check anything
 * (a consumer materialising the topics takes what catalog-service wrote); {@link CatalogRules#apply} does.
 * Copy-on-write: fine for catalogs of thousands of entities, not millions.
 */
public record CatalogState(
    Map<String, ImageSpec> images,
    Map<String, ProfileSpec> profiles,
    Map<String, HostSpec> hosts,
    Map<String, GroupSpec> groups) {

  public static final CatalogState EMPTY = new CatalogState(Map.of(), Map.of(), Map.of(), Map.of());

  public CatalogState {
    images = sorted(images);
    profiles = sorted(profiles);
    hosts = sorted(hosts);
    groups = sorted(groups);
  }

  private static <V> Map<String, V> sorted(Map<String, V> m) {
    return m == null ? Collections.emptyMap() : Collections.unmodifiableMap(new TreeMap<>(m));
  }

  /** A state holding these specs. */
  public static CatalogState of(CatalogSpec... specs) {
    CatalogState s = EMPTY;
    for (CatalogSpec spec : specs) s = s.apply(Change.put(spec));
    return s;
  }

  public Map<String, ? extends CatalogSpec> all(EntityKind kind) {
    return switch (kind) {
      case IMAGE -> images;
      case PROFILE -> profiles;
      case HOST -> hosts;
      case GROUP -> groups;
    };
  }

  public Optional<CatalogSpec> get(EntityKind kind, String key) {
    return Optional.ofNullable(all(kind).get(kind.normaliseKey(key)));
  }

  /** This state with the change made, unchecked. Deleting what is not there changes nothing. */
  public CatalogState apply(Change change) {
    TreeMap<String, ImageSpec> i = new TreeMap<>(images);
    TreeMap<String, ProfileSpec> p = new TreeMap<>(profiles);
    TreeMap<String, HostSpec> h = new TreeMap<>(hosts);
    TreeMap<String, GroupSpec> g = new TreeMap<>(groups);
    if (change instanceof Change.Put put) {
      CatalogSpec spec = put.spec();
      if (spec instanceof ImageSpec s) i.put(s.key(), s);
      else if (spec instanceof ProfileSpec s) p.put(s.key(), s);
      else if (spec instanceof HostSpec s) h.put(s.key(), s);
      else if (spec instanceof GroupSpec s) g.put(s.key(), s);
    } else {
      switch (change.kind()) {
        case IMAGE -> i.remove(change.key());
        case PROFILE -> p.remove(change.key());
        case HOST -> h.remove(change.key());
        case GROUP -> g.remove(change.key());
      }
    }
    return new CatalogState(i, p, h, g);
  }
}
