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
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.EventDecodeException;
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
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
 * CatalogSpec#fromEvent}; one that fails is skipped and counted). It also follows what menus need of the boot:
 * each machine's latest boot attempt (so a rendered menu joins the boot's timeline) and its installation reports
 * (boot once: from the compacted {@code pxebus.boot.installs}, which outlives the boot events' retention, and from
 * the {@code InstalledEvent} steps). While Kafka is down it keeps the last state it read.
 *
 * <p>With a snapshot file, the last catalog and installation reports read are also kept on disk (written a few
 * seconds after a change, atomically): a menu-service restarted while Kafka is down serves menus from that copy
 * until it has read the topics to their end again, then from the topics only. Without one, it serves nothing until
 * then ({@link #isServing()}).
 *
 * <p>{@link #state()} is an immutable {@link CatalogState}, rebuilt after a change only when next asked for: a burst
 * of records (the start, above all) costs one rebuild, not one per record. Thread-safe.
 */
public final class MenuCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(MenuCatalog.class);
  /** First line of a snapshot file; a file without it is not read. */
  public static final String SNAPSHOT_HEADER = "pxebus menu-service catalog snapshot 1";
  private static final long SNAPSHOT_EVERY_MILLIS = 5_000;
  /** The catalog topics and the entity each holds; with the installs topic, what a snapshot keeps. */
  private static final Map<Topic<?>, EntityKind> CATALOG_TOPICS = new LinkedHashMap<>();
  static {
    CATALOG_TOPICS.put(Topics.CATALOG_IMAGES, EntityKind.IMAGE);
    CATALOG_TOPICS.put(Topics.CATALOG_PROFILES, EntityKind.PROFILE);
    CATALOG_TOPICS.put(Topics.CATALOG_HOSTS, EntityKind.HOST);
    CATALOG_TOPICS.put(Topics.CATALOG_GROUPS, EntityKind.GROUP);
  }

  private final View live = new View();
  /** Read from the snapshot file at start; served until {@link #live} caught up, then dropped. */
  private volatile View snapshot;
  private final Map<String, String> lastAttempt = new HashMap<>();
  /** The latest record per topic and key as read, what a snapshot holds. */
  private final Map<String, Map<String, Envelope<?>>> records = new TreeMap<>();
  private final List<EventSubscriber<?>> subscribers = new ArrayList<>();
  private final Counter skipped;
  private final Optional<Path> snapshotFile;
  private boolean unsaved;
  private Instant snapshotWritten;
  private CompletableFuture<Void> caughtUp;

  private MenuCatalog(ServiceHost host, Optional<Path> snapshotFile) {
    this.snapshotFile = snapshotFile;
    skipped = Counter.builder("pxebus.menu.catalog.skipped")
        .description("catalog records read that hold no valid entity").register(host.registry());
  }

  /** Starts following the topics, without a snapshot file. */
  public static MenuCatalog start(ServiceHost host) {
    return start(host, Optional.empty());
  }

  /** Starts following the topics; serves the snapshot file's catalog, if there is one, until they are read. */
  public static MenuCatalog start(ServiceHost host, Optional<Path> snapshotFile) {
    MenuCatalog c = new MenuCatalog(host, snapshotFile);
    snapshotFile.ifPresent(c::loadSnapshot);
    CATALOG_TOPICS.forEach((topic, kind) -> c.follow(host, kind, topic));
    c.subscribers.add(host.subscribe(Topics.BOOT_EVENTS, null, (key, envelope, offset) -> c.onBootEvent(envelope)));
    c.subscribers.add(host.subscribe(Topics.BOOT_INSTALLS, null,
        (key, envelope, offset) -> c.onInstall(key, envelope)));
    c.caughtUp = CompletableFuture.allOf(c.subscribers.stream().map(s -> s.caughtUp().toCompletableFuture())
        .toArray(CompletableFuture[]::new));
    c.caughtUp.thenRun(() -> {
      CatalogState s = c.live.state();
      LOG.info("catalog loaded: {} images, {} profiles, {} hosts, {} groups{}", s.images().size(),
          s.profiles().size(), s.hosts().size(), s.groups().size(), c.snapshot == null ? ""
              : "; menus come from the topics now, no longer from the snapshot");
      c.snapshot = null;
    });
    if (snapshotFile.isPresent()) {
      long timer = host.vertx().setPeriodic(SNAPSHOT_EVERY_MILLIS, t -> {
        if (c.isCaughtUp()) host.vertx().executeBlocking(() -> {
          c.saveSnapshot();
          return null;
        }, false);
      });
      host.onClose("catalog snapshot", () -> {
        host.vertx().cancelTimer(timer);
        return host.vertx().executeBlocking(() -> {
          if (c.isCaughtUp()) c.saveSnapshot();
          return null;
        });
      });
    }
    host.check("catalog", false, c::health);
    return c;
  }

  private <T extends PxebusEvent> void follow(ServiceHost host, EntityKind kind, Topic<T> topic) {
    subscribers.add(host.subscribe(topic, null, (key, envelope, offset) -> {
      synchronized (this) {
        remember(topic, key, envelope);
        live.onRecord(kind, key, envelope, offset, skipped);
      }
    }));
  }

  private void remember(Topic<?> topic, String key, Envelope<?> envelope) {
    if (snapshotFile.isEmpty()) return;
    Map<String, Envelope<?>> byKey = records.computeIfAbsent(topic.name(), n -> new TreeMap<>());
    if (envelope == null) {
      byKey.remove(key);
    } else {
      byKey.put(key, envelope);
    }
    unsaved = true;
  }

  private synchronized void onBootEvent(Envelope<BootStepEvent> envelope) {
    if (envelope == null) return;
    BootStepEvent e = envelope.data();
    if (e instanceof InstalledEvent) {
      live.installed(e.mac(), envelope.time());
    } else if (e instanceof DhcpStepEvent && envelope.bootAttemptId() != null) {
      lastAttempt.put(e.mac(), envelope.bootAttemptId());
    }
  }

  private synchronized void onInstall(String key, Envelope<InstallState> envelope) {
    remember(Topics.BOOT_INSTALLS, key, envelope);
    if (envelope != null) live.installed(envelope.data().mac(), envelope.data().installedAt());
  }

  /** The catalog menus are planned from now: the topics', or the snapshot's until the topics were read. */
  public CatalogState state() {
    View s = snapshot;
    return s != null && !isCaughtUp() ? s.state() : live.state();
  }

  /**
   * Whether a boot-once host has reported its installation since its entry was last written (writing the host
   * again re-arms boot once).
   */
  public boolean installed(HostSpec host) {
    View s = snapshot;
    return s != null && !isCaughtUp() ? s.installed(host) : live.installed(host);
  }

  /** The boot attempt of the machine's latest DHCP exchange, if one was seen. */
  public synchronized Optional<String> lastBootAttempt(String mac) {
    return Optional.ofNullable(lastAttempt.get(mac));
  }

  /** Records an installation report this process published, so the next menu sees it at once. */
  public void installedNow(String mac, Instant at) {
    live.installed(mac, at);
    View s = snapshot;
    if (s != null) s.installed(mac, at);
  }

  /** Completes once every topic was read to where it ended at start. */
  public CompletionStage<Void> caughtUp() {
    return caughtUp.minimalCompletionStage();
  }

  public boolean isCaughtUp() {
    return caughtUp.isDone() && !caughtUp.isCompletedExceptionally();
  }

  /** Whether menus can be planned: the topics were read to their end, or a snapshot stands in until they are. */
  public boolean isServing() {
    return isCaughtUp() || snapshot != null;
  }

  /** Whether menus come from the snapshot file (the topics not read to their end yet). */
  public boolean fromSnapshot() {
    return snapshot != null && !isCaughtUp();
  }

  // ------------------------------------------------------------------------------------------------------ snapshot

  private void loadSnapshot(Path file) {
    if (!Files.exists(file)) {
      LOG.info("no catalog snapshot at {} yet: menus are served once the topics are read", file);
      return;
    }
    View v = new View();
    int n = 0;
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).equals(SNAPSHOT_HEADER)) {
        LOG.warn("{} is not a catalog snapshot of this version; ignored", file);
        return;
      }
      for (String line : lines.subList(1, lines.size())) {
        if (line.isEmpty()) continue;
        String[] f = line.split("\t", 3);
        if (f.length != 3) throw new IOException("line " + (n + 2) + " has no topic, key and record");
        Envelope<PxebusEvent> e = EventCodec.get().decode(Base64.getDecoder().decode(f[2]));
        Topic<?> topic = Topics.byName(f[0]).orElse(null);
        if (topic == Topics.BOOT_INSTALLS) {
          InstallState i = (InstallState) e.data();
          v.installed(i.mac(), i.installedAt());
        } else if (CATALOG_TOPICS.containsKey(topic)) {
          v.onRecord(CATALOG_TOPICS.get(topic), f[1], e, -1, skipped);
        } else {
          throw new IOException("line " + (n + 2) + ": not a topic a snapshot holds: " + f[0]);
        }
        n++;
      }
    } catch (IOException | EventDecodeException | RuntimeException e) {
      LOG.warn("cannot read the catalog snapshot {} ({}); ignored: menus are served once the topics are read", file,
          e.toString());
      return;
    }
    CatalogState s = v.state();
    snapshot = v;
    LOG.info("catalog snapshot {} read ({} records: {} images, {} profiles, {} hosts, {} groups): menus come from it"
        + " until the topics are read", file, n, s.images().size(), s.profiles().size(), s.hosts().size(),
        s.groups().size());
  }

  /** Writes the records read to the snapshot file, if anything changed: a temporary file, forced, then renamed. */
  void saveSnapshot() {
    Path file = snapshotFile.orElseThrow();
    List<String> lines = new ArrayList<>();
    synchronized (this) {
      if (!unsaved) return;
      unsaved = false;
      for (Topic<?> t : snapshotTopics()) {
        for (Map.Entry<String, Envelope<?>> r : records.getOrDefault(t.name(), Map.of()).entrySet()) {
          lines.add(t.name() + "\t" + r.getKey() + "\t"
              + Base64.getEncoder().encodeToString(EventCodec.get().encode(r.getValue())));
        }
      }
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write(SNAPSHOT_HEADER);
        w.write('\n');
        for (String l : lines) {
          w.write(l);
          w.write('\n');
        }
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      synchronized (this) {
        snapshotWritten = Instant.now();
      }
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        unsaved = true;
      }
      LOG.warn("cannot write the catalog snapshot {}: {}; trying again in {} s", file, e.toString(),
          SNAPSHOT_EVERY_MILLIS / 1000);
    }
  }

  private static List<Topic<?>> snapshotTopics() {
    List<Topic<?>> topics = new ArrayList<>(CATALOG_TOPICS.keySet());
    topics.add(Topics.BOOT_INSTALLS);
    return topics;
  }

  private Health health() {
    CatalogState s = state();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("images", s.images().size());
    d.put("profiles", s.profiles().size());
    d.put("hosts", s.hosts().size());
    d.put("groups", s.groups().size());
    d.put("caughtUp", isCaughtUp());
    d.put("fromSnapshot", fromSnapshot());
    d.put("skipped", (long) skipped.count());
    synchronized (this) {
      if (snapshotFile.isPresent()) {
        d.put("snapshot", snapshotFile.get().toString());
        if (snapshotWritten != null) d.put("snapshotWritten", snapshotWritten.toString());
      }
    }
    // Down (the service DEGRADED, not failed) until every topic was read to its end at start: until then menus are
    // refused or come from the snapshot, not from half a catalog. Up after that, also while Kafka is down: menus
    // then come from the last catalog read.
    return isCaughtUp() ? Health.up(d) : Health.down(d);
  }

  /** One view of the catalog and the installation reports: the topics', or the snapshot's. */
  private static final class View {
    private final Map<String, ImageSpec> images = new TreeMap<>();
    private final Map<String, ProfileSpec> profiles = new TreeMap<>();
    private final Map<String, HostSpec> hosts = new TreeMap<>();
    private final Map<String, GroupSpec> groups = new TreeMap<>();
    private final Map<String, Instant> hostUpdated = new HashMap<>();
    private final Map<String, Instant> lastInstall = new HashMap<>();
    private CatalogState state = CatalogState.EMPTY;
    private boolean dirty;

    synchronized void onRecord(EntityKind kind, String key, Envelope<? extends PxebusEvent> envelope, long offset,
        Counter skipped) {
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
        LOG.warn("skipped {} record {}{}: it holds no valid entity: {}", kind, key,
            offset < 0 ? " of the snapshot" : " at offset " + offset, e.getMessage());
      }
    }

    synchronized void installed(String mac, Instant at) {
      lastInstall.merge(mac, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    synchronized boolean installed(HostSpec host) {
      Instant installed = lastInstall.get(host.mac());
      if (installed == null) return false;
      Instant updated = hostUpdated.get(host.mac());
      return updated == null || installed.isAfter(updated);
    }

    synchronized CatalogState state() {
      if (dirty) {
        state = new CatalogState(images, profiles, hosts, groups);
        dirty = false;
      }
      return state;
    }
  }
}
