package dev.pxebus.runtime.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;

/** Client settings every pxebus Kafka client shares. */
final class ClientProps {
  private ClientProps() {}

  /**
   * Connection settings for a client that must outlive broker outages: while the broker is down a client retries
   * its connection with exponential backoff; the defaults cap that at 1 s for reconnects but start at 50 ms, which
   * together with a WARN per failed attempt floods the log. These start at 200 ms and cap at 1 s.
   */
  static Properties base(String bootstrapServers, String clientId) {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    p.put(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, "200");
    p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    p.put(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, "200");
    p.put(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG, "1000");
    p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "2000");
    p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "10000");
    return p;
  }

  static void putAll(Properties target, Map<String, String> extra) {
    extra.forEach(target::put);
  }

  /** The message of the innermost cause, for one-line logs and {@code lastError}. */
  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t
        && (t instanceof ExecutionException || t instanceof CompletionException)) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
