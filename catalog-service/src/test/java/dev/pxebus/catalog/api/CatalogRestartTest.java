package dev.pxebus.catalog.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.catalog.spec.EntityKind;
import dev.pxebus.catalog.store.Entry;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The compacted topics are the system of record: a restart gives back the same catalog; a second instance reads it. */
@ExtendWith(KafkaBrokerExtension.class)
class CatalogRestartTest {
  private final String p = "r" + UUID.randomUUID().toString().substring(0, 6);

  private static Map<EntityKind, List<Entry>> everything(CatalogServer s) {
    Map<EntityKind, List<Entry>> m = new EnumMap<>(EntityKind.class);
    for (EntityKind k : EntityKind.values()) m.put(k, s.app.store().snapshot().list(k));
    return m;
  }

  private void populate(CatalogServer s) {
    JsonObject kernel = s.artifact("vmlinuz", ("k " + p).getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 3; i++) {
      assertEquals(201, s.send("POST", "/images", new JsonObject().put("id", p + "-img-" + i).put("arch", "x86_64")
          .put("kernel", kernel).encode()).status());
    }
    assertEquals(201, s.send("POST", "/profiles", new JsonObject().put("id", p + "-prof").put("image", p + "-img-0")
        .encode()).status());
    String etag = s.get("/profiles/" + p + "-prof").etag();
    assertEquals(200, s.send("PUT", "/profiles/" + p + "-prof", new JsonObject().put("id", p + "-prof")
        .put("image", p + "-img-1").put("menuLabel", "v2").encode(), "If-Match", etag).status());
    assertEquals(204, s.send("DELETE", "/images/" + p + "-img-2", null).status());
    assertEquals(201, s.send("POST", "/hosts", new JsonObject().put("mac", "52:54:00:" + p.substring(1, 3) + ":"
        + p.substring(3, 5) + ":77").put("profile", p + "-prof").encode()).status());
    assertEquals(201, s.send("POST", "/groups", new JsonObject().put("id", p + "-grp").put("profile", p + "-prof")
        .put("selector", new JsonObject().put("label.restart", p)).encode()).status());
  }

  @Test
  void aRestartGivesBackTheSameCatalog(KafkaEndpoint kafka, @TempDir Path dir) {
    Map<EntityKind, List<Entry>> before;
    long revision;
    try (CatalogServer s = CatalogServer.start(kafka, dir, Map.of())) {
      populate(s);
      before = everything(s);
      revision = s.app.store().snapshot().revision();
    }
    try (CatalogServer s = CatalogServer.start(kafka, dir, Map.of())) {
      assertEquals(before, everything(s), "the same entities, revisions and times");
      assertTrue(s.app.store().snapshot().revision() >= revision - 1, "revisions continue where they were");
      assertEquals(404, s.get("/images/" + p + "-img-2").status(), "a delete stays deleted");
      assertEquals("v2", s.get("/profiles/" + p + "-prof").json().getString("menuLabel"));
      CatalogServer.Response next = s.send("POST", "/images", new JsonObject().put("id", p + "-img-9")
          .put("arch", "x86_64").put("kernel", s.get("/images/" + p + "-img-0").json().getJsonObject("kernel"))
          .encode());
      assertEquals(201, next.status(), next::toString);
      assertTrue(next.json().getLong("revision") > revision, "a new write never reuses a revision");
    }
  }

  @Test
  void aSecondInstanceServesReadsFromTheTopicsAndRefusesWrites(KafkaEndpoint kafka, @TempDir Path dir) {
    try (CatalogServer writer = CatalogServer.start(kafka, dir.resolve("w"), Map.of());
        CatalogServer reader = CatalogServer.start(kafka, dir.resolve("r"), Map.of("catalog.read-only", "true"))) {
      populate(writer);
      Await.until(Duration.ofSeconds(30), () -> everything(reader).equals(everything(writer)),
          () -> "the reader catches up with the writer");
      assertEquals(writer.get("/profiles/" + p + "-prof").json(), reader.get("/profiles/" + p + "-prof").json());
      assertEquals(writer.get("/profiles/" + p + "-prof").etag(), reader.get("/profiles/" + p + "-prof").etag());
      CatalogServer.Response refused = reader.send("DELETE", "/groups/" + p + "-grp", null);
      assertEquals(403, refused.status(), refused::toString);
      assertEquals("urn:pxebus:problem:read-only", refused.json().getString("type"));
      assertEquals(204, writer.send("DELETE", "/groups/" + p + "-grp", null).status());
      Await.until(Duration.ofSeconds(30), () -> reader.get("/groups/" + p + "-grp").status() == 404,
          "the reader sees the delete");
    }
  }
}
