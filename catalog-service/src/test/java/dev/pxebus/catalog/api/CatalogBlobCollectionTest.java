package dev.pxebus.catalog.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Blobs no image references are collected (here with a grace period of 1 ms); referenced ones never. */
@ExtendWith(KafkaBrokerExtension.class)
class CatalogBlobCollectionTest {
  @Test
  void unreferencedBlobsAreCollectedReferencedOnesKept(KafkaEndpoint kafka, @TempDir Path dir) {
    String p = "c" + UUID.randomUUID().toString().substring(0, 6);
    try (CatalogServer s = CatalogServer.start(kafka, dir, Map.of("catalog.collect-grace", "1ms"))) {
      JsonObject kernel = s.artifact("vmlinuz", ("kept " + p).getBytes(StandardCharsets.UTF_8));
      String loose = s.artifact("loose", ("loose " + p).getBytes(StandardCharsets.UTF_8)).getString("sha256");
      assertEquals(201, s.send("POST", "/images", new JsonObject().put("id", p).put("arch", "x86_64")
          .put("kernel", kernel).encode()).status());
      JsonObject collected = s.send("POST", "/blobs/collect", null).json();
      assertEquals(1, collected.getInteger("blobs"), collected::encode);
      assertEquals(404, s.get("/blobs/" + loose).status(), "the unreferenced blob is gone");
      assertEquals(200, s.get("/blobs/" + kernel.getString("sha256")).status(), "the image's kernel is kept");
      assertEquals(204, s.send("DELETE", "/images/" + p, null).status());
      assertEquals(1, s.send("POST", "/blobs/collect", null).json().getInteger("blobs"));
      assertEquals(404, s.get("/blobs/" + kernel.getString("sha256")).status(), "no image uses it any more");
    }
  }
}
