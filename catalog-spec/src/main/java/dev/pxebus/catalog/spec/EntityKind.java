package dev.pxebus.catalog.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pxebus.events.Mac;

/** The four kinds of catalog entity, each a compacted topic keyed by {@link #keyField()}. */
public enum EntityKind {
  IMAGE("image", "id"),
  PROFILE("profile", "id"),
  HOST("host", "mac"),
  GROUP("group", "id");

  private final String noun;
  private final String keyField;

  EntityKind(String noun, String keyField) {
    this.noun = noun;
    this.keyField = keyField;
  }

  public String noun() {
    return noun;
  }

  /** The field that is the entity's key: {@code id}, or {@code mac} for a host. */
  public String keyField() {
    return keyField;
  }

  /** A key as the catalog holds it: a host's MAC in canonical form when it is one, anything else unchanged. */
  public String normaliseKey(String key) {
    if (this == HOST && key != null && key.length() <= 32 && Mac.isValid(key)) return Mac.canonical(key);
    return key;
  }

  /** Parses a document of this kind. @throws ValidationException with every error found */
  public CatalogSpec parse(JsonNode json) {
    return switch (this) {
      case IMAGE -> ImageSpec.parse(json);
      case PROFILE -> ProfileSpec.parse(json);
      case HOST -> HostSpec.parse(json);
      case GROUP -> GroupSpec.parse(json);
    };
  }

  @Override
  public String toString() {
    return noun;
  }
}
