package dev.pxebus.tftp.http;

import dev.pxebus.tftp.boot.Lookup;

/**
 * One request {@link HttpFileVerticle} answered, handed to its listener once the response is over (sent, or the
 * connection lost), e.g. to publish an {@code HttpFileEvent}.
 *
 * @param clientIp the peer's address
 * @param mac the {@code mac} query parameter in canonical form, or null (a plain GET carries no MAC)
 * @param method GET, HEAD, or the method refused with 405
 * @param path the request path as sent, not decoded, cut to {@value #MAX_PATH} characters
 * @param status the status sent
 * @param bytes body bytes sent (0 for HEAD)
 * @param durationMs from the request's arrival to the end of the response
 * @param range the Range header when the answer was 206 or 416, else null
 * @param origin where the content came from, null when none was served
 * @param completed false when the connection was lost before the response was fully sent
 */
public record HttpFileAccess(
    String clientIp,
    String mac,
    String method,
    String path,
    int status,
    long bytes,
    long durationMs,
    String range,
    Lookup.Origin origin,
    boolean completed) {
  public static final int MAX_PATH = 1024;

  /** Served in full (2xx) and completely sent. */
  public boolean served() {
    return completed && status >= 200 && status < 300;
  }
}
