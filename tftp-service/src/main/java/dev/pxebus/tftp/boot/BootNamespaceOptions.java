package dev.pxebus.tftp.boot;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where {@link BootNamespace} finds its files.
 *
 * @param root the boot root: static files, and the fallback for generated ones
 * @param cacheDir this replica's artifact cache: {@code <cacheDir>/<sha256>}, downloads in {@code <cacheDir>/.partial}
 * @param menuUrl base URL of menu-service ({@code GET <menuUrl>/pxelinux.cfg/…}); empty: generated names come from
 *     the boot root only
 * @param menuTimeout whole-request deadline for a generated file (connect, headers and body)
 * @param menuRetryAfter after menu-service failed (down, timeout, 5xx), how long to serve the static fallback without
 *     asking it again, so pxelinux's ten probes do not each wait {@code menuTimeout}
 * @param catalogUrl base URL of catalog-service ({@code GET <catalogUrl>/blobs/<sha256>}); empty: artifacts missing
 *     from the cache are not found
 * @param catalogIdleTimeout a blob download with no byte for this long is abandoned (no total deadline: initrds are
 *     large)
 */
public record BootNamespaceOptions(
    Path root,
    Path cacheDir,
    Optional<URI> menuUrl,
    Duration menuTimeout,
    Duration menuRetryAfter,
    Optional<URI> catalogUrl,
    Duration catalogIdleTimeout,
    Optional<String> catalogToken) {

  public static final Duration DEFAULT_MENU_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_MENU_RETRY_AFTER = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CATALOG_IDLE_TIMEOUT = Duration.ofSeconds(30);

  public BootNamespaceOptions {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(cacheDir, "cacheDir");
    menuUrl = Objects.requireNonNullElse(menuUrl, Optional.empty());
    catalogUrl = Objects.requireNonNullElse(catalogUrl, Optional.empty());
    catalogToken = Objects.requireNonNullElse(catalogToken, Optional.<String>empty()).filter(t -> !t.isBlank());
    menuUrl.ifPresent(u -> requireHttp("menuUrl", u));
    catalogUrl.ifPresent(u -> requireHttp("catalogUrl", u));
    requirePositive("menuTimeout", menuTimeout);
    Objects.requireNonNull(menuRetryAfter, "menuRetryAfter");
    if (menuRetryAfter.isNegative()) throw new IllegalArgumentException("menuRetryAfter must not be negative");
    requirePositive("catalogIdleTimeout", catalogIdleTimeout);
  }

  /** No menu-service, no catalog-service, default timeouts. */
  public static BootNamespaceOptions of(Path root, Path cacheDir) {
    return new BootNamespaceOptions(root, cacheDir, Optional.empty(), DEFAULT_MENU_TIMEOUT, DEFAULT_MENU_RETRY_AFTER,
        Optional.empty(), DEFAULT_CATALOG_IDLE_TIMEOUT, Optional.empty());
  }

  public BootNamespaceOptions withMenu(URI url, Duration timeout, Duration retryAfter) {
    return new BootNamespaceOptions(root, cacheDir, Optional.ofNullable(url), timeout, retryAfter, catalogUrl,
        catalogIdleTimeout, catalogToken);
  }

  public BootNamespaceOptions withCatalog(URI url, Duration idleTimeout) {
    return new BootNamespaceOptions(root, cacheDir, menuUrl, menuTimeout, menuRetryAfter, Optional.ofNullable(url),
        idleTimeout, catalogToken);
  }

  /** The bearer token sent with every blob fetch, for a catalog-service whose reads need one. */
  public BootNamespaceOptions withCatalogToken(String token) {
    return new BootNamespaceOptions(root, cacheDir, menuUrl, menuTimeout, menuRetryAfter, catalogUrl,
        catalogIdleTimeout, Optional.ofNullable(token));
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "BootNamespaceOptions[root=" + root + ", cacheDir=" + cacheDir + ", menuUrl=" + menuUrl + ", menuTimeout="
        + menuTimeout + ", menuRetryAfter=" + menuRetryAfter + ", catalogUrl=" + catalogUrl + ", catalogIdleTimeout="
        + catalogIdleTimeout + ", catalogToken=" + catalogToken.map(t -> "(set)").orElse("(none)") + "]";
  }

  private static void requireHttp(String what, URI u) {
    String scheme = u.getScheme();
    if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || u.getHost() == null) {
      throw new IllegalArgumentException(what + " must be an http:// or https:// URL with a host: " + u);
    }
    if (u.getRawQuery() != null || u.getRawFragment() != null) {
      throw new IllegalArgumentException(what + " must not have a query or fragment: " + u);
    }
  }

  private static void requirePositive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(what + " must be positive: " + d);
  }
}
