package dev.pxebus.tftp.boot;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real HTTP server on loopback playing menu-service ({@code GET /pxelinux.cfg/…}, {@code /boot.ipxe}, {@code /grub/…})
 * and catalog-service's blob endpoint ({@code GET /blobs/<sha256>}). Each path is told how to behave: answer,
 * answer with a status, never answer, stall mid-body, or wait behind a gate the test opens. Unknown paths are 404.
 * Every request is recorded.
 */
public final class FakeUpstream {
  /** A request as the server saw it. */
  public record Seen(String path, Map<String, String> query) {}

  private final Map<String, Consumer<HttpServerRequest>> routes = new ConcurrentHashMap<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public static Future<FakeUpstream> start(Vertx vertx) {
    FakeUpstream u = new FakeUpstream();
    return vertx.createHttpServer().requestHandler(u::handle).listen(0, "127.0.0.1").map(s -> {
      u.server = s;
      return u;
    });
  }

  private void handle(HttpServerRequest req) {
    Map<String, String> query = new LinkedHashMap<>();
    req.params().forEach(e -> query.put(e.getKey(), e.getValue()));
    seen.add(new Seen(req.path(), query));
    routes.getOrDefault(req.path(), r -> r.response().setStatusCode(404).end("no such file\n")).accept(req);
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  public int port() {
    return server.actualPort();
  }

  public FakeUpstream respond(String path, int status, String body) {
    return respond(path, status, Buffer.buffer(body).getBytes());
  }

  public FakeUpstream respond(String path, int status, byte[] body) {
    routes.put(path, r -> r.response().setStatusCode(status).end(Buffer.buffer(body)));
    return this;
  }

  /**
   * Closes the connection of the first {@code drops} requests for {@code path} without an answer (a server going down
   * mid-request), then answers with {@code body}.
   */
  public FakeUpstream dropThenRespond(String path, int drops, String body) {
    AtomicInteger left = new AtomicInteger(drops);
    routes.put(path, r -> {
      if (left.getAndDecrement() > 0) r.connection().close();
      else r.response().setStatusCode(200).end(body);
    });
    return this;
  }

  /** Never answers the first {@code hangs} requests for {@code path} (lost answers), then answers with {@code body}. */
  public FakeUpstream hangThenRespond(String path, int hangs, String body) {
    AtomicInteger left = new AtomicInteger(hangs);
    routes.put(path, r -> {
      if (left.getAndDecrement() <= 0) r.response().setStatusCode(200).end(body);
    });
    return this;
  }

  /** Accepts the request and never answers. */
  public FakeUpstream hang(String path) {
    routes.put(path, r -> {});
    return this;
  }

  /** Sends the headers and the first {@code before} bytes of {@code body}, then nothing more. */
  public FakeUpstream stall(String path, byte[] body, int before) {
    routes.put(path, r -> {
      HttpServerResponse resp = r.response().putHeader("content-length", Integer.toString(body.length));
      resp.write(Buffer.buffer(body).slice(0, before));
    });
    return this;
  }

  /** Serves {@code content} as the blob of its own sha256; returns the hash. */
  public String blob(byte[] content) {
    String sha = sha256(content);
    respond("/blobs/" + sha, 200, content);
    return sha;
  }

  /** Serves {@code content} as its blob to requests bearing {@code token} only (401 otherwise); returns the hash. */
  public String protectedBlob(byte[] content, String token) {
    String sha = sha256(content);
    routes.put("/blobs/" + sha, r -> {
      if (("Bearer " + token).equals(r.getHeader("Authorization"))) {
        r.response().setStatusCode(200).end(Buffer.buffer(content));
      } else {
        r.response().setStatusCode(401).end("a token is needed\n");
      }
    });
    return sha;
  }

  /** Serves {@code wrong} under the hash of {@code right}: a corrupted blob. Returns the hash of {@code right}. */
  public String corruptBlob(byte[] right, byte[] wrong) {
    String sha = sha256(right);
    respond("/blobs/" + sha, 200, wrong);
    return sha;
  }

  /** Holds every request for {@code path} until {@link Gate#open()}, then answers them all with {@code body}. */
  public Gate gate(String path, byte[] body) {
    Gate g = new Gate(body);
    routes.put(path, g::hold);
    return g;
  }

  /** Requests held by {@link #gate}. */
  public static final class Gate {
    private final byte[] body;
    private final List<Map.Entry<Context, HttpServerRequest>> held = new ArrayList<>();
    private boolean open;

    private Gate(byte[] body) {
      this.body = body;
    }

    private synchronized void hold(HttpServerRequest r) {
      if (open) r.response().end(Buffer.buffer(body));
      else held.add(Map.entry(Vertx.currentContext(), r));
    }

    public synchronized void open() {
      open = true;
      for (Map.Entry<Context, HttpServerRequest> e : held) {
        e.getKey().runOnContext(v -> e.getValue().response().end(Buffer.buffer(body)));
      }
      held.clear();
    }
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public List<Seen> seen(String path) {
    return seen.stream().filter(s -> s.path().equals(path)).toList();
  }

  public int count(String path) {
    return seen(path).size();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
