package dev.pxebus.catalog.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pxebus.events.catalog.ProfileEvent;
import java.time.Instant;
import java.util.Set;

/**
 * A profile: an image, command-line overrides and a menu label.
 *
 * <pre>{
 *   "id": "debian-12-install",                    required, {@code [a-z0-9][a-z0-9._-]{0,62}}
 *   "image": "debian-12-amd64",                   required, the id of an image (checked by {@link CatalogRules})
 *   "cmdline": "console=ttyS0,115200n8",          optional, printable ASCII, at most 2047; see {@link Cmdline#merge}
 *   "menuLabel": "Install Debian 12 (unattended)" optional display text, at most 128; absent: the image's name
 * }</pre>
 */
public record ProfileSpec(String id, String image, String cmdline, String menuLabel) implements CatalogSpec {
  static final Set<String> FIELDS = Set.of("id", "image", "cmdline", "menuLabel");

  public ProfileSpec {
    Errors e = new Errors();
    id = Check.id(e, "id", id, true);
    image = Check.id(e, "image", image, true);
    cmdline = Check.cmdline(e, "cmdline", cmdline);
    menuLabel = Check.text(e, "menuLabel", menuLabel, Limits.MENU_LABEL_MAX);
    e.throwIfAny();
  }

  /** @throws ValidationException with every error found */
  public static ProfileSpec parse(JsonNode json) {
    Errors e = new Errors();
    Fields f = Fields.of(json, e, FIELDS);
    String id = f.text("id");
    String image = f.text("image");
    String cmdline = f.text("cmdline");
    String menuLabel = f.text("menuLabel");
    return e.build(() -> new ProfileSpec(id, image, cmdline, menuLabel));
  }

  /** The kernel command line this profile boots its image with: {@link Cmdline#merge}. */
  public String effectiveCmdline(ImageSpec of) {
    return Cmdline.merge(of.cmdline(), cmdline);
  }

  /** What a boot menu shows: the menu label, else the image's name. */
  public String label(ImageSpec of) {
    return menuLabel != null ? menuLabel : of.name();
  }

  @Override
  public EntityKind kind() {
    return EntityKind.PROFILE;
  }

  @Override
  public String key() {
    return id;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", id);
    o.put("image", image);
    if (cmdline != null) o.put("cmdline", cmdline);
    if (menuLabel != null) o.put("menuLabel", menuLabel);
    return o;
  }

  @Override
  public ProfileEvent toEvent(long revision, Instant updated) {
    return new ProfileEvent(id, image, cmdline, menuLabel, revision, updated);
  }

  /** @throws ValidationException when the event does not hold a valid profile */
  public static ProfileSpec fromEvent(ProfileEvent event) {
    if (event == null) throw ValidationException.of("", ErrorCode.REQUIRED, "the profile event is missing");
    return new ProfileSpec(event.id(), event.image(), event.cmdline(), event.menuLabel());
  }
}
