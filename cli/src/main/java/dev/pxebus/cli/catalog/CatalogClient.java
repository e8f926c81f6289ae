package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * catalog-service over HTTP ({@link HttpClient}, JSON through Jackson). Every failure is a {@link CatalogException}
 * carrying the one line to show and the exit code: an error response becomes its {@link ProblemLine}, no answer
 * becomes "cannot reach catalog-service at …". Not thread-safe in its use of the progress callbacks; one command
 * uses one client.
 */
public final class CatalogClient {
  public static final String DEFAULT_URL = "http://127.0.0.1:8070";
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** For JSON requests; blob uploads have none (a large kernel on a slow link takes what it takes). */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String JSON = "application/json";

  /**
   * A successful response.
   *
   * @param etag the ETag header, quotes included, if any
   */
  public record Response(int status, Optional<String> etag, JsonNode body) {}

  /** A stored blob, as {@code POST /blobs} reports it. */
  public record Blob(String sha256, long size) {}

  /** Query parameters, in order, repeatable. */
  public static final class Query {
    private final List<String[]> params = new ArrayList<>();

    public Query add(String name, Object value) {
      if (value != null) params.add(new String[] {name, value.toString()});
      return this;
    }

    String encoded() {
      if (params.isEmpty()) return "";
      StringBuilder b = new StringBuilder("?");
      for (String[] p : params) {
        if (b.length() > 1) b.append('&');
        b.append(encode(p[0])).append('=').append(encode(p[1]));
      }
      return b.toString();
    }
  }

  private final URI base;
  private final Optional<String> token;
  private final HttpClient http;

  /**
   * @param baseUrl e.g. {@code http://127.0.0.1:8070}; a trailing slash is ignored
   * @throws CatalogException (usage) if it is not an http(s) URL
   */
  public CatalogClient(String baseUrl, Optional<String> token) throws CatalogException {
    this.base = parseBase(baseUrl);
    this.token = token.map(String::strip).filter(t -> !t.isEmpty());
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  static URI parseBase(String baseUrl) throws CatalogException {
    String s = baseUrl == null ? "" : baseUrl.strip();
    while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
    URI u;
    try {
      u = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw CatalogException.usage("--catalog: not a URL: '" + baseUrl + "'");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
      throw CatalogException.usage("--catalog: want an http:// or https:// URL, not '" + baseUrl + "'");
    }
    return u;
  }

  public URI base() {
    return base;
  }

  /** One path segment (an id, a MAC), percent-encoded. */
  public static String segment(String s) {
    return encode(s);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public Response get(String path, Query query) throws CatalogException {
    return send(request(path + query.encoded()).GET(), path);
  }

  public Response post(String path, JsonNode body) throws CatalogException {
    return send(request(path).header("Content-Type", JSON).POST(json(body)), path);
  }

  /** PUT with {@code If-Match: etag} when an ETag is given. */
  public Response put(String path, JsonNode body, Optional<String> ifMatch) throws CatalogException {
    HttpRequest.Builder b = request(path).header("Content-Type", JSON).PUT(json(body));
    ifMatch.ifPresent(e -> b.header("If-Match", e));
    return send(b, path);
  }

  public Response delete(String path, Optional<String> ifMatch) throws CatalogException {
    HttpRequest.Builder b = request(path).DELETE();
    ifMatch.ifPresent(e -> b.header("If-Match", e));
    return send(b, path);
  }

  /**
   * Uploads a file to {@code POST /blobs}, streamed from disk (the HTTP client reads it in small chunks), hashing
   * it on the way so that what the service stored is checked against what was read.
   *
   * @param progress told the number of bytes handed to the connection so far, after each chunk
   */
  public Blob upload(Path file, LongConsumer progress) throws CatalogException {
    HttpRequest.BodyPublisher body;
    try {
      body = HttpRequest.BodyPublishers.ofFile(file);
    } catch (FileNotFoundException e) {
      throw CatalogException.usage("cannot read " + file + ": no such file");
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
    HttpRequest.Builder b = request("/blobs").header("Content-Type", "application/octet-stream")
        .POST(new Counted(body, sha, progress)).timeout(Duration.ofDays(1));
    JsonNode r = send(b, "/blobs").body();
    Blob blob = new Blob(r.path("sha256").asText(""), r.path("size").asLong(-1));
    String local = HexFormat.of().formatHex(sha.digest());
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      size = -1;
    }
    if (!blob.sha256().equals(local) || blob.size() != size) {
      throw new CatalogException(ExitCodes.REFUSED, "catalog-service stored " + file.getFileName() + " as "
          + blob.sha256() + " (" + blob.size() + " bytes), but the file read " + local + " (" + size
          + " bytes): did it change during the upload?");
    }
    return blob;
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
        .header("Accept", JSON + ", application/problem+json").timeout(REQUEST_TIMEOUT);
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  private static HttpRequest.BodyPublisher json(JsonNode body) {
    try {
      return HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that does not serialise: " + e.getMessage(), e);
    }
  }

  private Response send(HttpRequest.Builder request, String path) throws CatalogException {
    HttpResponse<byte[]> r;
    try {
      r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CatalogException(ExitCodes.UNREACHABLE, "interrupted waiting for catalog-service at " + base);
    }
    String text = new String(r.body(), StandardCharsets.UTF_8);
    JsonNode body = null;
    if (!text.isBlank()) {
      try {
        body = MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        body = null;
      }
    }
    if (r.statusCode() >= 400) {
      throw new CatalogException(r.statusCode() == 404 ? ExitCodes.NOT_FOUND : ExitCodes.REFUSED,
          ProblemLine.of(r.statusCode(), body, text));
    }
    if (r.statusCode() >= 300) {
      throw new CatalogException(ExitCodes.REFUSED, ProblemLine.of(r.statusCode(), null,
          "redirected to " + r.headers().firstValue("Location").orElse("?") + " (is --catalog right?)"));
    }
    if (body == null && r.statusCode() != 204) {
      if (text.isBlank()) body = MAPPER.nullNode();
      else throw new CatalogException(ExitCodes.REFUSED, "catalog-service at " + base + " answered " + path
          + " with something that is not JSON: " + ProblemLine.of(r.statusCode(), null, text));
    }
    return new Response(r.statusCode(), r.headers().firstValue("ETag"), body == null ? MAPPER.nullNode() : body);
  }

  private CatalogException unreachable(IOException e) {
    String why;
    if (e instanceof HttpConnectTimeoutException) {
      why = "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
    } else if (e instanceof HttpTimeoutException) {
      why = "no response within " + REQUEST_TIMEOUT.toSeconds() + " s";
    } else if (e instanceof ConnectException) {
      why = hasCause(e, UnresolvedAddressException.class) ? "unknown host " + base.getHost() : "connection refused";
    } else {
      why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    return new CatalogException(ExitCodes.UNREACHABLE, "cannot reach catalog-service at " + base + ": " + why, e);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) return true;
    }
    return false;
  }

  /** A body publisher that hashes and counts what the delegate publishes. */
  private static final class Counted implements HttpRequest.BodyPublisher {
    private final HttpRequest.BodyPublisher delegate;
    private final MessageDigest sha;
    private final LongConsumer progress;

    Counted(HttpRequest.BodyPublisher delegate, MessageDigest sha, LongConsumer progress) {
      this.delegate = delegate;
      this.sha = sha;
      this.progress = progress;
    }

    @Override
    public long contentLength() {
      return delegate.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      // A retry by the client subscribes again: start counting and hashing afresh.
      sha.reset();
      delegate.subscribe(new Flow.Subscriber<ByteBuffer>() {
        private long sent;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
          subscriber.onSubscribe(subscription);
        }

        @Override
        public void onNext(ByteBuffer item) {
          sha.update(item.duplicate());
          sent += item.remaining();
          subscriber.onNext(item);
          progress.accept(sent);
        }

        @Override
        public void onError(Throwable throwable) {
          subscriber.onError(throwable);
        }

        @Override
        public void onComplete() {
          subscriber.onComplete();
        }
      });
    }
  }
}
