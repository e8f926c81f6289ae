package dev.pxebus.catalog.spec;

/** One write to the catalog: create-or-replace an entity, or delete one. */
public sealed interface Change permits Change.Put, Change.Delete {

  EntityKind kind();

  String key();

  static Put put(CatalogSpec spec) {
    return new Put(spec);
  }

  static Delete delete(EntityKind kind, String key) {
    return new Delete(kind, key);
  }

  /** Create the entity, or replace the one with its key. */
  record Put(CatalogSpec spec) implements Change {
    public Put {
      if (spec == null) throw new IllegalArgumentException("spec is missing");
    }

    @Override
    public EntityKind kind() {
      return spec.kind();
    }

    @Override
    public String key() {
      return spec.key();
    }
  }

  /** Delete the entity of that kind and key (a host's MAC in any spelling). */
  record Delete(EntityKind kind, String key) implements Change {
    public Delete {
      if (kind == null) throw new IllegalArgumentException("kind is missing");
      key = kind.normaliseKey(key == null ? "" : key);
    }
  }
}
