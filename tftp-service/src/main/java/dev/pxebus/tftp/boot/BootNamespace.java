package dev.pxebus.tftp.boot;

import dev.pxebus.events.catalog.Artifact;
import dev.pxebus.events.catalog.ImageEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot namespace, the same over TFTP and HTTP. A name is first checked by {@link SafePath}, then:
 * <ul>
 *   <li>{@code images/<image>/<file>}: a catalog artifact. The image is found by id, else by name (a name several
 *       images share is not found: ask by id); the file is the kernel's or an initrd's {@link Artifact#name()}. It is
 *       served from this replica's cache by sha256 and fetched from catalog-service on a miss
 *       ({@link ArtifactCache}). Nothing under {@code images/} comes from the boot root;
 *   <li>a generated name ({@link #isGenerated}: {@code pxelinux.cfg/<name>}, {@code *.ipxe}, {@code grub/grub.cfg*}):
 *       asked of menu-service with the client's MAC, IP, arch and UUID. menu-service is authoritative while it
 *       answers: 200 is the file, 404 is not found, fast, with no fallback — so a healthy menu-service's "no menu
 *       for this machine" is never shadowed by a stale static file, and pxelinux moves on to its next probe at once.
 *       Only when menu-service cannot answer (connection refused, no answer within the deadline, 5xx) is the static
 *       file of the same name in the boot root served instead ({@link Lookup.Origin#MENU_FALLBACK});
 *   <li>anything else: a static file of the boot root.
 * </ul>
 * Lookups never block the event loop: file system checks run on worker threads (unordered), HTTP is Vert.x's
 * client. The returned future completes on the caller's context. Thread-safe.
 */
public final class BootNamespace {
  private static final Logger LOG = LoggerFactory.getLogger(BootNamespace.class);
  /** Concurrent connections to each of menu-service and catalog-service. */
  private static final int POOL_SIZE = 32;

  private final Vertx vertx;
  private final BootNamespaceOptions options;
  private final ImageCatalog images;
  private final List<HttpClient> clients = new ArrayList<>();
  private final MenuClient menu;
  private final ArtifactCache cache;

  private BootNamespace(Vertx vertx, BootNamespaceOptions options, ImageCatalog images, MeterRegistry registry) {
    this.vertx = vertx;
    this.options = options;
    this.images = images;
    this.menu = options.menuUrl().map(url -> new MenuClient(vertx,
        client(new HttpClientOptions().setKeepAlive(false)), url, options.menuTimeout(), options.menuRetryAfter(),
        registry)).orElse(null);
    // A client of its own, so long artifact downloads never hold the connections menus need. The request idle
    // timeout stops at the response head; this one closes a connection whose body stalls.
    HttpClient blobs = options.catalogUrl().isPresent()
        ? client(new HttpClientOptions().setKeepAlive(true)
            .setReadIdleTimeout((int) options.catalogIdleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
        : null;
    this.cache = new ArtifactCache(vertx, blobs, options.cacheDir(), options.catalogUrl(),
        options.catalogIdleTimeout(), options.catalogToken(), registry);
  }

  /** Builds the namespace and prepares the artifact cache directory; fails if that cannot be created. */
  public static Future<BootNamespace> create(Vertx vertx, BootNamespaceOptions options, ImageCatalog images,
      MeterRegistry registry) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(registry, "registry");
    BootNamespace ns = new BootNamespace(vertx, options, images, registry);
    return ns.cache.prepare()
        .map(v -> ns)
        .recover(e -> ns.close().transform(ignored -> Future.failedFuture(new IllegalStateException(
            "cannot prepare the artifact cache " + options.cacheDir() + ": " + e.getMessage(), e))));
  }

  /**
   * Menus are fetched with a connection per request (no keep-alive): with Vert.x 5.0.10 a menu request sent on a
   * pooled keep-alive connection now and then got no answer until its timeout (reproduced within about 40 lookups
   * by MenuFetchRegressionTest; 3000 of 3000 answered without keep-alive), and a connect on the LAN or loopback
   * costs far less than a stalled menu. Artifact downloads keep their connections: without keep-alive,
   * catalog-service's sendFile answers ended in HttpClosedException (seen in PxeBootIT).
   */
  private HttpClient client(HttpClientOptions httpOptions) {
    HttpClient c = vertx.createHttpClient(httpOptions, new PoolOptions().setHttp1MaxSize(POOL_SIZE));
    clients.add(c);
    return c;
  }

  public BootNamespaceOptions options() {
    return options;
  }

  /** Looks up a name as TFTP carries it (not URL-encoded; see {@link SafePath#name}). */
  public Future<Lookup> lookup(String tftpName, BootClient client) {
    SafePath.Checked checked = SafePath.name(tftpName);
    if (checked instanceof SafePath.Refused r) {
      return Future.succeededFuture(new Lookup.Refused(tftpName, r.reason(), r.message()));
    }
    return lookup((SafePath.Name) checked, client);
  }

  /** Looks up a checked name (from {@link SafePath#name} or {@link SafePath#httpName}). */
  public Future<Lookup> lookup(SafePath.Name name, BootClient client) {
    Objects.requireNonNull(name, "name");
    BootClient who = client == null ? BootClient.of(null, null, null, null) : client;
    if (isImage(name)) return image(name);
    if (isGenerated(name) && menu != null) return generated(name, who);
    return file(name, Lookup.Origin.BOOT_ROOT);
  }

  /** Names under {@code images/}: catalog artifacts. */
  public static boolean isImage(SafePath.Name name) {
    return name.value().startsWith("images/");
  }

  /**
   * Names menu-service generates: {@code pxelinux.cfg/<name>} (pxelinux probes {@code 01-<mac>}, the client IP in
   * hex shortened digit by digit, then {@code default}), any {@code *.ipxe}, and GRUB's {@code grub/…/grub.cfg} and
   * {@code grub.cfg-<suffix>} probes. Other files under {@code grub/} (modules, fonts) are static.
   */
  public static boolean isGenerated(SafePath.Name name) {
    List<String> seg = name.segments();
    String file = name.fileName();
    if (seg.size() == 2 && seg.get(0).equals("pxelinux.cfg")) return true;
    if (file.endsWith(".ipxe")) return true;
    return seg.get(0).equals("grub") && (file.equals("grub.cfg") || file.startsWith("grub.cfg-"));
  }

  private Future<Lookup> file(SafePath.Name name, Lookup.Origin origin) {
    return vertx.executeBlocking(() -> SafePath.resolve(options.root(), name), false)
        .map(result -> {
          if (result instanceof SafePath.Found f) return new Lookup.FileBody(name.value(), f.path(), f.size(), origin);
          if (result instanceof SafePath.Refused r) return new Lookup.Refused(name.value(), r.reason(), r.message());
          return new Lookup.NotFound(name.value(), ((SafePath.Missing) result).message());
        });
  }

  private Future<Lookup> generated(SafePath.Name name, BootClient client) {
    return menu.fetch(name, client).compose(answer -> {
      if (answer instanceof MenuClient.Content c) {
        return Future.succeededFuture(new Lookup.Generated(name.value(), c.bytes(), Lookup.Origin.MENU_SERVICE));
      }
      if (answer instanceof MenuClient.Absent a) {
        return Future.succeededFuture(new Lookup.NotFound(name.value(), "menu-service has no " + name.value()
            + " for " + client + " (" + a.status() + ")"));
      }
      MenuClient.Failed f = (MenuClient.Failed) answer;
      LOG.debug("{} for {}: menu-service unavailable ({}), trying the boot root", name, client, f.reason());
      return file(name, Lookup.Origin.MENU_FALLBACK).map(l -> l instanceof Lookup.NotFound nf
          ? new Lookup.NotFound(nf.name(), nf.detail() + " (menu-service unavailable: " + f.reason() + ")")
          : l);
    });
  }

  private Future<Lookup> image(SafePath.Name name) {
    List<String> seg = name.segments();
    if (seg.size() != 3) {
      return Future.succeededFuture(new Lookup.NotFound(name.value(), "catalog files are images/<image>/<file>"));
    }
    String imageRef = seg.get(1);
    String fileName = seg.get(2);
    List<ImageEvent> found = images.find(imageRef);
    if (found.isEmpty()) {
      return Future.succeededFuture(new Lookup.NotFound(name.value(), "no image '" + imageRef + "' in the catalog"));
    }
    if (found.size() > 1) {
      String ids = found.stream().map(ImageEvent::id).sorted().collect(Collectors.joining(", "));
      return Future.succeededFuture(new Lookup.NotFound(name.value(),
          "image name '" + imageRef + "' is ambiguous (ids " + ids + "): ask for it by id"));
    }
    ImageEvent image = found.get(0);
    List<Artifact> files = Stream.concat(Stream.ofNullable(image.kernel()), image.initrds().stream())
        .filter(Objects::nonNull).toList();
    return files.stream().filter(a -> fileName.equals(a.name())).findFirst()
        .map(a -> cache.get(name.value(), a))
        .orElseGet(() -> Future.succeededFuture(new Lookup.NotFound(name.value(), "image " + image.id()
            + " has no file '" + fileName + "' (has " + files.stream().map(Artifact::name).toList() + ")")));
  }

  ArtifactCache cache() {
    return cache;
  }

  /** Closes the HTTP clients. Downloads under way fail and leave nothing in the cache. */
  public Future<Void> close() {
    return Future.join(clients.stream().map(HttpClient::close).toList()).mapEmpty();
  }
}
