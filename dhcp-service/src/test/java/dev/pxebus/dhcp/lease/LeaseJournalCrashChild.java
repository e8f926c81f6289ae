package dev.pxebus.dhcp.lease;

import dev.pxebus.dhcp.lease.LeaseJournal.Options;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * The process {@link LeaseJournalCrashTest} kills: appends without end to the journal in {@code args[0]}, over
 * {@code args[1]} clients, with sequence numbers from {@code args[2]} up, keeping up to 64 appends in flight, and prints {@code ack <clientKey> <seq>} for each
 * record whose future completed. stdout is its report to the test (the log goes there too, in other lines).
 */
public final class LeaseJournalCrashChild {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int clients = Integer.parseInt(args[1]);
    long firstSeq = Long.parseLong(args[2]);
    PrintStream out = System.out;
    LeaseJournal journal = LeaseJournal.open(dir, new Options(500, Duration.ZERO));
    out.println("open");
    Semaphore inFlight = new Semaphore(64);
    for (long seq = firstSeq; seq < firstSeq + 100_000_000L; seq++) {
      inFlight.acquire();
      LeaseRecord r = LeaseJournalFixtures.lease("client-" + (seq % clients), seq);
      journal.append(r).whenComplete((ok, failed) -> {
        inFlight.release();
        out.println(failed == null ? "ack " + r.clientKey() + " " + r.startMillis() : "failed " + failed);
      });
    }
    journal.close();
  }
}
