package dev.pxebus.catalog.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;

/**
 * Bearer-token authorisation (RFC 6750) in front of every route except the contract.
 *
 * <ul>
 *   <li>Writes (every method but GET and HEAD) need the write token.
 *   <li>Reads are open, or — with {@code readsNeedToken} — need the write token or one of the read tokens.
 *   <li>No credentials, or a token that is none of them: 401 with {@code WWW-Authenticate: Bearer realm="pxebus"}
 *       (and {@code error="invalid_token"} for a wrong one). A read token on a write: 403
 *       ({@code error="insufficient_scope"}).
 * </ul>
 *
 * Tokens are compared in constant time: both sides are hashed with SHA-256 first, so neither the content nor the
 * length of the configured token leaks through timing, and {@link MessageDigest#isEqual} compares the digests
 * without an early exit.
 */
public final class BearerAuth implements Handler<RoutingContext> {
  private static final String REALM = "Bearer realm=\"pxebus\"";
  private final byte[] writeDigest;
  private final List<byte[]> readDigests;
  private final boolean readsNeedToken;

  public BearerAuth(String writeToken, List<String> readTokens, boolean readsNeedToken) {
    if (Objects.requireNonNull(writeToken, "writeToken").isEmpty()) throw new IllegalArgumentException("empty token");
    this.writeDigest = digest(writeToken);
    this.readDigests = readTokens.stream().map(BearerAuth::digest).toList();
    this.readsNeedToken = readsNeedToken;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  enum Grant { NONE, READ, WRITE }

  /** What the Authorization header value grants; NONE also for a malformed header. */
  Grant grant(String authorization) {
    if (authorization == null) return Grant.NONE;
    String v = authorization.trim();
    if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) return Grant.NONE;
    byte[] d = digest(v.substring(7).trim());
    // Every comparison is made, whichever matches: the time taken does not tell which kind of token it was.
    boolean write = MessageDigest.isEqual(d, writeDigest);
    boolean read = false;
    for (byte[] r : readDigests) read |= MessageDigest.isEqual(d, r);
    return write ? Grant.WRITE : read ? Grant.READ : Grant.NONE;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod m = ctx.request().method();
    boolean read = m == HttpMethod.GET || m == HttpMethod.HEAD;
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (read && !readsNeedToken) {
      ctx.next();
      return;
    }
    Grant g = grant(header);
    if (g == Grant.WRITE || (read && g == Grant.READ)) {
      ctx.next();
      return;
    }
    // A refused write's body is not read: close the connection after answering rather than drain it.
    if (!read) ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    if (g == Grant.READ) {
      ctx.response().putHeader("WWW-Authenticate", REALM + ", error=\"insufficient_scope\"");
      Problems.send(ctx.response(), 403, "forbidden", "Forbidden",
          "this token may only read: writes need the catalog's write token");
      return;
    }
    boolean presented = header != null && !header.isBlank();
    ctx.response().putHeader("WWW-Authenticate", presented ? REALM + ", error=\"invalid_token\"" : REALM);
    Problems.send(ctx.response(), 401, "unauthorized", "Unauthorized", presented
        ? "the bearer token is not valid for this catalog"
        : (read ? "reads" : "writes") + " need Authorization: Bearer <token>");
  }
}
