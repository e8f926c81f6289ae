package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The four kinds of catalog entity: where they live in the API, their key, and their list columns. */
public enum Kind {
  IMAGE("image", "/images", "id", List.of(
      Render.column("ID", d -> d.path("id").asText()),
      Render.column("ARCH", d -> d.path("arch").asText()),
      Render.column("VERSION", d -> d.path("version").asText()),
      Render.column("KERNEL", d -> d.path("kernel").path("name").asText()),
      Render.column("INITRDS", d -> names(d.path("initrds"))),
      Render.column("LABELS", d -> pairs(d.path("labels"))),
      Render.column("NAME", d -> d.path("name").asText()))),
  PROFILE("profile", "/profiles", "id", List.of(
      Render.column("ID", d -> d.path("id").asText()),
      Render.column("IMAGE", d -> d.path("image").asText()),
      Render.column("MENU LABEL", d -> d.path("menuLabel").asText()),
      Render.column("CMDLINE", d -> d.path("cmdline").asText()))),
  HOST("host", "/hosts", "mac", List.of(
      Render.column("MAC", d -> d.path("mac").asText()),
      Render.column("HOSTNAME", d -> d.path("hostname").asText()),
      Render.column("PROFILE", d -> d.path("profile").asText()),
      Render.column("RESERVED IP", d -> d.path("reservedIp").asText()),
      Render.column("BOOT ONCE", d -> d.path("bootOnce").asBoolean(false) ? "yes" : ""),
      Render.column("LABELS", d -> pairs(d.path("labels"))))),
  GROUP("group", "/groups", "id", List.of(
      Render.column("ID", d -> d.path("id").asText()),
      Render.column("PROFILE", d -> d.path("profile").asText()),
      Render.column("SELECTOR", d -> d.path("selector").isEmpty() ? "(default)" : pairs(d.path("selector"))),
      Render.column("NAME", d -> d.path("name").asText())));

  private final String singular;
  private final String path;
  private final String key;
  private final List<Render.Column> columns;

  Kind(String singular, String path, String key, List<Render.Column> columns) {
    this.singular = singular;
    this.path = path;
    this.key = key;
    this.columns = columns;
  }

  /** {@code image}, {@code host}, …: for messages. */
  public String singular() {
    return singular;
  }

  public String plural() {
    return path.substring(1);
  }

  /** The collection, e.g. {@code /images}. */
  public String path() {
    return path;
  }

  /** The entity, e.g. {@code /images/debian-12}. */
  public String path(String key) {
    return path + "/" + CatalogClient.segment(key);
  }

  /** The key field of the document: {@code id}, or {@code mac} for hosts. */
  public String keyField() {
    return key;
  }

  public List<Render.Column> columns() {
    return columns;
  }

  /** Read-only fields of responses, dropped from a document before it is sent back. */
  static final List<String> READ_ONLY = List.of("revision", "updated", "status");

  private static String names(JsonNode artifacts) {
    List<String> n = new ArrayList<>();
    artifacts.forEach(a -> n.add(a.path("name").asText()));
    return String.join(",", n);
  }

  private static String pairs(JsonNode object) {
    List<String> n = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : iterable(object)) n.add(e.getKey() + "=" + e.getValue().asText());
    return String.join(",", n);
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
    return object::fields;
  }
}
