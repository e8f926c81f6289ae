package dev.pxebus.dhcp.lease;

import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.lease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pxebus.dhcp.lease.LeaseJournal.Options;
import dev.pxebus.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real crash: a child JVM appends as fast as it can, the test kills it with SIGKILL once it has seen 2000 records
 * acknowledged, and every acknowledged record (or a later one for the same client) must be there on reopen. Three
 * rounds on one directory, so each child starts from what the crash of the one before left.
 */
class LeaseJournalCrashTest {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseJournalCrashTest.class);
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int CLIENTS = 1500;
  private static final int ACKS_BEFORE_KILL = 2000;
  private static final int ROUNDS = 3;

  @TempDir
  Path tmp;

  @Test
  void everyAcknowledgedRecordSurvivesSigkill() throws Exception {
    Path dir = tmp.resolve("journal");
    // The latest acknowledged sequence number per client, over all rounds.
    Map<String, Long> acked = new ConcurrentHashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      long acks = runAndKill(dir, round * 10_000_000L, acked, tmp.resolve("child-" + round + ".stderr"));
      try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
        Map<String, LeaseRecord> recovered = j.recovered();
        LOG.info("round {}: child killed after {} acknowledged appends; recovered {} clients; files {}", round, acks,
            recovered.size(), LeaseJournalFixtures.fileNames(dir));
        for (Map.Entry<String, Long> a : acked.entrySet()) {
          LeaseRecord r = recovered.get(a.getKey());
          assertNotNull(r, () -> "acknowledged " + a + " is lost");
          assertTrue(r.startMillis() >= a.getValue(), () -> "acknowledged " + a + " but recovered the older " + r);
        }
        for (LeaseRecord r : recovered.values()) {
          assertEquals(lease(r.clientKey(), r.startMillis()), r, "recovered exactly what was written");
        }
      }
    }
  }

  /** Runs a child from {@code firstSeq} until it has acknowledged enough, SIGKILLs it; returns its acknowledgements. */
  private long runAndKill(Path dir, long firstSeq, Map<String, Long> acked, Path stderr) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LeaseJournalCrashChild.class.getName(), dir.toString(), String.valueOf(CLIENTS), String.valueOf(firstSeq))
        .redirectError(stderr.toFile())
        .start();
    AtomicLong acks = new AtomicLong();
    AtomicBoolean opened = new AtomicBoolean();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.equals("open")) {
            opened.set(true);
          } else if (line.startsWith("ack ")) {
            String[] f = line.split(" ");
            acked.merge(f[1], Long.parseLong(f[2]), Math::max);
            acks.incrementAndGet();
          } else if (line.startsWith("failed ")) {
            LOG.error("child: {}", line);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, "crash-child-stdout");
    reader.setDaemon(true);
    reader.start();

    int exit;
    try {
      Await.until(DEADLINE, () -> opened.get() || !child.isAlive(), () -> "child opened the journal; " + err(stderr));
      assertTrue(child.isAlive(), () -> "child died: " + err(stderr));

      JournalLockedException locked = assertThrows(JournalLockedException.class,
          () -> LeaseJournal.open(dir, Options.defaults()), "the child holds the directory");
      assertTrue(locked.getMessage().contains("pid " + child.pid()), locked.getMessage());

      Await.until(DEADLINE, () -> acks.get() >= ACKS_BEFORE_KILL || !child.isAlive(),
          () -> ACKS_BEFORE_KILL + " acknowledgements, have " + acks.get() + "; " + err(stderr));
      assertTrue(child.isAlive(), () -> "child died: " + err(stderr));
      child.destroyForcibly(); // SIGKILL
      if (!child.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        fail("child still alive after SIGKILL");
      }
      exit = child.exitValue();
    } finally {
      child.destroyForcibly();
    }
    reader.join(DEADLINE.toMillis()); // what the child printed before it died, up to EOF
    assertFalse(reader.isAlive(), "child's stdout reached its end");
    assertEquals(128 + 9, exit, "killed by SIGKILL");
    return acks.get();
  }

  private static String err(Path stderr) {
    try {
      return Files.exists(stderr) ? "child stderr: " + Files.readString(stderr) : "no stderr";
    } catch (IOException e) {
      return "stderr unreadable: " + e;
    }
  }
}
