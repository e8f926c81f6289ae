package dev.pxebus.cli.lab;

import dev.pxebus.catalog.CatalogApp;
import dev.pxebus.catalog.CatalogConfig;
import dev.pxebus.dhcp.DhcpApp;
import dev.pxebus.dhcp.DhcpConfig;
import dev.pxebus.kafka.KraftBroker;
import dev.pxebus.menu.MenuApp;
import dev.pxebus.menu.MenuConfig;
import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ConfigKey;
import dev.pxebus.runtime.RunningService;
import dev.pxebus.runtime.Settings;
import dev.pxebus.tftp.TftpApp;
import dev.pxebus.tftp.TftpConfig;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole pxebus in one JVM: a real Kafka broker (KRaft, in-process, data under the lab directory so it survives
 * restarts) and the four services, each on its own Vert.x instance exactly as when run as separate processes.
 */
public final class Lab implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lab.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  /**
   * @param dir lab directory: {@code kafka/} (broker data), {@code boot/} (boot root), {@code dhcp/} (lease journal), {@code catalog/} (blobs, write token)
   * @param externalKafka bootstrap servers of an existing Kafka; empty = run the in-process broker
   * @param kafkaPort port of the in-process broker (0 = a free one)
   * @param freePorts every admin, TFTP and HTTP port picked free (tests, or several labs on one machine)
   * @param bindAddress address the boot path (TFTP, HTTP) listens on
   * @param bootloaderDir looked in first for boot loaders
   * @param env environment the services read {@code PXEBUS_*} keys from
   */
  public record Options(Path dir, Optional<String> externalKafka, int kafkaPort, boolean freePorts,
      String bindAddress, Optional<Path> bootloaderDir, DhcpConfig.Mode dhcpMode, Optional<String> dhcpInterface,
      Optional<String> dhcpPool, Map<String, String> env) {}

  private final KraftBroker broker;
  private final List<RunningService> services;
  private final List<String> summary;

  private Lab(KraftBroker broker, List<RunningService> services, List<String> summary) {
    this.broker = broker;
    this.services = services;
    this.summary = summary;
  }

  public static Lab start(Options o) throws Exception {
    Path dir = o.dir().toAbsolutePath();
    Map<String, String> dhcp = new HashMap<>();
    dhcp.put(DhcpConfig.MODE, o.dhcpMode().name().toLowerCase());
    o.dhcpInterface().ifPresent(i -> dhcp.put(DhcpConfig.INTERFACE, i));
    o.dhcpPool().ifPresent(p -> dhcp.put(DhcpConfig.POOL, p));
    dhcp.put(DhcpConfig.JOURNAL_DIR, dir.resolve("dhcp").toString());
    // Refuse a configuration that would hand out addresses without an explicit interface and pool before
    // anything starts.
    DhcpConfig.from(settings(DhcpConfig.keys(), dhcp, o.env()));

    Path boot = dir.resolve("boot");
    Files.createDirectories(boot);
    List<String> summary = new ArrayList<>();
    summary.add("lab directory: " + dir);

    List<Bootloaders.Found> loaders = Bootloaders.find(o.bootloaderDir());
    Bootloaders.install(loaders, boot);
    summary.add("boot root: " + boot);
    summary.addAll(Bootloaders.report(loaders, o.bootloaderDir()));

    KraftBroker broker = null;
    String bootstrap;
    if (o.externalKafka().isPresent()) {
      bootstrap = o.externalKafka().get();
      summary.add("kafka: " + bootstrap + " (external)");
    } else {
      long t0 = System.nanoTime();
      broker = KraftBroker.builder(dir.resolve("kafka")).brokerPort(o.kafkaPort()).build().start();
      bootstrap = broker.bootstrapServers();
      summary.add("kafka: " + bootstrap + " (in-process KRaft broker, data in " + broker.dataDir() + ", started in "
          + (System.nanoTime() - t0) / 1_000_000 + " ms)");
    }

    Map<String, String> common = new HashMap<>();
    common.put(CommonConfig.KAFKA_BOOTSTRAP, bootstrap);
    common.put(CommonConfig.INSTANCE_ID, "lab");
    if (o.freePorts()) common.put(CommonConfig.ADMIN_PORT, "0");

    List<RunningService> started = new ArrayList<>();
    try {
      Map<String, String> catalog = new HashMap<>(common);
      catalog.put(CatalogConfig.DATA_DIR, dir.resolve("catalog").toString());
      if (o.freePorts()) catalog.put(CatalogConfig.HTTP_PORT, "0");
      CatalogApp catalogApp = (CatalogApp) start("catalog-service", CatalogConfig.keys(), catalog, o.env(),
          s -> CatalogApp.start(CatalogConfig.from(s)));
      started.add(catalogApp);
      Map<String, String> menu = new HashMap<>(common);
      menu.put(MenuConfig.DATA_DIR, dir.resolve("menu").toString());
      if (o.freePorts()) menu.put(MenuConfig.HTTP_PORT, "0");
      MenuApp menuApp = (MenuApp) start("menu-service", MenuConfig.keys(), menu, o.env(),
          s -> MenuApp.start(MenuConfig.from(s)));
      started.add(menuApp);
      Map<String, String> tftp = new HashMap<>(common);
      tftp.put(TftpConfig.ROOT, boot.toString());
      tftp.put(TftpConfig.CACHE_DIR, dir.resolve("cache").toString());
      tftp.put(TftpConfig.CATALOG_URL, catalogApp.apiUrl());
      tftp.put(TftpConfig.MENU_URL, menuApp.menuUrl());
      tftp.put(TftpConfig.BIND_ADDRESS, o.bindAddress());
      if (o.freePorts()) {
        tftp.put(TftpConfig.PORT, "0");
        tftp.put(TftpConfig.HTTP_PORT, "0");
      }
      started.add(start("tftp-service", TftpConfig.keys(), tftp, o.env(), s -> TftpApp.start(TftpConfig.from(s))));
      dhcp.putAll(common);
      started.add(start("dhcp-service", DhcpConfig.keys(), dhcp, o.env(), s -> DhcpApp.start(DhcpConfig.from(s))));
    } catch (Exception | Error e) {
      // An Error too (a class missing from a stale jar …): the broker and the services started so far would
      // otherwise keep the JVM alive, serving nothing.
      new Lab(broker, started, summary).close();
      throw e;
    }
    for (RunningService s : started) {
      for (String line : s.endpoints()) summary.add(s.name() + ": " + line);
    }
    return new Lab(broker, List.copyOf(started), List.copyOf(summary));
  }

  private static RunningService start(String name, List<ConfigKey> keys, Map<String, String> labValues,
      Map<String, String> env, Function<Settings, Future<? extends RunningService>> starter) throws Exception {
    Settings settings = settings(keys, labValues, env);
    long t0 = System.nanoTime();
    RunningService s = starter.apply(settings).toCompletionStage().toCompletableFuture()
        .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("{} started in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
    return s;
  }

  /** Lab values are defaults the operator can still change through PXEBUS_* variables. */
  private static Settings settings(List<ConfigKey> keys, Map<String, String> labValues, Map<String, String> env) {
    Map<String, String> values = new HashMap<>(labValues);
    for (ConfigKey k : keys) {
      String v = env.get(k.envName());
      if (v != null) values.put(k.name(), v);
    }
    values.keySet().retainAll(keys.stream().map(ConfigKey::name).toList());
    return Settings.of(keys, values);
  }

  public List<String> summary() {
    return summary;
  }

  public List<RunningService> services() {
    return services;
  }

  public Optional<RunningService> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public String kafkaBootstrap() {
    return services.get(0).host().config().kafkaBootstrap();
  }

  @Override
  public void close() {
    for (int i = services.size() - 1; i >= 0; i--) {
      RunningService s = services.get(i);
      try {
        s.close().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("{} did not stop cleanly: {}", s.name(), e.toString());
      }
    }
    if (broker != null) broker.close();
  }
}
