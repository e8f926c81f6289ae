package dev.pxebus.tftp.boot;

import dev.pxebus.events.catalog.Artifact;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's pull-through cache of catalog artifacts, content-addressed: {@code <dir>/<sha256>}. A miss is
 * fetched from {@code <catalog>/blobs/<sha256>} into {@code <dir>/.partial/}, hashed while it streams, and only when
 * the hash matches is it synced and renamed (atomically, same directory tree) into place. A file under its hash is
 * therefore always complete and verified, and is served without hashing it again. A mismatch is logged, counted
 * ({@code pxebus.boot.artifact.fetches{outcome=mismatch}}) and the download deleted. Requests for a hash that is
 * being downloaded wait for that one download.
 */
final class ArtifactCache {
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactCache.class);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  static final String PARTIAL = ".partial";

  private final Vertx vertx;
  private final HttpClient http;
  private final Path dir;
  private final Path partial;
  private final Optional<URI> catalog;
  private final Duration idleTimeout;
  private final Optional<String> token;
  private final MeterRegistry registry;
  private final Map<String, Future<Lookup>> downloads = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();

  ArtifactCache(Vertx vertx, HttpClient http, Path dir, Optional<URI> catalog, Duration idleTimeout,
      Optional<String> token, MeterRegistry registry) {
    this.vertx = vertx;
    this.http = http;
    this.dir = dir.toAbsolutePath();
    this.partial = this.dir.resolve(PARTIAL);
    this.catalog = catalog;
    this.idleTimeout = idleTimeout;
    this.token = token;
    this.registry = registry;
    Gauge.builder("pxebus.boot.artifact.downloads", downloads, Map::size)
        .description("artifact downloads from catalog-service under way").register(registry);
    Gauge.builder("pxebus.boot.artifact.waiting", waiting, AtomicInteger::get)
        .description("lookups waiting for an artifact download").register(registry);
  }

  /** Creates the cache directories and deletes downloads a previous process left half done. */
  Future<Void> prepare() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(partial);
      try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(partial)) {
        for (Path p : leftovers) {
          Files.deleteIfExists(p);
          LOG.info("deleted unfinished download {}", p);
        }
      }
      return null;
    });
  }

  Path dir() {
    return dir;
  }

  /** Lookups waiting for a download, the one that started it included. */
  int waiting() {
    return waiting.get();
  }

  /** The artifact as a verified file of the cache, fetching it on a miss. */
  Future<Lookup> get(String name, Artifact artifact) {
    String sha = artifact.sha256() == null ? "" : artifact.sha256().toLowerCase(Locale.ROOT);
    if (!SHA256.matcher(sha).matches()) {
      // The hash becomes a file name: never let a malformed one near the file system.
      LOG.warn("catalog artifact {} of {} has a malformed sha256 '{}'", artifact.name(), name, artifact.sha256());
      return Future.succeededFuture(new Lookup.Unavailable(name, "catalog artifact has a malformed sha256"));
    }
    Path file = dir.resolve(sha);
    return vertx.fileSystem().lprops(file.toString())
        .<Lookup>map(props -> props.isRegularFile()
            ? new Lookup.FileBody(name, file, props.size(), Lookup.Origin.CACHE_HIT)
            : null)
        .otherwise(e -> null)
        .compose(hit -> {
          if (hit != null) {
            count("pxebus.boot.artifact.cache", "result", "hit");
            return Future.succeededFuture(hit);
          }
          count("pxebus.boot.artifact.cache", "result", "miss");
          if (catalog.isEmpty()) {
            return Future.succeededFuture(
                new Lookup.NotFound(name, "artifact " + sha + " is not cached and no catalog-service is configured"));
          }
          return shared(name, sha, artifact.size());
        });
  }

  /** Joins the download of {@code sha} under way or starts it; completes on the caller's context. */
  private Future<Lookup> shared(String name, String sha, long declaredSize) {
    Context caller = vertx.getOrCreateContext();
    Promise<Lookup> mine = Promise.promise();
    Future<Lookup> existing = downloads.putIfAbsent(sha, mine.future());
    Future<Lookup> download;
    if (existing != null) {
      download = existing;
    } else {
      download = mine.future();
      fetch(name, sha, declaredSize).onComplete(ar -> {
        downloads.remove(sha, mine.future());
        if (ar.succeeded()) mine.complete(ar.result());
        else mine.fail(ar.cause());
      });
    }
    Promise<Lookup> result = Promise.promise();
    waiting.incrementAndGet();
    download.onComplete(ar -> caller.runOnContext(v -> {
      waiting.decrementAndGet();
      if (ar.failed()) {
        result.fail(ar.cause());
      } else {
        // Another request started the download: the file is the same, the name asked for is this one's.
        Lookup l = ar.result();
        result.complete(l instanceof Lookup.FileBody f ? new Lookup.FileBody(name, f.path(), f.size(), f.origin()) : l);
      }
    }));
    return result.future();
  }

  private Future<Lookup> fetch(String name, String sha, long declaredSize) {
    FileSystem fs = vertx.fileSystem();
    Path part = partial.resolve(sha + "." + UUID.randomUUID() + ".part");
    Path target = dir.resolve(sha);
    String url = blobUrl(sha);
    long started = System.nanoTime();
    return fs.open(part.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
        .compose(file -> download(url, file, declaredSize).transform(ar -> file.close().transform(closed -> {
          // Closing waits for the queued writes; only then is the file whole (or the write error known).
          if (ar.failed()) return Future.failedFuture(ar.cause());
          if (closed.failed()) return Future.failedFuture(closed.cause());
          return Future.succeededFuture(ar.result());
        })))
        .compose(download -> {
          if (download instanceof Status s) {
            if (s.code() == 404) {
              count("pxebus.boot.artifact.fetches", "outcome", "not_found");
              return discard(part).<Lookup>map(v -> new Lookup.NotFound(name, "catalog-service has no blob " + sha));
            }
            count("pxebus.boot.artifact.fetches", "outcome", "error");
            String hint = s.code() != 401 && s.code() != 403 ? ""
                : token.isPresent() ? ": tftp.catalog-token is refused"
                : ": its reads need a token, set tftp.catalog-token";
            LOG.warn("catalog-service answered {} for {}{}", s.code(), url, hint);
            return discard(part).<Lookup>map(v -> new Lookup.Unavailable(name, "catalog-service answered " + s.code()));
          }
          Digest d = (Digest) download;
          if (!d.sha256().equals(sha)) {
            count("pxebus.boot.artifact.fetches", "outcome", "mismatch");
            LOG.error("artifact {} from {} failed verification: {} bytes hash to {}; download deleted, not served",
                sha, url, d.bytes(), d.sha256());
            return discard(part).<Lookup>map(v -> new Lookup.Unavailable(name, "artifact " + sha
                + " failed its hash check"));
          }
          return vertx.executeBlocking(() -> {
                // Durable before it is visible under its hash: a crash must never leave a short file there.
                try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                  ch.force(true);
                }
                return null;
              }, false)
              .compose(v -> fs.move(part.toString(), target.toString(),
                  new CopyOptions().setAtomicMove(true).setReplaceExisting(true)))
              .map(v -> {
                count("pxebus.boot.artifact.fetches", "outcome", "ok");
                LOG.info("cached artifact {} ({} bytes) from {} in {} ms", sha, d.bytes(), url,
                    (System.nanoTime() - started) / 1_000_000);
                return (Lookup) new Lookup.FileBody(name, target, d.bytes(), Lookup.Origin.CACHE_FILLED);
              });
        })
        .recover(e -> {
          if (e instanceof OversizeException) {
            count("pxebus.boot.artifact.fetches", "outcome", "mismatch");
            LOG.error("artifact {} from {} failed verification: {}; download deleted, not served", sha, url,
                e.getMessage());
            return discard(part).<Lookup>map(v -> new Lookup.Unavailable(name, "artifact " + sha
                + " failed its size check"));
          }
          count("pxebus.boot.artifact.fetches", "outcome", "error");
          LOG.warn("cannot fetch artifact {} from {}: {}", sha, url, e.toString());
          return discard(part).<Lookup>map(v -> new Lookup.Unavailable(name,
              "cannot fetch artifact from catalog-service: " + e.getMessage()));
        });
  }

  private sealed interface Download permits Status, Digest {}

  /** The catalog did not send the blob. */
  private record Status(int code) implements Download {}

  /** The blob was written; what it hashes to. */
  private record Digest(String sha256, long bytes) implements Download {}

  private static final class OversizeException extends IOException {
    private static final long serialVersionUID = 1L;

    OversizeException(String message) {
      super(message);
    }
  }

  /** Streams the blob into {@code file}, hashing as it goes, with backpressure from the file. */
  private Future<Download> download(String url, AsyncFile file, long declaredSize) {
    long ms = idleTimeout.toMillis();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setConnectTimeout(ms)
        .setIdleTimeout(ms);
    token.ifPresent(t -> get.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + t));
    return http.request(get)
        .compose(req -> {
          sent.set(req);
          return req.send();
        })
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return resp.end().<Download>map(v -> new Status(resp.statusCode()));
          }
          return stream(resp, file, declaredSize);
        })
        .onFailure(e -> {
          HttpClientRequest req = sent.get();
          if (req != null) req.reset();
        });
  }

  private static Future<Download> stream(HttpClientResponse resp, AsyncFile file, long declaredSize) {
    MessageDigest md = sha256();
    Promise<Download> done = Promise.promise();
    long[] bytes = {0};
    resp.exceptionHandler(done::tryFail);
    file.exceptionHandler(done::tryFail);
    resp.handler(buf -> {
      if (done.future().isComplete()) return;
      bytes[0] += buf.length();
      if (declaredSize > 0 && bytes[0] > declaredSize) {
        done.tryFail(new OversizeException("more than the " + declaredSize + " bytes the catalog declares"));
        return;
      }
      md.update(buf.getBytes());
      file.write(buf).onFailure(done::tryFail);
      if (file.writeQueueFull()) {
        resp.pause();
        file.drainHandler(v -> resp.resume());
      }
    });
    resp.endHandler(v -> done.tryComplete(new Digest(HexFormat.of().formatHex(md.digest()), bytes[0])));
    return done.future();
  }

  private String blobUrl(String sha) {
    String base = catalog.orElseThrow().toString();
    if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return base + "/blobs/" + sha;
  }

  /** Deletes a download that will not be served; completes once it is gone (or could not be deleted). */
  private Future<Void> discard(Path part) {
    return vertx.fileSystem().delete(part.toString())
        .recover(e -> {
          if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
            LOG.warn("cannot delete the download {}: {}", part, e.toString());
          }
          return Future.succeededFuture();
        });
  }

  private void count(String meter, String tag, String value) {
    counters.computeIfAbsent(meter + "|" + value, k -> Counter.builder(meter).tag(tag, value).register(registry))
        .increment();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
