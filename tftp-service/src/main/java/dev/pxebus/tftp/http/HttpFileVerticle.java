package dev.pxebus.tftp.http;

import dev.pxebus.runtime.http.ByteRange;
import dev.pxebus.runtime.LogContext;
import dev.pxebus.tftp.boot.BootClient;
import dev.pxebus.tftp.boot.BootNamespace;
import dev.pxebus.tftp.boot.Lookup;
import dev.pxebus.tftp.boot.SafePath;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the boot namespace over HTTP for iPXE and UEFI HTTP boot: the same names as TFTP, with {@code /} as the
 * root ({@code GET /pxelinux.0}, {@code GET /boot.ipxe?mac=${mac}&arch=${buildarch}}, {@code GET /images/<image>/<file>}).
 *
 * <ul>
 *   <li>GET and HEAD; any other method is 405 with {@code Allow: GET, HEAD};
 *   <li>the path is percent-decoded once and checked by {@link SafePath#httpName}: a refused name is 400, a missing
 *       file 404, content that cannot be had now (catalog-service down, a blob failing its hash) 503. Bodies of
 *       errors are one line of text, never a stack trace;
 *   <li>one byte range per request (RFC 9110 §14): 206 with Content-Range, 416 with {@code Content-Range: bytes
 *       *}{@code /size} when no byte is in range; several ranges get the whole file (200). A request with If-Range
 *       gets the whole file too: no validators are sent, so none can match (§13.1.5);
 *   <li>Content-Length and {@code Accept-Ranges: bytes} on every file answer, HEAD included; files go out with
 *       {@code sendFile} (zero-copy), generated menus from memory with {@code Cache-Control: no-store};
 *   <li>query parameters {@code mac}, {@code arch} and {@code uuid} are hints passed to menu-service; ones that do
 *       not parse are dropped.
 * </ul>
 * Each answered request is handed to the listener ({@link HttpFileAccess}) when its response is over; the
 * verticle publishes nothing itself.
 */
public final class HttpFileVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpFileVerticle.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String BINARY = "application/octet-stream";

  private final BootNamespace namespace;
  private final HttpFileOptions options;
  private final Consumer<HttpFileAccess> listener;
  private HttpServer server;

  public HttpFileVerticle(BootNamespace namespace, HttpFileOptions options, Consumer<HttpFileAccess> listener) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.options = Objects.requireNonNull(options, "options");
    this.listener = listener == null ? a -> {} : listener;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(options.host())
        .setPort(options.port())
        .setReusePort(options.reusePort())
        .setIdleTimeout((int) Math.max(1, options.idleTimeout().toSeconds()))
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    return vertx.createHttpServer(serverOptions)
        .requestHandler(this::handle)
        .listen()
        .onSuccess(s -> {
          server = s;
          LOG.info("HTTP boot files on {}:{}", options.host(), s.actualPort());
        })
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "cannot listen for HTTP boot files on " + options.host() + ":" + options.port() + ": " + e.getMessage(),
            e)));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The port listened on (useful with port 0); -1 before start. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** One request's state, for the access record. */
  private final class Exchange {
    final HttpServerRequest req;
    final long started = System.nanoTime();
    final String ip;
    final BootClient client;
    String range;
    Lookup.Origin origin;

    Exchange(HttpServerRequest req) {
      this.req = req;
      SocketAddress remote = req.remoteAddress();
      this.ip = remote == null ? null : remote.hostAddress();
      BootClient c;
      try {
        c = BootClient.of(ip, req.getParam("mac"), req.getParam("arch"), req.getParam("uuid"));
      } catch (RuntimeException e) {
        // A query string that does not decode: the hints are dropped, the file is still served.
        c = BootClient.ofIp(ip);
      }
      this.client = c;
    }

    HttpServerResponse response() {
      return req.response();
    }

    boolean head() {
      return req.method() == HttpMethod.HEAD;
    }

    void finished(int status, Future<Void> sent) {
      sent.onComplete(ar -> {
        long bytes = head() ? 0 : response().bytesWritten();
        String path = req.path() == null ? "" : req.path();
        if (path.length() > HttpFileAccess.MAX_PATH) path = path.substring(0, HttpFileAccess.MAX_PATH);
        HttpFileAccess access = new HttpFileAccess(ip, client.mac(), req.method().name(), path, status, bytes,
            (System.nanoTime() - started) / 1_000_000, range, origin, ar.succeeded());
        try (LogContext ignored = LogContext.of(client.mac(), null)) {
          if (ar.failed()) LOG.debug("{} {} {} for {}: not completed: {}", access.method(), path, status, ip,
              ar.cause().toString());
          listener.accept(access);
        } catch (RuntimeException e) {
          LOG.warn("HTTP access listener failed: {}", e.toString());
        }
      });
    }
  }

  private void handle(HttpServerRequest req) {
    Exchange ex = new Exchange(req);
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      ex.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
      // A request this server does not read to its end (a POST or PUT body) leaves the connection in no state to
      // reuse: close it after the answer (RFC 9112 §9.6), so the client's next request goes on a fresh one.
      ex.response().putHeader(HttpHeaders.CONNECTION, "close");
      error(ex, 405, "method not allowed");
      return;
    }
    SafePath.Checked checked = SafePath.httpName(req.path());
    if (checked instanceof SafePath.Refused r) {
      try (LogContext ignored = LogContext.of(ex.client.mac(), null)) {
        LOG.debug("refused {} from {}: {}", r.reason(), ex.ip, r.message());
      }
      error(ex, 400, "refused: " + r.reason());
      return;
    }
    namespace.lookup((SafePath.Name) checked, ex.client).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("lookup of {} for {} failed: {}", checked, ex.client, ar.cause().toString());
        error(ex, 500, "internal error");
        return;
      }
      Lookup lookup = ar.result();
      if (lookup instanceof Lookup.FileBody f) {
        serveFile(ex, f);
      } else if (lookup instanceof Lookup.Generated g) {
        serveBytes(ex, g);
      } else if (lookup instanceof Lookup.NotFound n) {
        try (LogContext ignored = LogContext.of(ex.client.mac(), null)) {
          LOG.debug("not found {} for {}: {}", n.name(), ex.client, n.detail());
        }
        error(ex, 404, "not found");
      } else if (lookup instanceof Lookup.Refused r) {
        error(ex, 400, "refused: " + r.reason());
      } else {
        Lookup.Unavailable u = (Lookup.Unavailable) lookup;
        try (LogContext ignored = LogContext.of(ex.client.mac(), null)) {
          LOG.info("unavailable {} for {}: {}", u.name(), ex.client, u.detail());
        }
        error(ex, 503, "unavailable");
      }
    });
  }

  private void serveFile(Exchange ex, Lookup.FileBody f) {
    ex.origin = f.origin();
    HttpServerResponse resp = ex.response();
    ByteRange range = range(ex, f.size());
    if (range instanceof ByteRange.Unsatisfiable u) {
      resp.putHeader(HttpHeaders.CONTENT_RANGE, u.contentRange(f.size()));
      ex.origin = null;
      error(ex, 416, "range not satisfiable");
      return;
    }
    long offset = 0;
    long length = f.size();
    int status = 200;
    if (range instanceof ByteRange.Part p) {
      offset = p.first();
      length = p.length();
      status = 206;
      resp.putHeader(HttpHeaders.CONTENT_RANGE, p.contentRange(f.size()));
    }
    resp.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, contentType(f.name(), false))
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    if (ex.head() || length == 0) {
      ex.finished(status, end(resp, null));
    } else {
      Future<Void> sent;
      try {
        sent = resp.sendFile(f.path().toString(), offset, length);
      } catch (RuntimeException e) {
        sent = Future.failedFuture(e);
      }
      ex.finished(status, sent);
    }
  }

  private void serveBytes(Exchange ex, Lookup.Generated g) {
    ex.origin = g.origin();
    HttpServerResponse resp = ex.response();
    byte[] content = g.content();
    ByteRange range = range(ex, content.length);
    if (range instanceof ByteRange.Unsatisfiable u) {
      resp.putHeader(HttpHeaders.CONTENT_RANGE, u.contentRange(content.length));
      ex.origin = null;
      error(ex, 416, "range not satisfiable");
      return;
    }
    Buffer body = Buffer.buffer(content);
    int status = 200;
    if (range instanceof ByteRange.Part p) {
      body = body.slice((int) p.first(), (int) p.last() + 1);
      status = 206;
      resp.putHeader(HttpHeaders.CONTENT_RANGE, p.contentRange(content.length));
    }
    resp.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, contentType(g.name(), true))
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
    ex.finished(status, end(resp, ex.head() ? null : body));
  }

  /** The range to serve; records the header on the exchange when it is honoured. */
  private static ByteRange range(Exchange ex, long size) {
    String header = ex.req.getHeader("Range");
    if (header == null || ex.req.getHeader("If-Range") != null) return ByteRange.WHOLE;
    ByteRange r = ByteRange.parse(header, size);
    if (!(r instanceof ByteRange.Whole)) ex.range = header;
    return r;
  }

  private static void error(Exchange ex, int status, String message) {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    HttpServerResponse resp = ex.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, TEXT)
        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length));
    ex.finished(status, end(resp, ex.head() ? null : Buffer.buffer(body)));
  }

  private static Future<Void> end(HttpServerResponse resp, Buffer body) {
    try {
      return body == null ? resp.end() : resp.end(body);
    } catch (RuntimeException e) {
      // The connection went away while the lookup ran.
      return Future.failedFuture(e);
    }
  }

  /** Text for menus and configuration files, bytes for everything else. */
  static String contentType(String name, boolean generated) {
    if (generated) return TEXT;
    String file = name.substring(name.lastIndexOf('/') + 1);
    if (name.startsWith("pxelinux.cfg/") || file.endsWith(".ipxe") || file.endsWith(".cfg")
        || file.startsWith("grub.cfg") || file.endsWith(".conf") || file.endsWith(".txt")) {
      return TEXT;
    }
    return BINARY;
  }
}
