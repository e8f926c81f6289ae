package dev.pxebus.menu;

import dev.pxebus.events.Topics;
import dev.pxebus.events.catalog.GroupEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.events.catalog.ProfileEvent;
import dev.pxebus.runtime.Health;
import dev.pxebus.runtime.MaterializedView;
import dev.pxebus.runtime.RunningService;
import dev.pxebus.runtime.ServiceHost;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * menu-service as started by {@link Main} or by {@code pxebus lab}. Today it materialises its own view of the
 * catalog from the compacted topics (rebuilt on every start, kept while Kafka is down); rendering menus comes with
 * issue #6.
 */
public final class MenuApp implements RunningService {
  private static final Logger LOG = LoggerFactory.getLogger(MenuApp.class);

  private final ServiceHost host;
  private final MaterializedView<ImageEvent> images;
  private final MaterializedView<ProfileEvent> profiles;
  private final MaterializedView<HostEvent> hosts;
  private final MaterializedView<GroupEvent> groups;

  private MenuApp(ServiceHost host) {
    this.host = host;
    this.images = host.view(Topics.CATALOG_IMAGES);
    this.profiles = host.view(Topics.CATALOG_PROFILES);
    this.hosts = host.view(Topics.CATALOG_HOSTS);
    this.groups = host.view(Topics.CATALOG_GROUPS);
  }

  public static Future<MenuApp> start(MenuConfig config) {
    ServiceHost host = ServiceHost.create(config.common());
    LOG.warn("menu-service: menu rendering (iPXE, pxelinux, GRUB) is NOT BUILT YET (issue #6): this process only "
        + "materialises the catalog");
    MenuApp app = new MenuApp(host);
    host.check("catalog", false, app::catalogHealth);
    return host.startAdmin().map(port -> app).onFailure(e -> host.close());
  }

  private Health catalogHealth() {
    Map<String, Object> d = new LinkedHashMap<>();
    boolean caughtUp = true;
    for (MaterializedView<?> v : List.of(images, profiles, hosts, groups)) {
      d.put(v.topic().name(), v.size());
      caughtUp &= v.isCaughtUp();
    }
    d.put("caughtUp", caughtUp);
    return Health.up(d);
  }

  public MaterializedView<ImageEvent> images() {
    return images;
  }

  public MaterializedView<HostEvent> hosts() {
    return hosts;
  }

  @Override
  public String name() {
    return "menu-service";
  }

  @Override
  public List<String> endpoints() {
    return List.of("admin " + host.adminUrl() + " (/health, /metrics) — menu rendering not built yet (issue #6)");
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
