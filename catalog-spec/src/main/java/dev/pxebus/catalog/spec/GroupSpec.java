package dev.pxebus.catalog.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pxebus.events.catalog.GroupEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A group: machines matching a {@link Selector} boot a profile. The group without a selector is the default.
 *
 * <pre>{
 *   "id": "uefi-workers",                       required, {@code [a-z0-9][a-z0-9._-]{0,62}}
 *   "name": "UEFI workers",                     display text, at most 128; defaults to the id
 *   "profile": "debian-12-install",             required, the id of a profile
 *   "selector": {"arch": "efi-x86_64", "label.role": "worker"}   optional; absent or {} is the default group
 * }</pre>
 */
public record GroupSpec(String id, String name, String profile, Selector selector) implements CatalogSpec {
  static final Set<String> FIELDS = Set.of("id", "name", "profile", "selector");

  public GroupSpec {
    Errors e = new Errors();
    id = Check.id(e, "id", id, true);
    name = Check.text(e, "name", name, Limits.NAME_MAX);
    if (name == null && !e.covers("name")) name = id;
    profile = Check.id(e, "profile", profile, true);
    if (selector == null) selector = Selector.NONE;
    e.throwIfAny();
  }

  /** @throws ValidationException with every error found */
  public static GroupSpec parse(JsonNode json) {
    Errors e = new Errors();
    Fields f = Fields.of(json, e, FIELDS);
    String id = f.text("id");
    String name = f.text("name");
    String profile = f.text("profile");
    Selector selector = selector(e, f.strings("selector", 3 + Limits.SELECTOR_LABELS_MAX));
    return e.build(() -> new GroupSpec(id, name, profile, selector));
  }

  private static Selector selector(Errors e, Map<String, String> map) {
    if (map == null) return null;
    try {
      return Selector.of(map);
    } catch (ValidationException x) {
      e.addAll("selector", x);
      return null;
    }
  }

  /** The default group: no selector. */
  public boolean isDefault() {
    return selector.isEmpty();
  }

  @Override
  public EntityKind kind() {
    return EntityKind.GROUP;
  }

  @Override
  public String key() {
    return id;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", id);
    o.put("name", name);
    o.put("profile", profile);
    ObjectNode s = o.putObject("selector");
    selector.toMap().forEach(s::put);
    return o;
  }

  @Override
  public GroupEvent toEvent(long revision, Instant updated) {
    return new GroupEvent(id, name, profile, selector.toMap(), revision, updated);
  }

  /** @throws ValidationException when the event does not hold a valid group */
  public static GroupSpec fromEvent(GroupEvent event) {
    if (event == null) throw ValidationException.of("", ErrorCode.REQUIRED, "the group event is missing");
    Errors e = new Errors();
    Selector selector = selector(e, event.selector());
    return e.build(() -> new GroupSpec(event.id(), event.name(), event.profile(), selector));
  }
}
