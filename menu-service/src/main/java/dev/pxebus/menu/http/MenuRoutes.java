package dev.pxebus.menu.http;

import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.InstalledEvent;
import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.install.InstallState;
import dev.pxebus.menu.catalog.MenuCatalog;
import dev.pxebus.menu.render.MenuRenderer;
import dev.pxebus.menu.select.MenuPlan;
import dev.pxebus.menu.select.MenuPlanner;
import dev.pxebus.menu.select.MenuRequest;
import dev.pxebus.menu.select.PlannerOptions;
import dev.pxebus.runtime.LogContext;
import dev.pxebus.runtime.kafka.EventPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * menu-service over HTTP:
 *
 * <pre>
 * GET  /boot.ipxe?mac=&amp;arch=&amp;uuid=          iPXE script
 * GET  /pxelinux.cfg/{01-&lt;mac&gt;|default}      pxelinux config
 * GET  /grub/{grub.cfg-01-&lt;mac&gt;|grub.cfg}     GRUB config
 * GET|POST /installed?mac=  (or /installed/{mac})   the installed system reports back (boot once)
 * </pre>
 *
 * A menu is planned ({@link MenuPlanner}, pure), rendered into a buffer ({@link MenuRenderer}) and only then sent:
 * 200 {@code text/plain} with the whole menu, or — when rendering fails (a broken operator template, a catalog value
 * that cannot be made safe) — 500 with the reason, logged, so tftp-service falls back to its static file instead of
 * handing a bootloader half a script. Names that are not menus of ours (pxelinux's UUID and hex-IP probes) are 404
 * at once. Each rendered menu publishes a {@link MenuRenderedEvent} in the machine's latest boot attempt. Until the
 * catalog topics were read to their end at start, menus come from the snapshot of the last catalog read, or, with
 * none, are refused with 503 (a menu planned from half a catalog could offer a machine the wrong profile, or an
 * installer again): tftp-service then serves its static file.
 *
 * <p>An installation report is published as an {@code InstalledEvent} step and as the machine's {@link
 * InstallState} on the compacted installs topic; the answer waits for Kafka to acknowledge the latter (at most
 * {@link #INSTALL_CONFIRM_MILLIS}), 200 when it did, 202 when it is only buffered in this process.
 */
public final class MenuRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(MenuRoutes.class);
  /** The MAC events carry for a machine that did not say which it is (as tftp-service does). */
  static final String UNKNOWN_MAC = "00:00:00:00:00:00";
  /** The boot attempt of a menu whose machine had no DHCP exchange seen (as tftp-service does). */
  static final String UNKNOWN_ATTEMPT = "unknown";
  /** How long an installation report waits for Kafka to store it before the answer says it is only buffered. */
  static final long INSTALL_CONFIRM_MILLIS = 5_000;

  private final MenuCatalog catalog;
  private final MenuRenderer renderer;
  private final PlannerOptions options;
  private final EventPublisher publisher;
  private final Clock clock;
  private final Timer renders;
  private final MeterRegistry registry;
  private final Map<String, Counter> outcomes = new java.util.concurrent.ConcurrentHashMap<>();

  public MenuRoutes(MenuCatalog catalog, MenuRenderer renderer, PlannerOptions options, EventPublisher publisher,
      MeterRegistry registry, Clock clock) {
    this.catalog = catalog;
    this.renderer = renderer;
    this.options = options;
    this.publisher = publisher;
    this.clock = clock;
    this.registry = registry;
    this.renders = Timer.builder("pxebus.menu.render").description("menus planned and rendered")
        .publishPercentiles(0.5, 0.99).register(registry);
  }

  public Router router(Vertx vertx) {
    Router r = Router.router(vertx);
    r.get("/installed").handler(this::installed);
    r.post("/installed").handler(this::installed);
    r.get("/installed/:mac").handler(this::installed);
    r.post("/installed/:mac").handler(this::installed);
    r.get("/*").handler(this::menu);
    r.route().last().handler(ctx -> text(ctx.response(), 405, "only GET is served here\n"));
    return r;
  }

  /**
   * The answer to {@code /boot.ipxe} without {@code ?mac=}: chain to the same script with iPXE's own {@code
   * ${mac}}, {@code ${platform}-${buildarch}} and {@code ${uuid}} (the URL is relative, so through the same
   * replica). {@code ${mac}} is always a MAC when set, so the second request carries one and this cannot loop; a
   * machine without one (no network device opened) gets a message and {@code exit}, back to the firmware's next
   * boot device.
   */
  static final String IDENTIFY = """
      #!ipxe
      # pxebus: asking again with this machine's identity
      isset ${mac} || goto nomac
      chain --replace --autofree boot.ipxe?mac=${mac:hexhyp}&arch=${platform}-${buildarch}&uuid=${uuid} || goto failed
      :nomac
      echo pxebus: this machine has no MAC address (no network device open); cannot choose its menu
      exit
      :failed
      echo pxebus: could not fetch this machine's menu; back to the firmware
      exit
      """;

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, o -> Counter.builder("pxebus.menu.requests").tag("outcome", o)
        .description("menu requests by outcome").register(registry)).increment();
  }

  private void menu(RoutingContext ctx) {
    Map<String, String> query = new HashMap<>();
    for (String n : ctx.queryParams().names()) query.put(n, ctx.queryParams().get(n));
    Optional<MenuRequest> parsed = MenuPaths.parse(ctx.request().path(), query);
    if (parsed.isEmpty()) {
      count("not-a-menu");
      text(ctx.response(), 404, "not a menu: " + ctx.request().path() + "\n");
      return;
    }
    MenuRequest request = parsed.get();
    if (!catalog.isServing()) {
      count("not-ready");
      LOG.debug("{} refused with 503: the catalog is still being read from Kafka", ctx.request().path());
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "2");
      text(ctx.response(), 503, "menu-service is still reading the catalog from Kafka; no menu yet\n");
      return;
    }
    String client = MenuPlanner.macOrNull(request.mac());
    String hint = query.get("mac");
    if (request.format() == MenuFormat.IPXE && (hint == null || hint.isBlank())) {
      // iPXE asked without saying who it is (a DHCP boot file URL has no place for its MAC): it is asked again with
      // its own identity, which it always knows; no menu of an "unknown machine" for a known one.
      count("identify");
      text(ctx.response(), 200, IDENTIFY);
      return;
    }
    long t0 = System.nanoTime();
    MenuPlan plan;
    try {
      plan = MenuPlanner.plan(catalog.state(), request, catalog::installed, options);
    } catch (RuntimeException e) {
      count("failed");
      LOG.error("cannot plan the menu for {}: {}", request, e.toString(), e);
      text(ctx.response(), 500, "menu-service could not choose a menu: " + e.getMessage() + "\n");
      return;
    }
    String mac = client == null ? UNKNOWN_MAC : client;
    renderer.render(request.format(), plan.model()).onComplete(ar -> {
      renders.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
      try (LogContext ignored = LogContext.of(mac, null)) {
        if (ar.failed()) {
          count("render-failed");
          LOG.error("cannot render the {} menu for {} ({}): {}", request.format(), mac, plan.reason(),
              ar.cause().getMessage());
          text(ctx.response(), 500, "menu-service could not render this menu: " + ar.cause().getMessage() + "\n");
          return;
        }
        count("rendered");
        LOG.debug("{} menu for {}: {}", request.format(), mac, plan.reason());
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(ar.result());
        publisher.publish(new MenuRenderedEvent(mac, BootStage.MENU_RENDERED, request.format(),
            ctx.request().path(), plan.selectedBy(), plan.profile(), plan.group(), request.arch(), request.uuid(),
            ar.result().length()), catalog.lastBootAttempt(mac).orElse(UNKNOWN_ATTEMPT));
      }
    });
  }

  private void installed(RoutingContext ctx) {
    String raw = ctx.pathParam("mac") != null ? ctx.pathParam("mac") : ctx.queryParams().get("mac");
    String mac = raw == null || raw.length() > 32 ? null : MenuPlanner.macOrNull(raw);
    if (mac == null) {
      count("installed-bad-mac");
      text(ctx.response(), 400, "installed: give the machine's MAC (?mac=52:54:00:12:34:56)"
          + (raw == null ? "" : ", not '" + raw + "'") + "\n");
      return;
    }
    HostSpec host = catalog.state().hosts().get(mac);
    String profile = host == null ? null : host.profile();
    String ip = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    Vertx vertx = ctx.vertx();
    java.time.Instant now = clock.instant();
    publisher.publish(new InstalledEvent(mac, BootStage.INSTALLED, profile, ip),
        catalog.lastBootAttempt(mac).orElse(UNKNOWN_ATTEMPT));
    catalog.installedNow(mac, now);
    count("installed");
    LOG.info("{} reported its installation (from {}){}", mac, ip, host != null && host.bootOnce()
        ? ": boot once, it boots from its local disk from now on" : "");
    String what = host == null ? mac + " is not a known host"
        : host.bootOnce() ? mac + " boots from its local disk from now on"
        : mac + " is not boot-once, its menu does not change";
    Envelope<InstallState> state = Envelope.of(publisher.source(), new InstallState(mac, now, profile, ip));
    Future<Void> stored = Future.fromCompletionStage(publisher.publishConfirmed(state), vertx.getOrCreateContext());
    long timer = vertx.setTimer(INSTALL_CONFIRM_MILLIS, t -> {
      if (ctx.response().ended()) return;
      LOG.warn("{}: the installation report is not on {} yet (Kafka unreachable?); it is kept in this process and"
          + " sent when Kafka is back", mac, Topics.BOOT_INSTALLS.name());
      text(ctx.response(), 202, "recorded in menu-service, not yet stored in Kafka: " + what + "\n");
    });
    stored.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ctx.response().ended()) return;
      if (ar.succeeded()) {
        text(ctx.response(), 200, "recorded: " + what + "\n");
      } else {
        LOG.error("{}: the installation report could not be stored: {}", mac, ar.cause().getMessage());
        text(ctx.response(), 503, "recorded in menu-service only, Kafka refused it (" + ar.cause().getMessage()
            + "): call again\n");
      }
    });
  }

  private static void text(HttpServerResponse res, int status, String body) {
    res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body);
  }
}
