package dev.pxebus.menu.catalog;

import dev.pxebus.catalog.spec.CatalogSpec;
import dev.pxebus.catalog.spec.CatalogState;
import dev.pxebus.catalog.spec.EntityKind;
import dev.pxebus.catalog.spec.GroupSpec;
import dev.pxebus.catalog.spec.HostSpec;
import dev.pxebus.catalog.spec.ImageSpec;
import dev.pxebus.catalog.spec.ProfileSpec;
import dev.pxebus.catalog.spec.ValidationException;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.Topic;
import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.InstalledEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.install.InstallState;
import dev.pxebus.runtime.Health;
import dev.pxebus.runtime.ServiceHost;
import dev.pxebus.runtime.kafka.EventSubscriber;
import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * menu-service's own view of the catalog: the four compacted catalog topics read from the beginning on every start
 * (so a restart rebuilds it) and followed, each record validated as catalog-service would ({@link
 * CatalogSpec#fromEvent}; one that fails is skipped and counted). It also follows the boot events for what menus
 * need of them: each machine's latest boot attempt (so a rendered menu joins the boot's timeline) and its
 * installation reports (boot once: from the compacted {@code pxebus.boot.installs}, which outlives the boot events'
 * retention, and from the {@code InstalledEvent} steps). While Kafka is down it keeps the last state it read.
 *
 * <p>{@link #state()} is an immutable {@link CatalogState}, rebuilt after a change only when next asked for: a burst
 * of records (the start, above all) costs one rebuild, not one per record. Thread-safe.
 */
public final class MenuCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(MenuCatalog.class);

  private final Map<String, ImageSpec> images = new TreeMap<>();
  private final Map<String, ProfileSpec> profiles = new TreeMap<>();
  private final Map<String, HostSpec> hosts = new TreeMap<>();
  private final Map<String, GroupSpec> groups = new TreeMap<>();
  private final Map<String, Instant> hostUpdated = new HashMap<>();
  private final Map<String, Instant> lastInstall = new HashMap<>();
  private final Map<String, String> lastAttempt = new HashMap<>();
  private final List<EventSubscriber<?>> subscribers = new ArrayList<>();
  private final Counter skipped;
  private volatile CatalogState state = CatalogState.EMPTY;
  private boolean dirty;
  private CompletableFuture<Void> caughtUp;

  private MenuCatalog(ServiceHost host) {
    skipped = Counter.builder("pxebus.menu.catalog.skipped")
        .description("catalog records read that hold no valid entity").register(host.registry());
  }

  /** Starts following the topics. */
  public static MenuCatalog start(ServiceHost host) {
    MenuCatalog c = new MenuCatalog(host);
    c.follow(host, EntityKind.IMAGE, Topics.CATALOG_IMAGES);
    c.follow(host, EntityKind.PROFILE, Topics.CATALOG_PROFILES);
    c.follow(host, EntityKind.HOST, Topics.CATALOG_HOSTS);
    c.follow(host, EntityKind.GROUP, Topics.CATALOG_GROUPS);
    c.subscribers.add(host.subscribe(Topics.BOOT_EVENTS, null, (key, envelope, offset) -> c.onBootEvent(envelope)));
    c.subscribers.add(host.subscribe(Topics.BOOT_INSTALLS, null, (key, envelope, offset) -> c.onInstall(envelope)));
    c.caughtUp = CompletableFuture.allOf(c.subscribers.stream().map(s -> s.caughtUp().toCompletableFuture())
        .toArray(CompletableFuture[]::new));
    c.caughtUp.thenRun(() -> LOG.info("catalog loaded: {} images, {} profiles, {} hosts, {} groups",
        c.state().images().size(), c.state().profiles().size(), c.state().hosts().size(), c.state().groups().size()));
    host.check("catalog", false, c::health);
    return c;
  }

  private <T extends PxebusEvent> void follow(ServiceHost host, EntityKind kind, Topic<T> topic) {
    subscribers.add(host.subscribe(topic, null, (key, envelope, offset) -> onRecord(kind, key, envelope, offset)));
  }

  private synchronized void onRecord(EntityKind kind, String key, Envelope<? extends PxebusEvent> envelope,
      long offset) {
    Map<String, ? extends CatalogSpec> target = switch (kind) {
      case IMAGE -> images;
      case PROFILE -> profiles;
      case HOST -> hosts;
      case GROUP -> groups;
    };
    dirty = true;
    if (envelope == null) {
      target.remove(key);
      if (kind == EntityKind.HOST) hostUpdated.remove(key);
      return;
    }
    try {
      CatalogSpec spec = CatalogSpec.fromRecord(kind, key, envelope.data());
      switch (kind) {
        case IMAGE -> images.put(key, (ImageSpec) spec);
        case PROFILE -> profiles.put(key, (ProfileSpec) spec);
        case HOST -> {
          hosts.put(key, (HostSpec) spec);
          Instant u = ((HostEvent) envelope.data()).updated();
          hostUpdated.put(key, u == null ? envelope.time() : u);
        }
        case GROUP -> groups.put(key, (GroupSpec) spec);
      }
    } catch (ValidationException | IllegalArgumentException e) {
      skipped.increment();
      LOG.warn("skipped {} record {} at offset {}: it holds no valid entity: {}", kind, key, offset, e.getMessage());
    }
  }

  private synchronized void onBootEvent(Envelope<BootStepEvent> envelope) {
    if (envelope == null) return;
    BootStepEvent e = envelope.data();
    if (e instanceof InstalledEvent) {
      lastInstall.merge(e.mac(), envelope.time(), (a, b) -> a.isAfter(b) ? a : b);
    } else if (e instanceof DhcpStepEvent && envelope.bootAttemptId() != null) {
      lastAttempt.put(e.mac(), envelope.bootAttemptId());
    }
  }

  private synchronized void onInstall(Envelope<InstallState> envelope) {
    if (envelope == null) return;
    InstallState i = envelope.data();
    lastInstall.merge(i.mac(), i.installedAt(), (a, b) -> a.isAfter(b) ? a : b);
  }

  /** The catalog now. */
  public CatalogState state() {
    synchronized (this) {
      if (dirty) {
        state = new CatalogState(images, profiles, hosts, groups);
        dirty = false;
      }
      return state;
    }
  }

  /**
   * Whether a boot-once host has reported its installation since its entry was last written (writing the host
   * again re-arms boot once).
   */
  public synchronized boolean installed(HostSpec host) {
    Instant installed = lastInstall.get(host.mac());
    if (installed == null) return false;
    Instant updated = hostUpdated.get(host.mac());
    return updated == null || installed.isAfter(updated);
  }

  /** The boot attempt of the machine's latest DHCP exchange, if one was seen. */
  public synchronized Optional<String> lastBootAttempt(String mac) {
    return Optional.ofNullable(lastAttempt.get(mac));
  }

  /** Records an installation report this process published, so the next menu sees it at once. */
  public synchronized void installedNow(String mac, Instant at) {
    lastInstall.merge(mac, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Completes once every topic was read to where it ended at start. */
  public CompletionStage<Void> caughtUp() {
    return caughtUp.minimalCompletionStage();
  }

  public boolean isCaughtUp() {
    return caughtUp.isDone() && !caughtUp.isCompletedExceptionally();
  }

  private Health health() {
    CatalogState s = state();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("images", s.images().size());
    d.put("profiles", s.profiles().size());
    d.put("hosts", s.hosts().size());
    d.put("groups", s.groups().size());
    d.put("caughtUp", isCaughtUp());
    d.put("skipped", (long) skipped.count());
    // Down (the service DEGRADED, not failed) until every topic was read to its end at start: until then menus are
    // refused, not planned from half a catalog. Up after that, also while Kafka is down: menus then come from the
    // last catalog read.
    return isCaughtUp() ? Health.up(d) : Health.down(d);
  }
}
