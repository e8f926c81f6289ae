package dev.pxebus.dhcp.lease;

import dev.pxebus.dhcp.lease.LeaseRecord.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Records and file helpers shared by the journal tests. */
final class LeaseJournalFixtures {

  static final long DEADLINE_SECONDS = 60;

  private LeaseJournalFixtures() {}

  /** The record a test writes for {@code key} at sequence number {@code seq}: every field follows from the two. */
  static LeaseRecord lease(String key, long seq) {
    State state = seq % 7 == 6 ? State.RELEASED : State.BOUND;
    return new LeaseRecord(key, mac(key), 0x0A000000 | (int) (seq & 0xFFFFFF), state, seq, seq + 3_600_000L,
        seq % 5 == 0 ? null : "host-" + key);
  }

  static String mac(String key) {
    int h = key.hashCode();
    return String.format("52:54:00:%02x:%02x:%02x", (h >>> 16) & 0xFF, (h >>> 8) & 0xFF, h & 0xFF);
  }

  /** The latest record per key, as the journal must recover it. */
  static Map<String, LeaseRecord> latest(List<LeaseRecord> records) {
    Map<String, LeaseRecord> m = new HashMap<>();
    for (LeaseRecord r : records) {
      m.put(r.clientKey(), r);
    }
    return m;
  }

  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError("append failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("append not durable after " + DEADLINE_SECONDS + " s", e);
    }
  }

  /** The cause a failed future failed with. */
  static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future neither completed nor failed", e);
    }
    throw new AssertionError("future completed normally, failure expected");
  }

  static List<String> fileNames(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the intact records of a log segment end; zeros grown ahead of them may follow. */
  static long recordsEnd(Path log) {
    String name = log.getFileName().toString();
    try {
      return JournalFiles.replayLog(log, Long.parseLong(name.substring("log-".length())), r -> {}).validLength();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The single log segment of a journal that has never compacted. */
  static Path onlyLog(Path dir) {
    List<String> logs = fileNames(dir).stream().filter(n -> n.startsWith("log-")).collect(Collectors.toList());
    if (logs.size() != 1) {
      throw new AssertionError("one log segment expected in " + dir + ", found " + fileNames(dir));
    }
    return dir.resolve(logs.get(0));
  }
}
