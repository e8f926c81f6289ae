package dev.pxebus.catalog;

import dev.pxebus.runtime.CommonConfig;
import dev.pxebus.runtime.ConfigKey;
import dev.pxebus.runtime.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** catalog-service configuration, built once in {@link Main}. */
public record CatalogConfig(
    CommonConfig common,
    String httpHost,
    int httpPort,
    Path dataDir,
    Optional<String> token,
    boolean readsNeedToken,
    List<String> readTokens,
    long maxBodyBytes,
    long maxUploadBytes,
    Duration writeTimeout,
    boolean readOnly,
    Duration collectInterval,
    Duration collectGrace,
    int timelineAttempts,
    int timelineSteps,
    int timelineMachines) {

  public static final int DEFAULT_ADMIN_PORT = 9070;
  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String DATA_DIR = "catalog.data-dir";
  public static final String TOKEN = "catalog.token";
  public static final String READS_NEED_TOKEN = "catalog.reads-need-token";
  public static final String READ_TOKENS = "catalog.read-tokens";
  public static final String MAX_BODY_KIB = "catalog.max-body-kib";
  public static final String MAX_UPLOAD_MIB = "catalog.max-upload-mib";
  public static final String WRITE_TIMEOUT = "catalog.write-timeout";
  public static final String READ_ONLY = "catalog.read-only";
  public static final String COLLECT_INTERVAL = "catalog.collect-interval";
  public static final String COLLECT_GRACE = "catalog.collect-grace";
  public static final String TIMELINE_ATTEMPTS = "timeline.attempts";
  public static final String TIMELINE_STEPS = "timeline.steps";
  public static final String TIMELINE_MACHINES = "timeline.machines";

  public static List<ConfigKey> keys() {
    List<ConfigKey> keys = new ArrayList<>(CommonConfig.keys(DEFAULT_ADMIN_PORT));
    keys.add(ConfigKey.of(HTTP_HOST, "0.0.0.0", "address of the REST API"));
    keys.add(ConfigKey.of(HTTP_PORT, "8070", "port of the REST API (tftp-service's tftp.catalog-url points here); 0 picks a free one"));
    keys.add(ConfigKey.of(DATA_DIR, "/var/lib/pxebus/catalog",
        "local state: the blob store (blobs/sha256/…) and the generated write token (token)"));
    keys.add(ConfigKey.of(TOKEN, "",
        "bearer token for writes; empty = the one in <data-dir>/token, generated and printed once on first start"));
    keys.add(ConfigKey.of(READS_NEED_TOKEN, "false", "reads (GET, HEAD) need a token too: the write token or a read token"));
    keys.add(ConfigKey.of(READ_TOKENS, "", "comma-separated tokens that may read but not write (403 on writes)"));
    keys.add(ConfigKey.of(MAX_BODY_KIB, "1024", "largest JSON document accepted, in KiB (413 beyond)"));
    keys.add(ConfigKey.of(MAX_UPLOAD_MIB, "8192", "largest blob upload accepted, in MiB (413 beyond)"));
    keys.add(ConfigKey.of(WRITE_TIMEOUT, "5s", "how long a write waits for Kafka's acknowledgement before 503"));
    keys.add(ConfigKey.of(READ_ONLY, "false",
        "serve reads only, from the topics (a second instance); the writing instance must be the only one without it"));
    keys.add(ConfigKey.of(COLLECT_INTERVAL, "1h", "how often blobs no image references are deleted"));
    keys.add(ConfigKey.of(COLLECT_GRACE, "1h",
        "unreferenced blobs stored or re-uploaded more recently than this are kept (an image may be about to use them)"));
    keys.add(ConfigKey.of(TIMELINE_ATTEMPTS, "10", "boot attempts kept per machine for /hosts/{mac}/timeline"));
    keys.add(ConfigKey.of(TIMELINE_STEPS, "256", "steps kept per boot attempt (more are counted, not kept)"));
    keys.add(ConfigKey.of(TIMELINE_MACHINES, "100000", "machines whose timelines are held; the least recently seen go first"));
    return List.copyOf(keys);
  }

  public static CatalogConfig from(Settings s) {
    List<String> readTokens = s.optional(READ_TOKENS)
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList())
        .orElse(List.of());
    return new CatalogConfig(CommonConfig.from("catalog-service", s), s.string(HTTP_HOST), s.port(HTTP_PORT),
        s.path(DATA_DIR), s.optional(TOKEN), s.bool(READS_NEED_TOKEN), readTokens,
        s.integer(MAX_BODY_KIB, 1, 1 << 20) * 1024L, s.integer(MAX_UPLOAD_MIB, 1, 16 << 10) * (1L << 20),
        s.duration(WRITE_TIMEOUT), s.bool(READ_ONLY), s.duration(COLLECT_INTERVAL), s.duration(COLLECT_GRACE),
        s.integer(TIMELINE_ATTEMPTS, 1, 100), s.integer(TIMELINE_STEPS, 16, 10_000),
        s.integer(TIMELINE_MACHINES, 1, 10_000_000));
  }
}
