package dev.pxebus.catalog.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of the REST API against a real catalog-service and broker: create, read, list with filters,
 * replace with If-Match, delete, for each kind; the cross-entity rules as HTTP statuses; concurrent writers.
 * Entity ids carry a per-run prefix: the broker (and so the catalog topics) is shared by the test JVM.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogApiTest {
  @TempDir
  static Path dir;
  private CatalogServer server;
  private final String p = "t" + UUID.randomUUID().toString().substring(0, 6);
  private JsonObject kernel;
  private JsonObject initrd;

  @BeforeAll
  void start(KafkaEndpoint kafka) {
    server = CatalogServer.start(kafka, dir.resolve("data"), Map.of());
    kernel = server.artifact("vmlinuz", ("kernel of " + p).getBytes(StandardCharsets.UTF_8));
    initrd = server.artifact("initrd.img", ("initrd of " + p).getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  private JsonObject image(String id) {
    return new JsonObject().put("id", id).put("arch", "amd64").put("kernel", kernel)
        .put("initrds", new JsonArray().add(initrd)).put("cmdline", "console=ttyS0").put("labels",
            new JsonObject().put("os", "debian").put("run", p));
  }

  private void assertProblem(CatalogServer.Response r, int status, String code) {
    assertEquals(status, r.status(), r::toString);
    assertTrue(r.header("Content-Type").startsWith("application/problem+json"), r::toString);
    assertEquals("urn:pxebus:problem:" + code, r.json().getString("type"), r::toString);
    assertEquals(status, r.json().getInteger("status"));
  }

  @Test
  void theContractIsServedWithoutAToken() {
    CatalogServer.Response r = server.sendAs(null, "GET", "/openapi.yaml", null);
    assertEquals(200, r.status());
    assertTrue(r.header("Content-Type").startsWith("application/yaml"));
    assertTrue(r.body().startsWith("openapi: 3.1.0"), r.body().substring(0, 40));
    for (String op : List.of("listImages", "createImage", "getImage", "putImage", "deleteImage", "getTimeline",
        "uploadBlob", "getBlob", "collectBlobs")) {
      assertTrue(r.body().contains("operationId: " + op), op);
    }
  }

  @Test
  void imagesCrudWithETags() {
    String id = p + "-img";
    CatalogServer.Response created = server.send("POST", "/images", image(id).encode());
    assertEquals(201, created.status(), created::toString);
    assertEquals("/images/" + id, created.header("Location"));
    String etag = created.etag();
    assertNotNull(etag);
    assertEquals("\"" + created.json().getLong("revision") + "\"", etag);
    assertEquals("x86_64", created.json().getString("arch"), "the alias is normalised");
    assertEquals(id, created.json().getString("name"), "the name defaults to the id");

    assertProblem(server.send("POST", "/images", image(id).encode()), 409, "conflict");

    CatalogServer.Response got = server.get("/images/" + id);
    assertEquals(200, got.status());
    assertEquals(etag, got.etag());
    assertEquals(created.json(), got.json());
    assertEquals(304, server.send("GET", "/images/" + id, null, "If-None-Match", etag).status());

    // GET → edit → PUT round-trips: the read-only fields are ignored.
    JsonObject edited = got.json().put("cmdline", "console=ttyS0 quiet");
    CatalogServer.Response replaced = server.send("PUT", "/images/" + id, edited.encode(), "If-Match", etag);
    assertEquals(200, replaced.status(), replaced::toString);
    assertNotEquals(etag, replaced.etag());
    assertEquals("console=ttyS0 quiet", replaced.json().getString("cmdline"));

    CatalogServer.Response stale = server.send("PUT", "/images/" + id, edited.put("cmdline", "x").encode(),
        "If-Match", etag);
    assertProblem(stale, 412, "precondition-failed");
    assertTrue(stale.json().getString("detail").contains(replaced.etag()), stale::toString);

    CatalogServer.Response same = server.send("PUT", "/images/" + id, replaced.json().encode());
    assertEquals(200, same.status());
    assertEquals(replaced.etag(), same.etag(), "a PUT of what is stored writes nothing");

    assertProblem(server.send("DELETE", "/images/" + id, null, "If-Match", etag), 412, "precondition-failed");
    assertEquals(204, server.send("DELETE", "/images/" + id, null, "If-Match", replaced.etag()).status());
    assertProblem(server.get("/images/" + id), 404, "not-found");
    assertProblem(server.send("DELETE", "/images/" + id, null), 404, "not-found");
    assertProblem(server.send("PUT", "/images/" + id, image(id).encode(), "If-Match", replaced.etag()), 412,
        "precondition-failed");
    CatalogServer.Response recreated = server.send("PUT", "/images/" + id, image(id).encode(), "If-None-Match", "*");
    assertEquals(201, recreated.status(), recreated::toString);
    assertTrue(recreated.json().getLong("revision") > replaced.json().getLong("revision"),
        "a re-created entity never shows an old revision");
    assertProblem(server.send("PUT", "/images/" + id, image(id).encode(), "If-None-Match", "*"), 412,
        "precondition-failed");
  }

  @Test
  void listsFilterAndPage() {
    for (int i = 0; i < 5; i++) {
      JsonObject img = image(p + "-list-" + i).put("labels", new JsonObject().put("run", p + "-list").put("os", "debian"));
      if (i % 2 == 1) img.put("arch", "arm64");
      assertEquals(201, server.send("POST", "/images", img.encode()).status());
    }
    JsonObject all = server.get("/images?label=run=" + p + "-list").json();
    assertEquals(5, all.getInteger("total"));
    JsonObject arm = server.get("/images?arch=aarch64&label=run=" + p + "-list").json();
    assertEquals(2, arm.getInteger("count"));
    assertEquals(List.of(p + "-list-1", p + "-list-3"), ids(arm));
    JsonObject page1 = server.get("/images?limit=2&label=run=" + p + "-list").json();
    assertEquals(List.of(p + "-list-0", p + "-list-1"), ids(page1));
    assertEquals(p + "-list-1", page1.getString("next"));
    JsonObject page3 = server.get("/images?limit=2&after=" + p + "-list-3&label=run=" + p + "-list").json();
    assertEquals(List.of(p + "-list-4"), ids(page3));
    assertNull(page3.getValue("next"));
    assertEquals(0, server.get("/images?label=run=" + p + "-list" + "&label=os=windows").json().getInteger("total"));
    assertProblem(server.get("/images?arch=sparc"), 400, "invalid");
  }

  private static List<String> ids(JsonObject page) {
    List<String> out = new ArrayList<>();
    page.getJsonArray("items").forEach(o -> out.add(((JsonObject) o).getString("id")));
    return out;
  }

  @Test
  void profilesHostsAndGroupsFollowTheRules() {
    String img = p + "-base";
    assertEquals(201, server.send("POST", "/images", image(img).encode()).status());
    CatalogServer.Response noImage = server.send("POST", "/profiles",
        new JsonObject().put("id", p + "-orphan").put("image", p + "-nope").encode());
    assertProblem(noImage, 422, "unprocessable");
    assertEquals("unknown-image", noImage.json().getJsonArray("errors").getJsonObject(0).getString("code"));

    String prof = p + "-install";
    CatalogServer.Response profile = server.send("POST", "/profiles", new JsonObject().put("id", prof)
        .put("image", img).put("cmdline", "auto=true").put("menuLabel", "Install").encode());
    assertEquals(201, profile.status(), profile::toString);
    assertEquals(List.of(prof), ids(server.get("/profiles?image=" + img).json()));

    String mac = "52-54-00-" + p.substring(1, 3) + "-" + p.substring(3, 5) + "-01";
    String canonical = mac.replace('-', ':');
    CatalogServer.Response host = server.send("POST", "/hosts", new JsonObject().put("mac", mac)
        .put("hostname", "Node-1").put("profile", prof).put("bootOnce", true)
        .put("labels", new JsonObject().put("rack", p)).encode());
    assertEquals(201, host.status(), host::toString);
    assertEquals("/hosts/" + canonical, host.header("Location"));
    assertEquals("node-1", host.json().getString("hostname"));
    CatalogServer.Response byAnySpelling = server.get("/hosts/" + mac.replace("-", "").toUpperCase());
    assertEquals(200, byAnySpelling.status(), byAnySpelling::toString);
    assertEquals(canonical, byAnySpelling.json().getString("mac"));
    assertTrue(byAnySpelling.json().containsKey("status"));
    assertEquals(1, server.get("/hosts?bootOnce=true&label=rack=" + p).json().getInteger("total"));
    assertEquals(0, server.get("/hosts?bootOnce=false&label=rack=" + p).json().getInteger("total"));
    assertEquals(1, server.get("/hosts?profile=" + prof).json().getInteger("total"));

    String group = p + "-workers";
    CatalogServer.Response g = server.send("POST", "/groups", new JsonObject().put("id", group).put("profile", prof)
        .put("selector", new JsonObject().put("arch", "efi-x86_64").put("label.rack", p)).encode());
    assertEquals(201, g.status(), g::toString);
    CatalogServer.Response twin = server.send("POST", "/groups", new JsonObject().put("id", group + "-2")
        .put("profile", prof).put("selector", new JsonObject().put("label.rack", p).put("arch", "7")).encode());
    assertProblem(twin, 409, "conflict");
    assertEquals("duplicate", twin.json().getJsonArray("errors").getJsonObject(0).getString("code"));

    CatalogServer.Response inUse = server.send("DELETE", "/profiles/" + prof, null);
    assertProblem(inUse, 409, "conflict");
    assertEquals(2, inUse.json().getJsonArray("errors").size(), inUse::toString);
    assertProblem(server.send("DELETE", "/images/" + img, null), 409, "conflict");

    assertEquals(204, server.send("DELETE", "/groups/" + group, null).status());
    assertEquals(204, server.send("DELETE", "/hosts/" + mac, null).status());
    assertEquals(204, server.send("DELETE", "/profiles/" + prof, null).status());
    assertEquals(204, server.send("DELETE", "/images/" + img, null).status());
  }

  @Test
  void anImageNeedsItsBlobsStoredWithTheirSizes() {
    JsonObject missing = image(p + "-noblob").put("kernel", new JsonObject().put("name", "vmlinuz")
        .put("sha256", "ab".repeat(32)).put("size", 10));
    CatalogServer.Response r = server.send("POST", "/images", missing.encode());
    assertProblem(r, 422, "unprocessable");
    JsonObject e = r.json().getJsonArray("errors").getJsonObject(0);
    assertEquals("kernel.sha256", e.getString("field"));
    assertEquals("unknown-blob", e.getString("code"));
    JsonObject wrongSize = image(p + "-badsize").put("kernel", kernel.copy().put("size", 999_999));
    CatalogServer.Response s = server.send("POST", "/images", wrongSize.encode());
    assertProblem(s, 422, "unprocessable");
    assertEquals("kernel.size", s.json().getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  @Test
  void concurrentUpdatesWithIfMatchNeverOverwriteSilently() throws Exception {
    String id = p + "-race";
    String etag = server.send("POST", "/images", image(id).encode()).etag();
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<CatalogServer.Response>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String cmdline = "writer=" + i;
        Callable<CatalogServer.Response> c = () -> server.send("PUT", "/images/" + id,
            image(id).put("cmdline", cmdline).encode(), "If-Match", etag);
        results.add(pool.submit(c));
      }
      int ok = 0;
      int refused = 0;
      String winner = null;
      for (Future<CatalogServer.Response> f : results) {
        CatalogServer.Response r = f.get();
        if (r.status() == 200) {
          ok++;
          winner = r.json().getString("cmdline");
        } else {
          assertProblem(r, 412, "precondition-failed");
          refused++;
        }
      }
      assertEquals(1, ok, "exactly one writer wins");
      assertEquals(writers - 1, refused);
      assertEquals(winner, server.get("/images/" + id).json().getString("cmdline"), "and its write is the one kept");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void blobsAreListedAndUnreferencedOnesCollected() {
    byte[] loose = ("nobody uses " + p).getBytes(StandardCharsets.UTF_8);
    String sha = server.artifact("loose", loose).getString("sha256");
    JsonArray items = server.get("/blobs").json().getJsonArray("items");
    boolean listed = false;
    for (Object o : items) {
      JsonObject b = (JsonObject) o;
      if (b.getString("sha256").equals(sha)) {
        listed = true;
        assertFalse(b.getBoolean("referenced"));
      }
    }
    assertTrue(listed);
    // The grace period (default 1h) keeps a blob just uploaded: an image may be about to reference it.
    assertEquals(200, server.send("POST", "/blobs/collect", null).status());
    assertEquals(200, server.get("/blobs/" + sha).status());
  }

  @Test
  void aHostShowsWhatItsBootEventsSay() {
    String mac = "52:54:00:" + p.substring(1, 3) + ":" + p.substring(3, 5) + ":42";
    assertEquals(201, server.send("POST", "/hosts", new JsonObject().put("mac", mac).encode()).status());
    assertNull(server.get("/hosts/" + mac).json().getValue("status"), "never seen booting");
    String attempt = UUID.randomUUID().toString();
    for (var stage : List.of(dev.pxebus.events.boot.BootStage.DHCP_DISCOVER, dev.pxebus.events.boot.BootStage.DHCP_ACK)) {
      server.app.host().publisher().publish(new dev.pxebus.events.boot.DhcpStepEvent(mac, stage, 0x1234, null,
          null, "10.0.0.1", null, "PXEClient:Arch:00000:UNDI:002001", 0, null, null, null, null, null), attempt);
    }
    dev.pxebus.testing.Await.until(java.time.Duration.ofSeconds(30), () -> {
      JsonObject st = server.get("/hosts/" + mac).json().getJsonObject("status");
      return st != null && "DHCP_ACK".equals(st.getString("lastStage"));
    }, "the host's status shows the ACK");
    JsonObject status = server.get("/hosts/" + mac).json().getJsonObject("status");
    assertEquals(attempt, status.getString("lastBootAttempt"));
    JsonObject timeline = server.get("/hosts/" + mac + "/timeline").json();
    JsonObject first = timeline.getJsonArray("attempts").getJsonObject(0);
    assertEquals(attempt, first.getString("bootAttemptId"));
    assertEquals(List.of("DHCP_DISCOVER", "DHCP_ACK"), first.getJsonArray("steps").stream()
        .map(o -> ((JsonObject) o).getString("stage")).toList());
    String unknown = "52:54:00:" + p.substring(1, 3) + ":" + p.substring(3, 5) + ":43";
    server.app.host().publisher().publish(new dev.pxebus.events.boot.DhcpStepEvent(unknown,
        dev.pxebus.events.boot.BootStage.DHCP_DISCOVER, 1, null, null, "10.0.0.1", null, null, null, null, null, null,
        null, null), UUID.randomUUID().toString());
    dev.pxebus.testing.Await.until(java.time.Duration.ofSeconds(30),
        () -> server.get("/hosts/" + unknown + "/timeline").json().getJsonArray("attempts").size() == 1,
        "a machine not in the catalog has a timeline too");
    CatalogServer.Response notHost = server.get("/hosts/" + unknown);
    assertProblem(notHost, 404, "not-found");
    assertTrue(notHost.json().getString("detail").contains("last seen"), notHost::toString);
  }

  @Test
  void bootOnceHostStatusAndTimelineOfAnUnknownMachine() {
    CatalogServer.Response t = server.get("/hosts/02:00:00:00:00:99/timeline");
    assertEquals(200, t.status(), t::toString);
    assertEquals("02:00:00:00:00:99", t.json().getString("mac"));
    assertEquals(0, t.json().getJsonArray("attempts").size());
    assertProblem(server.get("/hosts/not-a-mac/timeline"), 400, "invalid");
  }
}
