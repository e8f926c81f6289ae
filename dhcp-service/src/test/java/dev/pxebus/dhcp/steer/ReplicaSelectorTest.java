package dev.pxebus.dhcp.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.events.replica.TftpReplicaEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which replicas are live and in which order new clients go to them. */
class ReplicaSelectorTest {
  private static final Duration STALE_AFTER = Duration.ofSeconds(15);
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final ReplicaSelector SELECTOR = new ReplicaSelector(STALE_AFTER);

  private static TftpReplicaEvent replica(String id, int transfers, long bytesPerSecond, boolean leaving, Instant at) {
    return new TftpReplicaEvent(id, "host-" + id, "10.0.0." + (id.hashCode() & 0x7f), 69, null, transfers,
        bytesPerSecond, leaving, at);
  }

  private static TftpReplicaEvent fresh(String id, int transfers, long bytesPerSecond) {
    return replica(id, transfers, bytesPerSecond, false, NOW.minusSeconds(1));
  }

  /** Announcements in, live replica ids out (least loaded first). */
  private record Case(List<TftpReplicaEvent> announcements, List<String> live) {}

  private static Arguments row(String name, List<TftpReplicaEvent> announcements, List<String> live) {
    return Arguments.of(named(name, new Case(announcements, live)));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        row("no announcements", List.of(), List.of()),
        row("one fresh replica", List.of(fresh("a", 0, 0)), List.of("a")),
        row("leaving replica excluded", List.of(
            fresh("a", 0, 0), replica("b", 0, 0, true, NOW)), List.of("a")),
        row("only leaving replicas", List.of(replica("a", 0, 0, true, NOW)), List.of()),
        row("stale replica excluded", List.of(
            fresh("a", 5, 0), replica("b", 0, 0, false, NOW.minus(STALE_AFTER).minusSeconds(1))), List.of("a")),
        row("exactly at the stale boundary is live", List.of(
            replica("a", 0, 0, false, NOW.minus(STALE_AFTER))), List.of("a")),
        row("a nanosecond past the boundary is stale", List.of(
            replica("a", 0, 0, false, NOW.minus(STALE_AFTER).minusNanos(1))), List.of()),
        row("announcement without a time excluded", List.of(replica("a", 0, 0, false, null)), List.of()),
        row("announcement from the future (clock skew) is live", List.of(
            replica("a", 0, 0, false, NOW.plusSeconds(30))), List.of("a")),
        row("fewest active transfers first", List.of(
            fresh("a", 3, 10), fresh("b", 1, 900_000), fresh("c", 2, 0)), List.of("b", "c", "a")),
        row("same transfers: lowest bytes/s first", List.of(
            fresh("a", 2, 5_000), fresh("b", 2, 100), fresh("c", 2, 1_000)), List.of("b", "c", "a")),
        row("same load: by replica id", List.of(
            fresh("tftp-2", 1, 50), fresh("tftp-10", 1, 50), fresh("tftp-1", 1, 50)),
            List.of("tftp-1", "tftp-10", "tftp-2")),
        row("mixed: stale and leaving dropped, rest ordered", List.of(
            fresh("z", 0, 0),
            replica("idle-but-stale", 0, 0, false, NOW.minusSeconds(60)),
            replica("idle-but-leaving", 0, 0, true, NOW),
            fresh("busy", 7, 0),
            fresh("y", 0, 10)), List.of("z", "y", "busy")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void liveReplicas(Case c) {
    assertEquals(c.live(), SELECTOR.live(c.announcements(), NOW).stream().map(TftpReplicaEvent::replicaId).toList());
    assertEquals(c.live().stream().findFirst(),
        SELECTOR.leastLoaded(c.announcements(), NOW).map(TftpReplicaEvent::replicaId));
  }

  @Test
  void leastLoadedOfNothingIsEmpty() {
    assertEquals(Optional.empty(), SELECTOR.leastLoaded(List.of(), NOW));
  }

  @Test
  void staleAfterMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new ReplicaSelector(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new ReplicaSelector(Duration.ofSeconds(-1)));
  }
}
