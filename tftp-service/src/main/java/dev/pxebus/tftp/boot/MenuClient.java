package dev.pxebus.tftp.boot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks menu-service for a generated file: {@code GET <base>/<name>?mac=&ip=&arch=&uuid=} (parameters the client is
 * not known by are left out), under one deadline for the whole exchange. After {@value #UNWELL_IN_A_ROW} failures in
 * a row that say menu-service is unwell (no connection, deadline passed, 5xx) it rests for a while and answers
 * {@link Failed} at once, so a machine probing ten pxelinux.cfg names does not wait out the deadline ten times. One
 * slow answer among good ones is not a reason to rest: under a boot storm that turned every machine's menu into
 * "not found" for the whole rest (bench/storm).
 */
final class MenuClient {
  private static final Logger LOG = LoggerFactory.getLogger(MenuClient.class);
  /** Menus are a few kilobytes; anything much bigger is not a menu. */
  static final int MAX_CONTENT_BYTES = 1 << 20;
  /** Unwell failures in a row, with no answer between them, that make the client rest. */
  static final int UNWELL_IN_A_ROW = 3;

  /** What menu-service said. */
  sealed interface Answer permits Content, Absent, Failed {}

  /** 200 with the file. */
  record Content(byte[] bytes) implements Answer {}

  /** 404 or 410: menu-service has no such file for this machine. */
  record Absent(int status) implements Answer {}

  /** Anything else; {@code unwell} when it says menu-service itself is failing. */
  record Failed(String reason, boolean unwell) implements Answer {}

  private final Vertx vertx;
  private final HttpClient http;
  private final URI base;
  private final Duration timeout;
  private final Duration retryAfter;
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private volatile long restUntilNanos;
  private volatile boolean resting;
  private final AtomicInteger unwellInARow = new AtomicInteger();

  MenuClient(Vertx vertx, HttpClient http, URI base, Duration timeout, Duration retryAfter, MeterRegistry registry) {
    this.vertx = vertx;
    this.http = http;
    this.base = base;
    this.timeout = timeout;
    this.retryAfter = retryAfter;
    this.registry = registry;
  }

  Future<Answer> fetch(SafePath.Name name, BootClient client) {
    if (resting && System.nanoTime() - restUntilNanos < 0) {
      count("skipped");
      return Future.succeededFuture(new Failed("menu-service is resting after a failure", false));
    }
    String url = url(name, client);
    return hedged(url, System.nanoTime() + timeout.toNanos())
        .map(answer -> {
          record(url, answer);
          return answer;
        });
  }

  /**
   * The request, and when it has no answer by half the deadline, the same request once more alongside it on a new
   * connection (a hedged request): whichever answers first is the answer, and only when every request sent has
   * failed is the fetch a failure. A menu is rendered in milliseconds, so a request without an answer after a
   * second is either lost or stuck behind an overloaded menu-service, and the first one is kept in case it is the
   * latter. Lost ones were seen: Vert.x 5.0.10's client, a connection per request, once in a few thousand requests
   * the server had received and answered, the answer never came (MenuFetchRegressionTest; no thread busy).
   */
  private Future<Answer> hedged(String url, long deadlineNanos) {
    Promise<Answer> result = Promise.promise();
    AtomicInteger open = new AtomicInteger(1);
    io.vertx.core.Handler<Answer> settle = answer -> {
      if (!(answer instanceof Failed) || open.decrementAndGet() == 0) result.tryComplete(answer);
    };
    attempt(url, deadlineNanos, true).onSuccess(settle);
    long hedgeMs = Math.max(1, timeout.toMillis() / 2);
    long timer = vertx.setTimer(hedgeMs, t -> {
      if (result.future().isComplete()) return;
      open.incrementAndGet();
      count("hedged");
      LOG.debug("menu-service: {}: no answer within {} ms; asking once more alongside", url, hedgeMs);
      attempt(url, deadlineNanos, false).onSuccess(settle);
    });
    return result.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /**
   * One GET under the deadline. A request that reached menu-service over a connection which then closed or reset
   * before any answer (menu-service restarting, a connection dropped on the way) is sent once more on a new
   * connection within what is left of the deadline: a GET of a menu is safe to repeat, and the machine would
   * otherwise boot from the static fallback. Not after a timeout (that one used the deadline up), not with less than a
   * quarter of the deadline left, and not when no connection could be made (menu-service is down: the rest logic
   * decides).
   */
  private Future<Answer> attempt(String url, long deadlineNanos, boolean mayRetry) {
    long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
            .setConnectTimeout(ms).setIdleTimeout(ms))
        .compose(req -> {
          sent.set(req);
          return req.send();
        })
        .compose(resp -> {
          int status = resp.statusCode();
          if (status == 404 || status == 410) return resp.end().<Answer>map(v -> new Absent(status));
          if (status != 200) {
            return resp.end().<Answer>map(v -> new Failed("menu-service answered " + status, status >= 500));
          }
          String length = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
          if (length != null && parseLong(length) > MAX_CONTENT_BYTES) {
            resp.exceptionHandler(ignored -> {});
            resp.request().reset();
            return Future.<Answer>succeededFuture(new Failed("menu-service sent " + length + " bytes", false));
          }
          return resp.body().<Answer>map(b -> b.length() > MAX_CONTENT_BYTES
              ? new Failed("menu-service sent " + b.length() + " bytes", false)
              : new Content(b.getBytes()));
        })
        .timeout(ms, TimeUnit.MILLISECONDS)
        .recover(e -> {
          HttpClientRequest req = sent.get();
          if (req != null) req.reset();
          boolean again = mayRetry && req != null && !(e instanceof java.util.concurrent.TimeoutException)
              && deadlineNanos - System.nanoTime() > timeout.toNanos() / 4;
          if (again) {
            LOG.debug("menu-service: {}: {}; asking once more", url, describe(e));
            count("retried");
            return attempt(url, deadlineNanos, false);
          }
          return Future.succeededFuture(new Failed(describe(e), true));
        });
  }

  private void record(String url, Answer answer) {
    if (answer instanceof Failed f) {
      count("failed");
      if (f.unwell() && !retryAfter.isZero() && unwellInARow.incrementAndGet() >= UNWELL_IN_A_ROW) {
        restUntilNanos = System.nanoTime() + retryAfter.toNanos();
        if (!resting) {
          LOG.warn("menu-service failed ({}: {}); serving generated names from the boot root, asking again in {} ms",
              url, f.reason(), retryAfter.toMillis());
        }
        resting = true;
      } else {
        LOG.debug("menu-service: {}: {}", url, f.reason());
      }
      return;
    }
    count(answer instanceof Content ? "generated" : "not_found");
    unwellInARow.set(0);
    if (resting) {
      resting = false;
      LOG.info("menu-service answers again ({})", base);
    }
  }

  private void count(String outcome) {
    counters.computeIfAbsent(outcome, o -> Counter.builder("pxebus.boot.menu.fetches")
        .description("generated-file requests to menu-service, by outcome").tag("outcome", o).register(registry))
        .increment();
  }

  String url(SafePath.Name name, BootClient client) {
    String prefix = base.toString();
    if (prefix.endsWith("/")) prefix = prefix.substring(0, prefix.length() - 1);
    StringBuilder b = new StringBuilder(prefix);
    for (String seg : name.segments()) b.append('/').append(encodeSegment(seg));
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    param(q, "mac", client.mac());
    param(q, "ip", client.ip());
    param(q, "arch", client.arch());
    param(q, "uuid", client.uuid());
    return b.append(q).toString();
  }

  private static void param(StringJoiner q, String key, String value) {
    if (value != null) q.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  /** Percent-encodes all but RFC 3986 §2.3 unreserved characters (names are printable ASCII, see SafePath). */
  static String encodeSegment(String seg) {
    StringBuilder b = new StringBuilder(seg.length());
    for (int i = 0; i < seg.length(); i++) {
      char c = seg.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        b.append(c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4 & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return b.toString();
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private String describe(Throwable e) {
    if (e instanceof java.util.concurrent.TimeoutException) return "no answer within " + timeout.toMillis() + " ms";
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
