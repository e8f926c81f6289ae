package dev.pxebus.tftp.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Where {@link HttpFileVerticle} listens.
 *
 * @param host address to bind ({@code 0.0.0.0}: all)
 * @param port TCP port; 0 picks a free one (tests)
 * @param reusePort share the port with other replicas on the host ({@code SO_REUSEPORT})
 * @param idleTimeout a connection with no traffic either way for this long is closed (a client that stopped
 *     reading an initrd, an idle keep-alive)
 */
public record HttpFileOptions(String host, int port, boolean reusePort, Duration idleTimeout) {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8069;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  public HttpFileOptions {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535: " + port);
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
    }
  }

  public static HttpFileOptions of(String host, int port, boolean reusePort) {
    return new HttpFileOptions(host, port, reusePort, DEFAULT_IDLE_TIMEOUT);
  }
}
