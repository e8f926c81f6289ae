package dev.pxebus.menu;

import dev.pxebus.menu.catalog.MenuCatalog;
import dev.pxebus.menu.http.MenuRoutes;
import dev.pxebus.menu.render.MenuRenderer;
import dev.pxebus.menu.select.PlannerOptions;
import dev.pxebus.runtime.RunningService;
import dev.pxebus.runtime.ServiceHost;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * menu-service as started by {@link Main} or by {@code pxebus lab}: its own view of the catalog ({@link
 * MenuCatalog}, rebuilt from the topics on every start) and the menus rendered from it over HTTP ({@link
 * MenuRoutes}).
 */
public final class MenuApp implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(MenuApp.class);

  private final ServiceHost host;
  private final MenuConfig config;
  private final MenuCatalog catalog;
  private HttpServer http;

  private MenuApp(ServiceHost host, MenuConfig config, MenuCatalog catalog) {
    this.host = host;
    this.config = config;
    this.catalog = catalog;
  }

  public static Future<MenuApp> start(MenuConfig config) {
    ServiceHost host = ServiceHost.create(config.common());
    MenuCatalog catalog = MenuCatalog.start(host, config.snapshotFile());
    MenuApp app = new MenuApp(host, config, catalog);
    PlannerOptions options = new PlannerOptions((int) config.menuTimeout().toSeconds(), config.ipxeLocalBoot(),
        config.fileBase(), config.title());
    return host.startAdmin()
        .compose(p -> MenuRenderer.create(host.vertx(), config.templateDir()))
        .compose(renderer -> host.vertx().createHttpServer(new HttpServerOptions().setHost(config.httpHost())
                .setPort(config.httpPort()))
            .requestHandler(new MenuRoutes(catalog, renderer, options, host.publisher(), host.registry(),
                Clock.systemUTC()).router(host.vertx()))
            .listen())
        .map(server -> {
          app.http = server;
          host.onClose("menu HTTP server", server::close);
          LOG.info("menu-service: menus on {}{}", app.menuUrl(),
              config.templateDir().map(d -> " (operator templates in " + d + ")").orElse(""));
          return app;
        })
        .onFailure(e -> host.close());
  }

  public MenuCatalog catalog() {
    return catalog;
  }

  public int httpPort() {
    return http.actualPort();
  }

  public String menuUrl() {
    String h = "0.0.0.0".equals(config.httpHost()) ? "127.0.0.1" : config.httpHost();
    return "http://" + h + ":" + httpPort();
  }

  @Override
  public String name() {
    return "menu-service";
  }

  @Override
  public List<String> endpoints() {
    return List.of("menus " + menuUrl() + " (/boot.ipxe, /pxelinux.cfg/…, /grub/…, /installed)",
        "admin " + host.adminUrl() + " (/health, /metrics)");
  }

  @Override
  public ServiceHost host() {
    return host;
  }

  @Override
  public Future<Void> close() {
    return host.close();
  }
}
