package dev.pxebus.menu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.pxebus.catalog.spec.GroupSpec;
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
import dev.pxebus.menu.http.MenuRoutes;
import dev.pxebus.menu.render.MenuRenderException;
import dev.pxebus.runtime.LogContext;
import dev.pxebus.runtime.Settings;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import dev.pxebus.testing.LogCapture;
import dev.pxebus.testing.TestConsumer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * menu-service's endpoints over HTTP against a real broker, beyond {@link MenuAppTest}: a broken operator template
 * (500 with the reason, logged, no event), the exact menu-rendered event of each selection rule in each format, the
 * {@code default} names of pxelinux and GRUB with and without a MAC hint, and every form of the {@code /installed}
 * callback. Each test starts its own app, waits until it has read the catalog to its end (menus before that are not
 * the catalog's), and uses MACs and ids unique to it; the one catalog-wide thing a test writes, a default group, is
 * deleted again after it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class MenuEndpointsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String SHA = "ab".repeat(32);
  private static final String TEXT_PLAIN = "text/plain; charset=utf-8";
  private static final String UNKNOWN_MAC = "00:00:00:00:00:00";
  /** Golden menus of this test: {@code {p}} stands for the test's id prefix, {@code {mac}} for its host's MAC. */
  private static final Path GOLDEN = Path.of("src/test/resources/golden/endpoints");

  private final String p = "m" + UUID.randomUUID().toString().substring(0, 6);
  private final String mac = "52:54:00:" + p.substring(1, 3) + ":" + p.substring(3, 5) + ":01";
  /** A machine without a host entry. */
  private final String stranger = "52:54:00:" + p.substring(1, 3) + ":" + p.substring(3, 5) + ":02";
  private final String uuid = UUID.randomUUID().toString();
  private final List<String> groupsToDelete = new ArrayList<>();
  private MenuApp app;

  @AfterEach
  void close() throws Exception {
    if (app == null) return;
    try {
      for (String id : groupsToDelete) {
        app.host().publisher().tombstoneConfirmed(Topics.CATALOG_GROUPS, id).toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
      }
      Await.until(DEADLINE, () -> groupsToDelete.stream().noneMatch(app.catalog().state().groups()::containsKey),
          () -> "the groups " + groupsToDelete + " are deleted");
    } finally {
      app.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------------------------------------- G3: broken template

  /** A menu template that parses (so the start succeeds) but fails when it renders. */
  record BrokenTemplate(MenuFormat format, String text, int line, String names, MenuFormat good) {}

  static Stream<Arguments> brokenTemplates() {
    return Stream.of(
        Arguments.of(named("iPXE template with a misspelt variable", new BrokenTemplate(MenuFormat.IPXE,
            "#!ipxe\n# lab menu\nchoose --timeout {{ timeoutTenth }} target\n", 3, "timeoutTenth",
            MenuFormat.PXELINUX))),
        Arguments.of(named("GRUB template reading past the last entry", new BrokenTemplate(MenuFormat.GRUB,
            "set timeout={{ timeoutSeconds }}\nset default={{ entries[1].id }}\n", 2, "Index out of bounds",
            MenuFormat.PXELINUX))),
        Arguments.of(named("pxelinux template dividing by zero", new BrokenTemplate(MenuFormat.PXELINUX,
            "DEFAULT menu.c32\nPROMPT 0\nTIMEOUT {{ timeoutTenths / 0 }}\n", 3,
            "Could not perform division (/ by zero)",
            MenuFormat.IPXE))));
  }

  @ParameterizedTest
  @MethodSource("brokenTemplates")
  void aTemplateThatFailsToRenderIs500WithTheReasonLoggedAndNoMenuRenderedEvent(BrokenTemplate broken,
      @TempDir Path dir, KafkaEndpoint kafka) throws Exception {
    Path file = dir.resolve(templateName(broken.format()));
    Files.writeString(file, broken.text(), StandardCharsets.UTF_8);
    start(kafka, Map.of(MenuConfig.TEMPLATE_DIR, dir.toString()));
    hostCatalog(false, Instant.EPOCH);
    String attempt = dhcp(mac);

    Http.Response failed;
    List<ILoggingEvent> logged;
    try (LogCapture log = LogCapture.of(MenuRoutes.class)) {
      failed = get(byName(broken.format(), mac));
      logged = log.events().stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    }

    String prefix = "menu-service could not render this menu: operator template " + file.toAbsolutePath()
        + " failed at line " + broken.line() + ": ";
    assertEquals(500, failed.status(), failed.body());
    assertEquals(TEXT_PLAIN, failed.contentType());
    assertTrue(failed.body().startsWith(prefix), failed.body());
    assertTrue(failed.body().endsWith("\n") && failed.body().indexOf('\n') == failed.body().length() - 1,
        "one line of reason, no menu after it:\n" + failed.body());
    String reason = failed.body().substring("menu-service could not render this menu: ".length()).strip();
    assertTrue(reason.contains(broken.names()), "the reason names what failed: " + reason);

    // Logged at ERROR, once, with the format, the machine (also in the MDC) and the same reason as the body.
    assertEquals(1, logged.size(), () -> "one ERROR from MenuRoutes, have " + messages(logged));
    ILoggingEvent error = logged.get(0);
    assertTrue(error.getFormattedMessage().startsWith("cannot render the " + broken.format() + " menu for " + mac
        + " (host " + mac + ": own profile " + p + "-install): "), error.getFormattedMessage());
    assertTrue(error.getFormattedMessage().endsWith(": " + reason), error.getFormattedMessage());
    assertEquals(mac, error.getMDCPropertyMap().get(LogContext.MAC));

    // The same machine's menu in a format whose template is fine: 200 and an event. Both requests publish (if at
    // all) through one producer to the partition of the one key, in request order: once the good render's event is
    // on the topic, an event of the failed one would be there too.
    Http.Response good = get(byName(broken.good(), mac));
    assertEquals(200, good.status(), good.body());
    List<Envelope<MenuRenderedEvent>> menus = menuEvents(kafka, mac,
        all -> all.stream().anyMatch(e -> e.data().format() == broken.good()));
    assertEquals(List.of(), menus.stream().filter(e -> e.data().format() == broken.format()).toList(),
        "no menu-rendered event for the request that failed");
    assertEquals(List.of(new MenuRenderedEvent(mac, BootStage.MENU_RENDERED, broken.good(), path(byName(broken.good(),
        mac)), MenuSelection.HOST, p + "-install", null, null, null, bytes(good))), data(menus));
    assertEquals(attempt, menus.get(0).bootAttemptId());
  }

  @Test
  void anOperatorTemplateThatDoesNotParseStopsTheStartNamingTheFileAndLine(@TempDir Path dir, KafkaEndpoint kafka)
      throws IOException {
    Path file = dir.resolve("pxelinux.cfg.peb");
    Files.writeString(file, "DEFAULT menu.c32\n{% for e in entries %}\nLABEL {{ e.id }}\n", StandardCharsets.UTF_8);

    ExecutionException e = assertThrows(ExecutionException.class, () -> MenuApp.start(config(kafka,
        Map.of(MenuConfig.TEMPLATE_DIR, dir.toString()))).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS));
    assertInstanceOf(MenuRenderException.class, e.getCause());
    assertTrue(e.getCause().getMessage().startsWith("operator template " + file.toAbsolutePath()
        + " does not parse at line "), e.getCause().getMessage());
  }

  // ------------------------------------------------------------------------------------ G4: the events of each rule

  /** How each bootloader asks for a MAC's menu, with the hints tftp-service adds (iPXE: its own). */
  record Ask(MenuFormat format, String path, String arch) {
    String uri(String mac, String uuid) {
      String dashed = mac.replace(':', '-');
      return switch (format) {
        case IPXE -> path + "?mac=" + dashed + "&arch=" + arch + "&uuid=" + uuid;
        case PXELINUX, GRUB -> path + dashed + "?mac=" + mac + "&arch=" + arch + "&uuid=" + uuid;
      };
    }

    String eventPath(String mac) {
      return format == MenuFormat.IPXE ? path : path + mac.replace(':', '-');
    }
  }

  private static final List<Ask> EVERY_FORMAT = List.of(
      new Ask(MenuFormat.IPXE, "/boot.ipxe", "efi-x86_64"),
      new Ask(MenuFormat.PXELINUX, "/pxelinux.cfg/01-", "00000"),
      new Ask(MenuFormat.GRUB, "/grub/grub.cfg-01-", "00007"));

  @Test
  void aHostWithoutAProfileChosenByItsGroupRendersGroupEventsInEveryFormat(KafkaEndpoint kafka) throws Exception {
    start(kafka, Map.of());
    imageAndProfile();
    publish(new HostEvent(mac, "node-" + p, Map.of("rack", p), null, null, false, 3, Instant.EPOCH));
    publish(new GroupEvent(p + "-rack", "Rack " + p, p + "-install", Map.of("label.rack", p), 4, Instant.EPOCH));
    Await.until(DEADLINE, () -> app.catalog().state().hosts().containsKey(mac)
        && app.catalog().state().groups().containsKey(p + "-rack"), "the host and its group arrive");
    String attempt = dhcp(mac);

    assertEveryFormatRenders(kafka, mac, attempt, MenuSelection.GROUP, p + "-install", p + "-rack");
  }

  @Test
  void aMachineNoGroupMatchesGetsTheDefaultGroupInEveryFormat(KafkaEndpoint kafka) throws Exception {
    start(kafka, Map.of());
    assertNoDefaultGroup();
    imageAndProfile();
    groupsToDelete.add(p + "-default");
    publish(new GroupEvent(p + "-default", "Everyone else", p + "-install", Map.of(), 4, Instant.EPOCH));
    Await.until(DEADLINE, () -> app.catalog().state().groups().containsKey(p + "-default"), "the default group");
    String attempt = dhcp(stranger);

    assertEveryFormatRenders(kafka, stranger, attempt, MenuSelection.DEFAULT_GROUP, p + "-install", p + "-default");
  }

  @Test
  void aMachineWithNeitherGroupNorDefaultGroupGetsTheDefaultMenuInEveryFormat(KafkaEndpoint kafka) throws Exception {
    start(kafka, Map.of());
    assertNoDefaultGroup();
    imageAndProfile();
    Await.until(DEADLINE, () -> app.catalog().state().profiles().containsKey(p + "-install"), "the profile");
    String attempt = dhcp(stranger);

    assertEveryFormatRenders(kafka, stranger, attempt, MenuSelection.DEFAULT_MENU, null, null);
  }

  /** Asks in every format; each answer is a menu with the image, and each is one exact event in the attempt. */
  private void assertEveryFormatRenders(KafkaEndpoint kafka, String machine, String attempt, MenuSelection by,
      String profile, String group) throws Exception {
    List<MenuRenderedEvent> want = new ArrayList<>();
    for (Ask ask : EVERY_FORMAT) {
      Http.Response menu = get(ask.uri(machine, uuid));
      assertEquals(200, menu.status(), menu.body());
      assertEquals(TEXT_PLAIN, menu.contentType());
      assertTrue(menu.body().contains("images/" + p + "-img/vmlinuz"), ask.format() + ":\n" + menu.body());
      want.add(new MenuRenderedEvent(machine, BootStage.MENU_RENDERED, ask.format(), ask.eventPath(machine), by,
          profile, group, ask.arch(), uuid, bytes(menu)));
    }
    List<Envelope<MenuRenderedEvent>> seen = menuEvents(kafka, machine, all -> all.size() >= EVERY_FORMAT.size());
    assertEquals(want, data(seen));
    for (Envelope<MenuRenderedEvent> e : seen) {
      assertEquals(attempt, e.bootAttemptId(), e.data().format() + " joins the DHCP exchange's boot attempt");
      assertEquals(machine, e.subject());
    }
  }

  // ---------------------------------------------------------------------------------- G5: the "default" menu names

  /** The two bootloaders that ask for a name without the MAC in it. */
  private static String defaultName(MenuFormat format) {
    return switch (format) {
      case PXELINUX -> "/pxelinux.cfg/default";
      case GRUB -> "/grub/grub.cfg";
      case IPXE -> throw new IllegalArgumentException("iPXE has no default name");
    };
  }

  @ParameterizedTest
  @EnumSource(value = MenuFormat.class, names = {"PXELINUX", "GRUB"})
  void theDefaultNameWithoutAMacIsTheUnknownMachinesMenuOfEveryImage(MenuFormat format, KafkaEndpoint kafka)
      throws Exception {
    start(kafka, Map.of());
    assertNoDefaultGroup();
    imageAndProfile();
    Await.until(DEADLINE, () -> app.catalog().state().images().containsKey(p + "-img"), "the image");
    int images = app.catalog().state().images().size();

    Http.Response bare = get(defaultName(format));
    assertEquals(200, bare.status(), bare.body());
    assertEquals(TEXT_PLAIN, bare.contentType());
    String comment = "# no group matched an unknown MAC: default menu of " + images + " images\n";
    if (format == MenuFormat.PXELINUX) {
      assertTrue(bare.body().startsWith(comment + "DEFAULT menu.c32\nPROMPT 0\nTIMEOUT 100\n"
          + "MENU TITLE pxebus: unknown machine\n"), bare.body());
      assertTrue(bare.body().contains("\n\nLABEL " + p + "-img\n  MENU LABEL Debian " + p + " 12\n"
          + "  KERNEL images/" + p + "-img/vmlinuz\n  APPEND initrd=images/" + p + "-img/initrd.gz console=ttyS0\n"),
          "an entry for the image, not the default:\n" + bare.body());
      assertTrue(bare.body().endsWith("\n\nLABEL local\n  MENU LABEL Boot from local disk\n  MENU DEFAULT\n"
          + "  LOCALBOOT 0\n"), "local boot is the default:\n" + bare.body());
      assertEquals(images + 1, count(bare.body(), "\nLABEL "), "one entry per image, plus local:\n" + bare.body());
    } else {
      assertTrue(bare.body().startsWith("# pxebus: unknown machine\n" + comment + "set timeout=10\n"
          + "set default=local\n"), bare.body());
      assertTrue(bare.body().contains("\n\nmenuentry 'Debian " + p + " 12' --id " + p + "-img {\n"
          + "  linux /images/" + p + "-img/vmlinuz console=ttyS0\n  initrd /images/" + p + "-img/initrd.gz\n}\n"),
          "an entry for the image:\n" + bare.body());
      assertTrue(bare.body().endsWith("\n\nmenuentry 'Boot from local disk' --id local {\n  exit\n}\n"), bare.body());
      assertEquals(images + 1, count(bare.body(), "\nmenuentry "), "one entry per image, plus local:\n" + bare.body());
    }

    // A UUID hint, which no group selects, changes nothing, and tells this request's event from any other's.
    Http.Response hinted = get(defaultName(format) + "?uuid=" + uuid);
    assertEquals(bare.body(), hinted.body());
    List<Envelope<MenuRenderedEvent>> seen = menuEvents(kafka, UNKNOWN_MAC, all -> !all.isEmpty(),
        e -> uuid.equals(e.data().uuid()));
    assertEquals(List.of(new MenuRenderedEvent(UNKNOWN_MAC, BootStage.MENU_RENDERED, format, defaultName(format),
        MenuSelection.DEFAULT_MENU, null, null, null, uuid, bytes(hinted))), data(seen));
    assertEquals("unknown", seen.get(0).bootAttemptId(), "no DHCP exchange names an unknown machine");
  }

  @ParameterizedTest
  @EnumSource(value = MenuFormat.class, names = {"PXELINUX", "GRUB"})
  void theDefaultNameWithAMacHintIsThatHostsOwnMenu(MenuFormat format, KafkaEndpoint kafka) throws Exception {
    start(kafka, Map.of());
    hostCatalog(false, Instant.EPOCH);
    String attempt = dhcp(mac);

    Http.Response hinted = get(defaultName(format) + "?mac=" + mac + "&arch=00007");
    assertEquals(200, hinted.status(), hinted.body());
    assertEquals(TEXT_PLAIN, hinted.contentType());
    assertGolden(format, "host-by-hint", hinted.body());
    assertEquals(hinted.body(), get(byName(format, mac)).body(), "the same menu as by the name with the MAC");

    List<Envelope<MenuRenderedEvent>> seen = menuEvents(kafka, mac, all -> !all.isEmpty(),
        e -> e.data().path().equals(defaultName(format)));
    assertEquals(List.of(new MenuRenderedEvent(mac, BootStage.MENU_RENDERED, format, defaultName(format),
        MenuSelection.HOST, p + "-install", null, "00007", null, bytes(hinted))), data(seen));
    assertEquals(attempt, seen.get(0).bootAttemptId());
  }

  // ------------------------------------------------------------------------------------- G5: the installed callback

  static Stream<Arguments> installedCalls() {
    return Stream.of(
        Arguments.of(named("GET /installed/{mac}", "GET"), "/installed/{mac}"),
        Arguments.of(named("POST /installed/{mac} with dashes", "POST"), "/installed/{dashed}"),
        Arguments.of(named("GET /installed?mac= (wget from a preseed)", "GET"), "/installed?mac={mac}"));
  }

  @ParameterizedTest
  @MethodSource("installedCalls")
  void theInstalledCallbackIsAnInstalledEventAndTheBootOnceHostThenBootsLocallyOnly(String method, String call,
      KafkaEndpoint kafka) throws Exception {
    start(kafka, Map.of());
    hostCatalog(true, Instant.now().minusSeconds(60));
    String attempt = dhcp(mac);
    assertTrue(get(byName(MenuFormat.PXELINUX, mac)).body().contains("KERNEL images/" + p + "-img/vmlinuz"),
        "armed: the installer first");

    Http.Response done = send(method, call.replace("{mac}", mac).replace("{dashed}", mac.replace(':', '-')));
    assertEquals(200, done.status(), done.body());
    assertEquals(TEXT_PLAIN, done.contentType());
    assertEquals("recorded: " + mac + " boots from its local disk from now on\n", done.body());

    List<Envelope<InstalledEvent>> installed = installedEvents(kafka, mac, all -> !all.isEmpty());
    assertEquals(List.of(new InstalledEvent(mac, BootStage.INSTALLED, p + "-install", "127.0.0.1")),
        installed.stream().map(Envelope::data).toList());
    assertEquals(attempt, installed.get(0).bootAttemptId(), "the report joins the machine's boot attempt");

    // From the answer on, every format is local boot only.
    List<MenuRenderedEvent> want = new ArrayList<>();
    for (MenuFormat format : MenuFormat.values()) {
      Http.Response local = get(byName(format, mac));
      assertEquals(200, local.status(), local.body());
      assertGolden(format, "installed-local-boot", local.body());
      want.add(new MenuRenderedEvent(mac, BootStage.MENU_RENDERED, format, path(byName(format, mac)),
          MenuSelection.LOCAL_BOOT, null, null, null, null, bytes(local)));
    }
    assertEquals(want, data(menuEvents(kafka, mac, all -> all.size() >= want.size(),
        e -> e.data().selectedBy() == MenuSelection.LOCAL_BOOT)));
  }

  @Test
  void theInstalledCallbackForAHostThatIsNotBootOnceOrNotKnownChangesNoMenu(KafkaEndpoint kafka) throws Exception {
    start(kafka, Map.of());
    hostCatalog(false, Instant.now().minusSeconds(60));
    String menuBefore = get(byName(MenuFormat.GRUB, mac)).body();

    Http.Response notBootOnce = send("GET", "/installed/" + mac);
    assertEquals(200, notBootOnce.status(), notBootOnce.body());
    assertEquals("recorded: " + mac + " is not boot-once, its menu does not change\n", notBootOnce.body());
    assertEquals(menuBefore, get(byName(MenuFormat.GRUB, mac)).body());
    assertTrue(menuBefore.contains("linux /images/" + p + "-img/vmlinuz"), menuBefore);

    Http.Response unknown = send("GET", "/installed?mac=" + stranger.toUpperCase(Locale.ROOT));
    assertEquals(200, unknown.status(), unknown.body());
    assertEquals("recorded: " + stranger + " is not a known host\n", unknown.body());

    // Both are still reported: the timeline shows what the machine said, whatever the catalog holds.
    assertEquals(List.of(new InstalledEvent(mac, BootStage.INSTALLED, p + "-install", "127.0.0.1")),
        installedEvents(kafka, mac, all -> !all.isEmpty()).stream().map(Envelope::data).toList());
    List<Envelope<InstalledEvent>> strangers = installedEvents(kafka, stranger, all -> !all.isEmpty());
    assertEquals(List.of(new InstalledEvent(stranger, BootStage.INSTALLED, null, "127.0.0.1")),
        strangers.stream().map(Envelope::data).toList());
    assertEquals("unknown", strangers.get(0).bootAttemptId(), "no DHCP exchange of it was seen");
  }

  @Test
  void anEmptyMacHintIsAskedAgainAndAGroupAddressNamesNoMachine(KafkaEndpoint kafka) throws Exception {
    start(kafka, Map.of());
    hostCatalog(false, Instant.EPOCH);
    // chain boot.ipxe?mac=${net0/mac} on an iPXE whose net0 has none: asked again with its own identity.
    for (String empty : List.of("/boot.ipxe?mac=", "/boot.ipxe?mac=%20")) {
      Http.Response r = get(empty);
      assertEquals(200, r.status(), r.body());
      assertTrue(r.body().startsWith("#!ipxe\n") && r.body().contains(
          "chain --replace --autofree boot.ipxe?mac=${mac:hexhyp}&arch=${platform}-${buildarch}&uuid=${uuid}"),
          empty + ": the identify chain, not the unknown machine's menu\n" + r.body());
    }
    // A group address is never a client's: the unknown machine's menu, and its event names no machine.
    String group = "01:00:5e:" + p.substring(1, 3) + ":" + p.substring(3, 5) + ":fb";
    Http.Response r = get("/pxelinux.cfg/default?mac=" + group + "&uuid=" + uuid);
    assertEquals(200, r.status(), r.body());
    assertTrue(r.body().contains("MENU TITLE pxebus: unknown machine\n"), r.body());
    List<Envelope<MenuRenderedEvent>> seen = menuEvents(kafka, UNKNOWN_MAC, all -> !all.isEmpty(),
        e -> uuid.equals(e.data().uuid()));
    assertEquals(MenuSelection.DEFAULT_MENU, seen.get(0).data().selectedBy());
    assertEquals(List.of(), menuEvents(kafka, group, all -> true), "no event keyed by the group address");
  }

  @Test
  void theInstalledCallbackWithoutAValidMacIs400(KafkaEndpoint kafka) throws Exception {
    start(kafka, Map.of());
    for (String[] call : new String[][] {{"GET", "/installed"}, {"POST", "/installed"}, {"GET", "/installed?mac="},
        {"GET", "/installed/nonsense"}, {"POST", "/installed/nonsense"}, {"GET", "/installed/01-52-54-00-12-34-56"},
        {"GET", "/installed?mac=52:54:00:12:34"}, {"GET", "/installed?mac=" + " ".repeat(30) + mac},
        {"GET", "/installed?mac=01:00:5e:00:00:fb"}, {"POST", "/installed/00:00:00:00:00:00"}}) {
      Http.Response r = send(call[0], call[1].replace(" ", "%20"));
      assertEquals(400, r.status(), call[0] + " " + call[1] + ": " + r.body());
      assertEquals(TEXT_PLAIN, r.contentType());
      assertTrue(r.body().startsWith("installed: give the machine's MAC (?mac=52:54:00:12:34:56)"), r.body());
    }
  }

  // ------------------------------------------------------------------------------------------------------ helpers

  private static MenuConfig config(KafkaEndpoint kafka, Map<String, String> extra) {
    Map<String, String> s = new HashMap<>(Map.of(
        "kafka.bootstrap", kafka.bootstrapServers(),
        "admin.host", "127.0.0.1",
        "admin.port", "0",
        "http.host", "127.0.0.1",
        "http.port", "0",
        "instance.id", "menu-endpoints-" + UUID.randomUUID().toString().substring(0, 8),
        "menu.data-dir", ""));
    s.putAll(extra);
    return MenuConfig.from(Settings.of(MenuConfig.keys(), s));
  }

  /** Starts the app and waits until it has read every catalog topic to its end (before that, menus are refused). */
  private void start(KafkaEndpoint kafka, Map<String, String> extra) throws Exception {
    app = MenuAppTest.start(kafka.bootstrapServers(), extra);
    Await.until(DEADLINE, () -> Boolean.TRUE.equals(Http.get(app.host().adminUrl() + "/health")
        .check("catalog").getBoolean("caughtUp")), "the health of menu-service says the catalog is caught up");
  }

  private void publish(PxebusEvent e) throws Exception {
    app.host().publisher().publishConfirmed(Envelope.of("/pxebus/catalog-service/test", e)).toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private void imageAndProfile() throws Exception {
    publish(new ImageEvent(p + "-img", "Debian " + p, "12", "x86_64", new Artifact("vmlinuz", SHA, 100),
        List.of(new Artifact("initrd.gz", SHA, 200)), "console=ttyS0", Map.of(), 1, Instant.EPOCH));
    publish(new ProfileEvent(p + "-install", p + "-img", "auto=true", "Install " + p, 2, Instant.EPOCH));
  }

  /** The image, the profile, and the host {@link #mac} with that profile as its own. */
  private void hostCatalog(boolean bootOnce, Instant hostUpdated) throws Exception {
    imageAndProfile();
    publish(new HostEvent(mac, "node-" + p, Map.of("rack", p), null, p + "-install", bootOnce, 3, hostUpdated));
    Await.until(DEADLINE, () -> app.catalog().state().hosts().containsKey(mac)
        && app.catalog().state().profiles().containsKey(p + "-install")
        && app.catalog().state().images().containsKey(p + "-img"), "the catalog of the host arrives");
  }

  /** A DHCP exchange of the machine, as dhcp-service publishes it: starts a boot attempt, whose id is returned. */
  private String dhcp(String machine) {
    String attempt = UUID.randomUUID().toString();
    app.host().publisher().publish(new DhcpStepEvent(machine, BootStage.DHCP_ACK, 1, null, "10.0.0.9", "10.0.0.1",
        null, "PXEClient:Arch:00000:UNDI:002001", 0, null, null, "pxelinux.0", "10.0.0.1", null), attempt);
    Await.until(DEADLINE, () -> app.catalog().lastBootAttempt(machine).filter(attempt::equals).isPresent(),
        "menu-service sees the DHCP exchange of " + machine);
    return attempt;
  }

  private void assertNoDefaultGroup() {
    List<String> defaults = app.catalog().state().groups().values().stream().filter(GroupSpec::isDefault)
        .map(GroupSpec::id).toList();
    assertEquals(List.of(), defaults, "a default group left in the shared catalog by another test");
  }

  /** The name a bootloader asks for with the MAC in it. */
  private static String byName(MenuFormat format, String mac) {
    String dashed = mac.replace(':', '-');
    return switch (format) {
      case IPXE -> "/boot.ipxe?mac=" + dashed;
      case PXELINUX -> "/pxelinux.cfg/01-" + dashed;
      case GRUB -> "/grub/grub.cfg-01-" + dashed;
    };
  }

  private static String path(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  private static String templateName(MenuFormat format) {
    return dev.pxebus.menu.render.MenuRenderer.templateName(format);
  }

  private static int bytes(Http.Response r) {
    return r.body().getBytes(StandardCharsets.UTF_8).length;
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
    return n;
  }

  private Http.Response get(String pathAndQuery) {
    return Http.get(app.menuUrl() + pathAndQuery);
  }

  private Http.Response send(String method, String pathAndQuery) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(app.menuUrl() + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    return new Http.Response(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
  }

  /** Compares with {@code golden/endpoints/<format>/<name>.txt}; {@code -Dpxebus.golden.update=true} rewrites it. */
  private void assertGolden(MenuFormat format, String name, String actual) throws IOException {
    Path golden = GOLDEN.resolve(format.name().toLowerCase(Locale.ROOT)).resolve(name + ".txt");
    if (Boolean.getBoolean("pxebus.golden.update")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual.replace(mac, "{mac}").replace(p, "{p}"), StandardCharsets.UTF_8);
    }
    String want = Files.readString(golden, StandardCharsets.UTF_8).replace("{mac}", mac).replace("{p}", p);
    assertEquals(want, actual, golden.toString());
  }

  // -------------------------------------------------------------------------------------------- the boot events

  private List<Envelope<MenuRenderedEvent>> menuEvents(KafkaEndpoint kafka, String key,
      Predicate<List<Envelope<MenuRenderedEvent>>> until) {
    return menuEvents(kafka, key, until, e -> true);
  }

  /** The machine's menu-rendered events that pass {@code filter}, read until {@code until} holds for them. */
  private List<Envelope<MenuRenderedEvent>> menuEvents(KafkaEndpoint kafka, String key,
      Predicate<List<Envelope<MenuRenderedEvent>>> until, Predicate<Envelope<MenuRenderedEvent>> filter) {
    return bootEvents(kafka, key, MenuRenderedEvent.class, until, filter);
  }

  private List<Envelope<InstalledEvent>> installedEvents(KafkaEndpoint kafka, String key,
      Predicate<List<Envelope<InstalledEvent>>> until) {
    return bootEvents(kafka, key, InstalledEvent.class, until, e -> true);
  }

  @SuppressWarnings("unchecked")
  private static <T extends PxebusEvent> List<Envelope<T>> bootEvents(KafkaEndpoint kafka, String key, Class<T> type,
      Predicate<List<Envelope<T>>> until, Predicate<Envelope<T>> filter) {
    java.util.function.Function<List<ConsumerRecord<String, byte[]>>, List<Envelope<T>>> pick = recs -> recs.stream()
        .filter(r -> key.equals(r.key()) && r.value() != null).map(MenuEndpointsTest::decode)
        .filter(Objects::nonNull).filter(e -> type.isInstance(e.data())).map(e -> (Envelope<T>) e).filter(filter)
        .toList();
    return pick.apply(TestConsumer.readUntil(kafka, Topics.BOOT_EVENTS.name(), DEADLINE,
        all -> until.test(pick.apply(all))));
  }

  private static <T extends PxebusEvent> List<T> data(List<Envelope<T>> envelopes) {
    return envelopes.stream().map(Envelope::data).toList();
  }

  private static Envelope<?> decode(ConsumerRecord<String, byte[]> r) {
    try {
      return EventCodec.get().decode(r.value());
    } catch (dev.pxebus.events.EventDecodeException | RuntimeException e) {
      return null;
    }
  }

  private static List<String> messages(List<ILoggingEvent> events) {
    return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
