package dev.pxebus.dhcp.lease;

import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.await;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.latest;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.lease;
import static dev.pxebus.dhcp.lease.LeaseJournalFixtures.onlyLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.dhcp.lease.LeaseJournal.Options;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a crash leaves at the end of a log segment: a record cut short or garbled. Recovery keeps every record before
 * it, cuts the file there, and appending goes on.
 */
class LeaseJournalTornTailTest {

  @TempDir
  Path dir;

  /** Damage done to the log; {@code lengthBefore} is where the last record starts, {@code length} the file's end. */
  @FunctionalInterface
  interface Damage {
    void apply(Path log, long lengthBefore, long length) throws IOException;
  }

  /** A kind of damage, and whether the last record is still whole after it. */
  record Case(Damage damage, boolean lastRecordSurvives) {}

  static Stream<Arguments> damages() {
    return Stream.of(
        Arguments.of(named("cut 3 bytes short", new Case((log, before, end) -> cut(log, end - 3), false))),
        Arguments.of(named("cut inside the last record's prefix",
            new Case((log, before, end) -> cut(log, before + 5), false))),
        Arguments.of(named("only the last record's first byte", new Case((log, before, end) -> cut(log, before + 1),
            false))),
        Arguments.of(named("last byte of the last record flipped", new Case((log, before, end) -> flip(log, end - 1),
            false))),
        Arguments.of(named("length of the last record flipped", new Case((log, before, end) -> flip(log, before + 2),
            false))),
        Arguments.of(named("checksum of the last record flipped",
            new Case((log, before, end) -> flip(log, before + 6), false))),
        Arguments.of(named("zeros after the last record (space allocated, never written)",
            new Case((log, before, end) -> append(log, new byte[4096]), true))),
        Arguments.of(named("half a record after the last one",
            new Case((log, before, end) -> append(log, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 1, 1}), true))),
        Arguments.of(named("a length beyond any record", new Case((log, before, end) -> append(log,
            new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0}), true))));
  }

  @ParameterizedTest
  @MethodSource("damages")
  void recoveryKeepsTheIntactPrefixAndCutsTheRest(Case c) throws Exception {
    List<LeaseRecord> written = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      written.add(lease("client-" + i, i));
    }
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      await(j.appendAll(written.subList(0, 9)));
    }
    Path log = onlyLog(dir);
    long before = Files.size(log);
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      await(j.append(written.get(9)));
    }
    long end = Files.size(log);

    c.damage().apply(log, before, end);

    List<LeaseRecord> kept = c.lastRecordSurvives() ? written : written.subList(0, 9);
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(latest(kept), j.recovered());
      assertEquals(c.lastRecordSurvives() ? end : before, Files.size(log), "cut back to the intact prefix");
      await(j.append(lease("after-recovery", 100)));
    }
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      List<LeaseRecord> expected = new ArrayList<>(kept);
      expected.add(lease("after-recovery", 100));
      assertEquals(latest(expected), j.recovered());
    }
  }

  static Stream<Arguments> tornHeaders() {
    return Stream.of(
        Arguments.of(named("no bytes at all", 0)),
        Arguments.of(named("7 of the 20 header bytes", 7)),
        Arguments.of(named("19 of the 20 header bytes", 19)));
  }

  @ParameterizedTest
  @MethodSource("tornHeaders")
  void aSegmentWhoseHeaderNeverReachedTheDiskStartsAfresh(int headerBytes) throws Exception {
    LeaseJournal.open(dir, Options.defaults()).close();
    Path log = onlyLog(dir);
    cut(log, headerBytes);
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(Map.of(), j.recovered());
      assertEquals(JournalFormat.HEADER_BYTES, Files.size(log));
      await(j.append(lease("a", 1)));
    }
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(Map.of("a", lease("a", 1)), j.recovered());
    }
  }

  @Test
  void anAllZeroHeaderCountsAsNeverWritten() throws Exception {
    LeaseJournal.open(dir, Options.defaults()).close();
    Path log = onlyLog(dir);
    Files.write(log, new byte[64]);
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(Map.of(), j.recovered());
      assertEquals(JournalFormat.HEADER_BYTES, Files.size(log));
    }
  }

  @Test
  void aDamagedHeaderInFrontOfRecordsIsRefusedNotGuessed() throws Exception {
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      await(j.append(lease("a", 1)));
    }
    Path log = onlyLog(dir);
    long length = Files.size(log);
    flip(log, 10);
    IOException e = assertThrows(IOException.class, () -> LeaseJournal.open(dir, Options.defaults()));
    assertTrue(e.getMessage().contains("the header of " + log.getFileName() + " is damaged"), e.getMessage());
    assertEquals(length, Files.size(log), "nothing cut");
    flip(log, 10);
    try (LeaseJournal j = LeaseJournal.open(dir, Options.defaults())) {
      assertEquals(Map.of("a", lease("a", 1)), j.recovered(), "the refused open released the lock");
    }
  }

  @Test
  void aFileThatIsNotAJournalIsRefused() throws Exception {
    LeaseJournal.open(dir, Options.defaults()).close();
    Files.writeString(onlyLog(dir), "#!/bin/sh\necho this is not a lease journal\n");
    IOException e = assertThrows(IOException.class, () -> LeaseJournal.open(dir, Options.defaults()));
    assertTrue(e.getMessage().contains("is not a lease journal file"), e.getMessage());
  }

  private static void cut(Path file, long length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(length);
    }
  }

  private static void flip(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x5A);
    }
  }

  private static void append(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.APPEND);
  }
}
