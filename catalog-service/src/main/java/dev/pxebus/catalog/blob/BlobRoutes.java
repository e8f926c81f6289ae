package dev.pxebus.catalog.blob;

import dev.pxebus.runtime.http.ByteRange;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blob store over HTTP, mounted on a {@link Router}:
 *
 * <pre>
 * GET  /blobs/{sha256}     200 whole, 206 one range, 304, 400, 404, 416
 * HEAD /blobs/{sha256}     the same headers, no body
 * PUT  /blobs/{sha256}     body stored only if it hashes to {sha256}: 201 {"sha256","size"}, 400, 413, 422
 * POST /blobs              body stored under its hash: 201 {"sha256","size"}, 413
 * </pre>
 *
 * <ul>
 *   <li>Reads send {@code Content-Length}, {@code Accept-Ranges: bytes}, {@code ETag: "<sha256>"} and, the content
 *       never changing under its name, {@code Cache-Control: public, max-age=31536000, immutable}. One byte range
 *       (RFC 9110 §14): {@code bytes=a-b}, {@code a-}, {@code -n} → 206 with Content-Range; none of it in the blob
 *       → 416 with {@code Content-Range: bytes *}{@code /size}; several ranges → the whole blob. {@code If-Range}
 *       not equal to the ETag → the whole blob (§13.1.5); {@code If-None-Match} matching → 304. Files go out with
 *       {@code sendFile} (zero-copy).
 *   <li>Writes stream the request body to {@link BlobStore} on a worker thread through a bounded buffer
 *       ({@link RequestInputStream}): a body is never held in memory whole (no {@code BodyHandler} here). A body
 *       over the limit — announced by Content-Length, or found while reading — is refused with 413, nothing kept,
 *       and the connection closed (the rest of the body is not read, RFC 9112 §9.6). {@code Expect: 100-continue}
 *       is answered only once the guard has let the request through and its length is within the limit.
 *   <li>Errors are RFC 9457 {@code application/problem+json} {@link Problem}s.
 *   <li>The write guard (authorisation, added by the caller) runs before anything of a write's body is read; it
 *       calls {@code ctx.next()} to allow, or ends the response itself.
 * </ul>
 */
public final class BlobRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(BlobRoutes.class);
  /** A guard letting every write through. */
  public static final Handler<RoutingContext> OPEN = RoutingContext::next;
  /** An upload with no body data for this long is abandoned. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  private static final String CACHE = "public, max-age=31536000, immutable";

  private final Vertx vertx;
  private final BlobStore store;
  private final long maxUploadBytes;
  private final Duration idleTimeout;

  public BlobRoutes(Vertx vertx, BlobStore store, long maxUploadBytes) {
    this(vertx, store, maxUploadBytes, DEFAULT_IDLE_TIMEOUT);
  }

  public BlobRoutes(Vertx vertx, BlobStore store, long maxUploadBytes, Duration idleTimeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.store = Objects.requireNonNull(store, "store");
    if (maxUploadBytes < 0) throw new IllegalArgumentException("maxUploadBytes must be >= 0: " + maxUploadBytes);
    this.maxUploadBytes = maxUploadBytes;
    this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
  }

  /** Adds the routes; {@code writeGuard} runs before PUT and POST (use {@link #OPEN} for none). */
  public Router mount(Router router, Handler<RoutingContext> writeGuard) {
    Objects.requireNonNull(writeGuard, "writeGuard");
    router.get("/blobs/:sha256").handler(this::read);
    router.head("/blobs/:sha256").handler(this::read);
    // Pause first, synchronously on arrival: no body chunk is lost while an asynchronous guard decides.
    router.put("/blobs/:sha256").handler(BlobRoutes::pause).handler(writeGuard)
        .handler(ctx -> upload(ctx, ctx.pathParam("sha256")));
    router.post("/blobs").handler(BlobRoutes::pause).handler(writeGuard).handler(ctx -> upload(ctx, null));
    return router;
  }

  private static void pause(RoutingContext ctx) {
    ctx.request().pause();
    ctx.next();
  }

  // ---- reads

  private void read(RoutingContext ctx) {
    String sha = ctx.pathParam("sha256");
    if (!Sha256.isValid(sha)) {
      send(ctx, Problem.invalidHash("not a sha256 (64 lowercase hex digits): " + shorten(sha)));
      return;
    }
    Path path = store.path(sha);
    // lprops: a link planted in the store is not followed (the store makes none). Async: a stat can block.
    vertx.fileSystem().lprops(path.toString()).onComplete(ar -> {
      if (ar.failed()) {
        if (hasCause(ar.cause(), NoSuchFileException.class)) {
          send(ctx, Problem.notFound(sha));
        } else {
          LOG.warn("cannot stat blob {}: {}", sha, ar.cause().toString());
          send(ctx, Problem.internal("cannot read blob " + sha));
        }
      } else if (!ar.result().isRegularFile()) {
        send(ctx, Problem.notFound(sha));
      } else {
        serve(ctx, sha, path, ar.result().size());
      }
    });
  }

  private void serve(RoutingContext ctx, String sha, Path path, long size) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse resp = ctx.response();
    String etag = "\"" + sha + "\"";
    resp.putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(HttpHeaders.CACHE_CONTROL, CACHE);
    String inm = req.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (inm != null && (inm.trim().equals("*") || inm.contains(etag))) {
      resp.setStatusCode(304).end();
      return;
    }
    String rangeHeader = req.getHeader("Range");
    String ifRange = req.getHeader("If-Range");
    ByteRange range = ifRange != null && !ifRange.trim().equals(etag) ? ByteRange.WHOLE
        : ByteRange.parse(rangeHeader, size);
    if (range instanceof ByteRange.Unsatisfiable) {
      resp.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
      send(ctx, Problem.rangeNotSatisfiable(rangeHeader, size));
      return;
    }
    long offset = 0;
    long length = size;
    if (range instanceof ByteRange.Part p) {
      offset = p.first();
      length = p.length();
      resp.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, p.contentRange(size));
    } else {
      resp.setStatusCode(200);
    }
    resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    Future<Void> sent = req.method() == HttpMethod.HEAD || length == 0 ? resp.end()
        : resp.sendFile(path.toString(), offset, length);
    sent.onFailure(e -> LOG.debug("blob {} to {} not completed: {}", sha, req.remoteAddress(), e.toString()));
  }

  // ---- writes

  private void upload(RoutingContext ctx, String expected) {
    HttpServerRequest req = ctx.request();
    if (expected != null && !Sha256.isValid(expected)) {
      refuseUnread(ctx, Problem.invalidHash("not a sha256 (64 lowercase hex digits): " + shorten(expected)));
      return;
    }
    long announced = contentLength(req);
    if (announced > maxUploadBytes) {
      refuseUnread(ctx, Problem.tooLarge(maxUploadBytes));
      return;
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) ctx.response().writeContinue();
    RequestInputStream in = new RequestInputStream(req, vertx.getOrCreateContext(), idleTimeout);
    vertx.executeBlocking(() -> {
      try (in) {
        return expected == null ? store.put(in, maxUploadBytes) : store.putExpecting(in, expected, maxUploadBytes);
      }
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        Blob b = ar.result();
        LOG.info("blob {} uploaded ({} bytes) from {}", b.sha256(), b.size(), req.remoteAddress());
        Buffer body = new JsonObject().put("sha256", b.sha256()).put("size", b.size()).toBuffer();
        ctx.response().setStatusCode(201)
            .putHeader(HttpHeaders.LOCATION, "/blobs/" + b.sha256())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(body);
      } else if (ar.cause() instanceof BlobException be && be.reason() == BlobException.Reason.TOO_LARGE) {
        refuseUnread(ctx, Problem.tooLarge(maxUploadBytes));
      } else if (ar.cause() instanceof BlobException be && be.reason() == BlobException.Reason.HASH_MISMATCH) {
        send(ctx, Problem.hashMismatch(be.getMessage()));
      } else if (ctx.response().closed()) {
        LOG.debug("upload from {} abandoned: {}", req.remoteAddress(), ar.cause().toString());
      } else {
        LOG.warn("upload from {} failed: {}", req.remoteAddress(), ar.cause().toString());
        refuseUnread(ctx, Problem.internal("upload failed: " + ar.cause().getMessage()));
      }
    });
  }

  /** Content-Length, or -1 when absent or unparseable (chunked: the limit is then enforced while reading). */
  private static long contentLength(HttpServerRequest req) {
    String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (cl == null) return -1;
    try {
      return Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Answers a request whose body is not (wholly) read, then closes the connection: it cannot carry another. */
  private static void refuseUnread(RoutingContext ctx, Problem p) {
    HttpServerRequest req = ctx.request();
    boolean http1 = req.version() != HttpVersion.HTTP_2;
    if (http1) ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    send(ctx, p).onComplete(v -> {
      if (http1) req.connection().close();
    });
  }

  private static Future<Void> send(RoutingContext ctx, Problem p) {
    HttpServerResponse resp = ctx.response();
    if (resp.ended() || resp.closed()) return Future.succeededFuture();
    Buffer body = p.toJson().toBuffer();
    resp.setStatusCode(p.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
    return ctx.request().method() == HttpMethod.HEAD ? resp.end() : resp.end(body);
  }

  private static String shorten(String s) {
    if (s == null) return "null";
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) return true;
    }
    return false;
  }
}
