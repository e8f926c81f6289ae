package dev.pxebus.menu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.InstalledEvent;
import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.events.catalog.Artifact;
import dev.pxebus.events.catalog.GroupEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.events.catalog.ProfileEvent;
import dev.pxebus.events.install.InstallState;
import dev.pxebus.runtime.Settings;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import dev.pxebus.testing.TestConsumer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * menu-service against a real broker: menus follow the catalog on the topics, each render is a menu-rendered event
 * in the machine's boot attempt, boot once ends with the installed callback and is re-armed by a write of the host,
 * and a restart rebuilds the same menus. MACs and ids are unique per test.
 */
@ExtendWith(KafkaBrokerExtension.class)
class MenuAppTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String SHA = "ab".repeat(32);

  private final String p = "m" + UUID.randomUUID().toString().substring(0, 6);
  private final String mac = "52:54:00:" + p.substring(1, 3) + ":" + p.substring(3, 5) + ":01";
  private MenuApp app;

  @AfterEach
  void close() throws Exception {
    if (app != null) stop(app);
  }

  private static void stop(MenuApp a) throws Exception {
    a.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static MenuApp start(String bootstrap, Map<String, String> extra) throws Exception {
    Map<String, String> s = new HashMap<>(Map.of(
        "kafka.bootstrap", bootstrap,
        "admin.host", "127.0.0.1",
        "admin.port", "0",
        "http.host", "127.0.0.1",
        "http.port", "0",
        "instance.id", "menu-test-" + UUID.randomUUID().toString().substring(0, 8),
        "menu.data-dir", ""));
    s.putAll(extra);
    MenuApp a = MenuApp.start(MenuConfig.from(Settings.of(MenuConfig.keys(), s))).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    Await.until(DEADLINE, a.catalog()::isCaughtUp, "menu-service reads the catalog topics");
    return a;
  }

  record Got(int status, String body) {}

  private Got get(String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(app.menuUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Got(r.statusCode(), r.body());
  }

  private Got post(String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(app.menuUrl() + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    return new Got(r.statusCode(), r.body());
  }

  private void publish(PxebusEvent e) throws Exception {
    app.host().publisher().publishConfirmed(Envelope.of("/pxebus/catalog-service/test", e)).toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private void catalog(boolean bootOnce, Instant hostUpdated) throws Exception {
    publish(new ImageEvent(p + "-img", "Debian " + p, "12", "x86_64", new Artifact("vmlinuz", SHA, 100),
        List.of(new Artifact("initrd.gz", SHA, 200)), "console=ttyS0", Map.of(), 1, Instant.EPOCH));
    publish(new ProfileEvent(p + "-install", p + "-img", "auto=true", "Install " + p, 2, Instant.EPOCH));
    publish(new HostEvent(mac, "node-" + p, Map.of("rack", p), null, p + "-install", bootOnce, 3, hostUpdated));
  }

  private String pxelinux() {
    return "/pxelinux.cfg/01-" + mac.replace(':', '-');
  }

  private Optional<MenuRenderedEvent> rendered(KafkaEndpoint kafka, MenuSelection selectedBy) {
    List<ConsumerRecord<String, byte[]>> recs = TestConsumer.readUntil(kafka, Topics.BOOT_EVENTS.name(), DEADLINE,
        all -> all.stream().anyMatch(r -> matches(r, selectedBy)));
    return recs.stream().filter(r -> matches(r, selectedBy)).map(r -> (MenuRenderedEvent) decode(r).data())
        .reduce((a, b) -> b);
  }

  private boolean matches(ConsumerRecord<String, byte[]> r, MenuSelection selectedBy) {
    if (!mac.equals(r.key()) || r.value() == null) return false;
    Envelope<?> e = decode(r);
    return e != null && e.data() instanceof MenuRenderedEvent m && m.selectedBy() == selectedBy;
  }

  private static Envelope<?> decode(ConsumerRecord<String, byte[]> r) {
    try {
      return EventCodec.get().decode(r.value());
    } catch (dev.pxebus.events.EventDecodeException | RuntimeException e) {
      return null;
    }
  }

  @Test
  void aHostGetsItsProfileInEveryFormatAndEachRenderIsAnEvent(KafkaEndpoint kafka) throws Exception {
    app = start(kafka.bootstrapServers(), Map.of());
    catalog(false, Instant.parse("2026-01-01T00:00:00Z"));
    String attempt = UUID.randomUUID().toString();
    app.host().publisher().publish(new DhcpStepEvent(mac, BootStage.DHCP_ACK, 1, null, "10.0.0.9", "10.0.0.1",
        null, "PXEClient:Arch:00000:UNDI:002001", 0, null, null, "pxelinux.0", "10.0.0.1", null), attempt);
    Await.until(DEADLINE, () -> app.catalog().lastBootAttempt(mac).isPresent()
        && app.catalog().state().hosts().containsKey(mac), "the catalog and the DHCP step arrive");

    Got pxe = get(pxelinux());
    assertEquals(200, pxe.status(), pxe.body());
    assertTrue(pxe.body().contains("KERNEL images/" + p + "-img/vmlinuz"), pxe.body());
    assertTrue(pxe.body().contains("initrd=images/" + p + "-img/initrd.gz"), pxe.body());
    assertTrue(pxe.body().contains("console=ttyS0 auto=true"), pxe.body());
    assertTrue(pxe.body().contains("LOCALBOOT 0"), pxe.body());
    Got ipxe = get("/boot.ipxe?mac=" + mac.replace(':', '-') + "&arch=efi-x86_64");
    assertEquals(200, ipxe.status(), ipxe.body());
    assertTrue(ipxe.body().startsWith("#!ipxe"), ipxe.body());
    assertTrue(ipxe.body().contains("images/" + p + "-img/vmlinuz"), ipxe.body());
    Got grub = get("/grub/grub.cfg-01-" + mac.replace(':', '-'));
    assertEquals(200, grub.status(), grub.body());
    assertTrue(grub.body().contains("linux /images/" + p + "-img/vmlinuz"), grub.body());

    MenuRenderedEvent e = rendered(kafka, MenuSelection.HOST).orElseThrow();
    assertEquals(p + "-install", e.profile());
    assertTrue(List.of(MenuFormat.PXELINUX, MenuFormat.IPXE, MenuFormat.GRUB).contains(e.format()));
    assertTrue(e.bytes() > 0);
    // The render joins the machine's boot attempt, the one its DHCP exchange started.
    List<ConsumerRecord<String, byte[]>> recs = TestConsumer.readUntil(kafka, Topics.BOOT_EVENTS.name(), DEADLINE,
        all -> all.stream().anyMatch(r -> matches(r, MenuSelection.HOST)));
    assertTrue(recs.stream().filter(r -> matches(r, MenuSelection.HOST))
        .allMatch(r -> attempt.equals(decode(r).bootAttemptId())));
  }

  @Test
  void pxelinuxProbesThatAreNotMenusAreNotFoundAtOnce(KafkaEndpoint kafka) throws Exception {
    app = start(kafka.bootstrapServers(), Map.of());
    for (String probe : List.of("/pxelinux.cfg/8d3c2f1e-0b7a-4c55-9e21-3a4b5c6d7e8f", "/pxelinux.cfg/C0A8011F",
        "/pxelinux.cfg/C0", "/grub/grub.cfg-C0A8011F", "/menu.ipxe", "/images/x/vmlinuz")) {
      assertEquals(404, get(probe).status(), probe);
    }
    assertEquals(400, post("/installed?mac=nonsense").status());
  }

  @Test
  void iPxeAskingWithoutItsMacIsAskedAgainWithItAndThenGetsItsHostsMenu(KafkaEndpoint kafka) throws Exception {
    app = start(kafka.bootstrapServers(), Map.of());
    catalog(false, Instant.EPOCH);
    Await.until(DEADLINE, () -> app.catalog().state().hosts().containsKey(mac), "the host arrives");
    // What a DHCP boot file URL gives: no MAC. Not the "unknown machine" menu, but a chain with iPXE's identity.
    Got who = get("/boot.ipxe");
    assertEquals(200, who.status(), who.body());
    assertTrue(who.body().startsWith("#!ipxe\n"), who.body());
    assertTrue(who.body().contains("isset ${mac} || goto nomac\nchain --replace --autofree "
        + "boot.ipxe?mac=${mac:hexhyp}&arch=${platform}-${buildarch}&uuid=${uuid} || goto failed"), who.body());
    assertFalse(who.body().contains("unknown machine"), who.body());
    // The chained request as iPXE sends it: MAC in hyphen form, ${uuid} unset so empty.
    Got menu = get("/boot.ipxe?mac=" + mac.replace(':', '-') + "&arch=pcbios-x86_64&uuid=");
    assertEquals(200, menu.status(), menu.body());
    assertTrue(menu.body().contains("images/" + p + "-img/vmlinuz"), "the host's own profile:\n" + menu.body());
  }

  @Test
  void bootOnceInstallsUntilTheInstalledCallbackThenBootsLocallyUntilReArmed(KafkaEndpoint kafka) throws Exception {
    app = start(kafka.bootstrapServers(), Map.of());
    catalog(true, Instant.now().minusSeconds(60));
    Await.until(DEADLINE, () -> app.catalog().state().hosts().containsKey(mac), "the host arrives");
    assertTrue(get(pxelinux()).body().contains("KERNEL images/" + p + "-img/vmlinuz"), "the install entry");

    Got ok = post("/installed?mac=" + mac);
    assertEquals(200, ok.status(), ok.body());
    assertTrue(ok.body().contains("local disk"), ok.body());
    Got local = get(pxelinux());
    assertEquals(200, local.status());
    assertFalse(local.body().contains("vmlinuz"), "installed: no install entry any more\n" + local.body());
    assertTrue(local.body().contains("LOCALBOOT 0"), local.body());
    assertTrue(rendered(kafka, MenuSelection.LOCAL_BOOT).isPresent());
    List<ConsumerRecord<String, byte[]>> recs = TestConsumer.readUntil(kafka, Topics.BOOT_EVENTS.name(), DEADLINE,
        all -> all.stream().anyMatch(r -> mac.equals(r.key()) && decode(r) != null
            && decode(r).data() instanceof InstalledEvent));
    InstalledEvent installed = recs.stream().filter(r -> mac.equals(r.key()) && decode(r) != null
        && decode(r).data() instanceof InstalledEvent).map(r -> (InstalledEvent) decode(r).data()).findFirst()
        .orElseThrow();
    assertEquals(p + "-install", installed.profile());

    // Writing the host again (a new revision, later) re-arms boot once.
    publish(new HostEvent(mac, "node-" + p, Map.of("rack", p), null, p + "-install", true, 4, Instant.now().plusSeconds(1)));
    Await.until(DEADLINE, () -> {
      try {
        return get(pxelinux()).body().contains("vmlinuz");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, "the re-armed host gets its install entry again");
  }

  @Test
  void bootOnceStaysInstalledAfterARestartWhenTheBootEventsHaveExpired(KafkaEndpoint kafka) throws Exception {
    app = start(kafka.bootstrapServers(), Map.of());
    catalog(true, Instant.now().minusSeconds(60));
    Await.until(DEADLINE, () -> app.catalog().state().hosts().containsKey(mac), "the host arrives");
    Got ok = post("/installed/" + mac);
    assertEquals(200, ok.status(), "200: Kafka stored the report\n" + ok.body());
    List<ConsumerRecord<String, byte[]>> states = TestConsumer.readUntil(kafka, Topics.BOOT_INSTALLS.name(),
        DEADLINE, all -> all.stream().anyMatch(r -> mac.equals(r.key())));
    InstallState state = states.stream().filter(r -> mac.equals(r.key()))
        .map(r -> (InstallState) decode(r).data()).reduce((a, b) -> b).orElseThrow();
    assertEquals(p + "-install", state.profile());
    stop(app);
    app = null;

    // What the boot events' retention does to an old report: the log starts after it.
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, Topics.BOOT_EVENTS.partitions()).boxed()
          .collect(Collectors.toMap(i -> new TopicPartition(Topics.BOOT_EVENTS.name(), i), i -> OffsetSpec.latest()));
      Map<TopicPartition, RecordsToDelete> upTo = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
          .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
              e -> RecordsToDelete.beforeOffset(e.getValue().offset())));
      var deleted = admin.deleteRecords(upTo).lowWatermarks();
      for (var e : upTo.entrySet()) {
        assertEquals(e.getValue().beforeOffset(), deleted.get(e.getKey()).get(30, TimeUnit.SECONDS).lowWatermark(),
            "the boot events of " + e.getKey() + " (the InstalledEvent step among them) are gone");
      }
    }

    app = start(kafka.bootstrapServers(), Map.of());
    Got local = get(pxelinux());
    assertEquals(200, local.status(), local.body());
    assertFalse(local.body().contains("vmlinuz"), "no installer again after the restart\n" + local.body());
    assertTrue(local.body().contains("LOCALBOOT 0"), local.body());
  }

  @Test
  void menusAreRefusedUntilTheCatalogWasReadAndTheHealthSaysSo() throws Exception {
    // Kafka unreachable from the start: the catalog is never read, so no menu is planned from an empty one.
    app = MenuApp.start(MenuConfig.from(Settings.of(MenuConfig.keys(), Map.of(
        "kafka.bootstrap", "127.0.0.1:1", "admin.host", "127.0.0.1", "admin.port", "0",
        "http.host", "127.0.0.1", "http.port", "0", "instance.id", "menu-test-" + p, "menu.data-dir", ""))))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(app.menuUrl() + pxelinux())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(503, r.statusCode(), r.body());
    assertEquals("2", r.headers().firstValue("Retry-After").orElse(null));
    assertTrue(r.body().contains("still reading the catalog"), r.body());
    HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + app.host().adminPort() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    io.vertx.core.json.JsonObject h = new io.vertx.core.json.JsonObject(health.body());
    assertEquals("DEGRADED", h.getString("status"), health.body());
    assertEquals("DOWN", h.getJsonObject("checks").getJsonObject("catalog").getString("status"), health.body());
    assertEquals(false, h.getJsonObject("checks").getJsonObject("catalog").getBoolean("caughtUp"), health.body());
  }

  @Test
  void machinesWithoutAHostEntryGetTheirGroupOrTheDefaultMenu(KafkaEndpoint kafka) throws Exception {
    app = start(kafka.bootstrapServers(), Map.of());
    catalog(false, Instant.EPOCH);
    publish(new GroupEvent(p + "-uefi", "UEFI", p + "-install", Map.of("arch", "efi-x86_64", "label.rack", p + "x"),
        5, Instant.EPOCH));
    Await.until(DEADLINE, () -> app.catalog().state().groups().containsKey(p + "-uefi"), "the group arrives");
    String stranger = "52:54:00:" + p.substring(1, 3) + ":" + p.substring(3, 5) + ":99";
    Got menu = get("/boot.ipxe?mac=" + stranger + "&arch=00007");
    assertEquals(200, menu.status(), menu.body());
    assertTrue(menu.body().contains("Boot from local disk") || menu.body().contains("local"), menu.body());
  }

  @Test
  void aRestartRebuildsTheSameMenus(KafkaEndpoint kafka) throws Exception {
    app = start(kafka.bootstrapServers(), Map.of());
    catalog(false, Instant.parse("2026-01-01T00:00:00Z"));
    Await.until(DEADLINE, () -> app.catalog().state().hosts().containsKey(mac), "the host arrives");
    String before = get(pxelinux()).body();
    stop(app);
    app = start(kafka.bootstrapServers(), Map.of());
    assertTrue(app.catalog().state().hosts().containsKey(mac), "rebuilt from the topics before it reports caught up");
    assertEquals(before, get(pxelinux()).body());
  }
}
