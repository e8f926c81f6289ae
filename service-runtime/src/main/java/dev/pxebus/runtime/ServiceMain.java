package dev.pxebus.runtime;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service's {@code Main} does: read the configuration once (file from {@code --config} or
 * {@code PXEBUS_CONFIG}, then {@code PXEBUS_*} environment variables), start, log where it listens and how long
 * start-up took, and stop cleanly on SIGTERM/SIGINT.
 */
public final class ServiceMain {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private ServiceMain() {}

  /** Parses the command line and environment; exits the JVM on --help or a configuration error. */
  public static void run(String service, List<ConfigKey> keys, String[] args,
      Function<Settings, Future<? extends RunningService>> starter) {
    Optional<Path> file = Optional.ofNullable(System.getenv("PXEBUS_CONFIG")).filter(s -> !s.isBlank()).map(Path::of);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-h", "--help" -> {
          usage(service, keys, System.out);
          System.exit(0);
        }
        case "-c", "--config" -> {
          if (i + 1 >= args.length) fail(service, "--config needs a file");
          file = Optional.of(Path.of(args[++i]));
        }
        default -> {
          usage(service, keys, System.err);
          fail(service, "unknown argument '" + args[i] + "'");
        }
      }
    }
    if (file.isPresent() && !Files.isRegularFile(file.get())) fail(service, "config file " + file.get() + " does not exist");
    Settings settings;
    try {
      settings = Settings.load(keys, file, System.getenv(), Map.of());
    } catch (ConfigException e) {
      fail(service, e.getMessage());
      return;
    }
    long t0 = System.nanoTime();
    RunningService running;
    try {
      running = starter.apply(settings).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      fail(service, e.getMessage());
      return;
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      LOG.error("{} failed to start: {}", service, cause.getMessage(), cause);
      System.exit(1);
      return;
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long jvm = ManagementFactory.getRuntimeMXBean().getUptime();
    for (String line : running.endpoints()) LOG.info("{}: {}", service, line);
    LOG.info("{} started in {} ms ({} ms since JVM start)", service, ms, jvm);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("{} stopping (signal)", service);
      try {
        running.close().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("{} stopped", service);
      } catch (Exception e) {
        LOG.warn("{} did not stop cleanly within {}: {}", service, STOP_TIMEOUT, e.toString());
      }
    }, service + "-shutdown"));
  }

  private static void fail(String service, String message) {
    System.err.println(service + ": configuration error: " + message);
    System.err.println("(see --help for every key, its default and its environment variable)");
    System.exit(2);
  }

  public static void usage(String service, List<ConfigKey> keys, PrintStream out) {
    out.println("usage: " + service + " [--config FILE]");
    out.println();
    out.println("Configuration: defaults < properties file (--config, or PXEBUS_CONFIG) < environment variables.");
    out.println();
    out.printf("  %-28s %-30s %-22s %s%n", "key", "environment", "default", "meaning");
    for (ConfigKey k : keys) {
      out.printf("  %-28s %-30s %-22s %s%n", k.name(), k.envName(),
          k.defaultValue() == null || k.defaultValue().isEmpty() ? "(none)" : k.defaultValue(), k.description());
    }
  }
}
