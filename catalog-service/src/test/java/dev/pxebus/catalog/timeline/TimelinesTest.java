package dev.pxebus.catalog.timeline;

import static dev.pxebus.catalog.timeline.TimelineFixtures.MAC;
import static dev.pxebus.catalog.timeline.TimelineFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.events.lease.LeaseState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Timelines} fed by hand: ordering, late and duplicate steps, the three bounds, leases and odd data. A
 * timeline is compared as a summary line read from its JSON: attempts newest first, {@code attempt: step ids in
 * order (+n dropped)}, separated by {@code |}.
 */
class TimelinesTest {

  /** A step to feed: envelope id, boot attempt, milliseconds after T0, record offset, stage. */
  record Feed(String id, String attempt, int ms, long offset, BootStage stage) {}

  static Feed f(String id, String attempt, int ms, long offset, BootStage stage) {
    return new Feed(id, attempt, ms, offset, stage);
  }

  static Envelope<BootStepEvent> envelope(String mac, Feed f) {
    BootStepEvent data = switch (f.stage().family()) {
      case DHCP -> TimelineFixtures.dhcp(mac, f.stage());
      case TFTP -> TimelineFixtures.tftp(mac, f.stage(), "pxelinux.0", 42_430);
      case HTTP -> TimelineFixtures.http(mac, f.stage(), "/images/debian-12-amd64/linux", 200, 8_247_232);
      case MENU -> TimelineFixtures.menu(mac, MenuSelection.HOST);
      case INSTALL -> TimelineFixtures.installed(mac);
    };
    String source = switch (f.stage().family()) {
      case DHCP -> TimelineFixtures.DHCP;
      case MENU, INSTALL -> TimelineFixtures.MENU;
      default -> TimelineFixtures.TFTP;
    };
    return TimelineFixtures.envelope(f.id(), f.attempt(), T0.plusMillis(f.ms()), source, data);
  }

  static String results(Timelines t, String mac, List<Feed> feeds) {
    List<String> out = new ArrayList<>();
    for (Feed f : feeds) out.add(t.apply(envelope(mac, f), 0, f.offset()).name());
    return String.join(" ", out);
  }

  static String summary(Timelines t, String mac) {
    return t.timelineJson(mac, 100).map(j -> j.getJsonArray("attempts").stream().map(o -> {
      JsonObject a = (JsonObject) o;
      String steps = a.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("id"))
          .collect(Collectors.joining(" "));
      long dropped = a.getLong("droppedSteps");
      return a.getString("bootAttemptId") + ": " + steps + (dropped > 0 ? " (+" + dropped + " dropped)" : "");
    }).collect(Collectors.joining(" | "))).orElse("(not held)");
  }

  static Stream<Arguments> timelines() {
    BootStage d = BootStage.DHCP_DISCOVER;
    BootStage o = BootStage.DHCP_OFFER;
    BootStage r = BootStage.DHCP_REQUEST;
    TimelineOptions defaults = TimelineOptions.defaults();
    TimelineOptions twoAttempts = defaults.withMaxAttemptsPerHost(2);
    TimelineOptions twoSteps = defaults.withMaxStepsPerAttempt(2);
    return Stream.of(
        Arguments.of("steps in time order", defaults,
            List.of(f("d1", "a", 0, 0, d), f("o1", "a", 10, 1, o)),
            "ADDED ADDED", "a: d1 o1"),
        Arguments.of("order is by time, not by arrival", defaults,
            List.of(f("o1", "a", 10, 0, o), f("d1", "a", 0, 1, d)),
            "ADDED ADDED", "a: d1 o1"),
        Arguments.of("equal times are ordered by offset", defaults,
            List.of(f("x", "a", 5, 7, d), f("y", "a", 5, 3, o)),
            "ADDED ADDED", "a: y x"),
        Arguments.of("attempts newest first, by their first step", defaults,
            List.of(f("a1", "a", 0, 0, d), f("b1", "b", 100, 1, d), f("c1", "c", 50, 2, d)),
            "ADDED ADDED ADDED", "b: b1 | c: c1 | a: a1"),
        Arguments.of("a late step of an older attempt goes into that attempt, in its place", defaults,
            List.of(f("d1", "a", 0, 0, d), f("r1", "a", 20, 1, r), f("d2", "b", 100, 2, d), f("o1", "a", 10, 3, o)),
            "ADDED ADDED ADDED ADDED", "b: d2 | a: d1 o1 r1"),
        Arguments.of("a duplicate envelope id is counted once", defaults,
            List.of(f("d1", "a", 0, 0, d), f("o1", "a", 10, 1, o), f("d1", "a", 0, 0, d)),
            "ADDED ADDED DUPLICATE", "a: d1 o1"),
        Arguments.of("a republished envelope (same id, new offset) is a duplicate", defaults,
            List.of(f("d1", "a", 0, 0, d), f("d1", "a", 0, 9, d)),
            "ADDED DUPLICATE", "a: d1"),
        Arguments.of("a replayed batch is counted once", defaults,
            List.of(f("d1", "a", 0, 0, d), f("o1", "a", 10, 1, o), f("d1", "a", 0, 0, d), f("o1", "a", 10, 1, o)),
            "ADDED ADDED DUPLICATE DUPLICATE", "a: d1 o1"),
        Arguments.of("the attempt bound evicts the attempt that started first", twoAttempts,
            List.of(f("a1", "a", 0, 0, d), f("b1", "b", 100, 1, d), f("c1", "c", 200, 2, d)),
            "ADDED ADDED ADDED", "c: c1 | b: b1"),
        Arguments.of("a straggler of an evicted attempt is stale, not resurrected", twoAttempts,
            List.of(f("a1", "a", 0, 0, d), f("b1", "b", 100, 1, d), f("c1", "c", 200, 2, d), f("a2", "a", 10, 3, o)),
            "ADDED ADDED ADDED STALE", "c: c1 | b: b1"),
        Arguments.of("a new attempt older than every held one is stale", twoAttempts,
            List.of(f("b1", "b", 100, 0, d), f("c1", "c", 200, 1, d), f("a1", "a", 0, 2, d)),
            "ADDED ADDED STALE", "c: c1 | b: b1"),
        Arguments.of("the step bound keeps the earliest steps and counts the rest", twoSteps,
            List.of(f("s1", "a", 0, 0, d), f("s2", "a", 10, 1, o), f("s3", "a", 20, 2, r)),
            "ADDED ADDED DROPPED", "a: s1 s2 (+1 dropped)"),
        Arguments.of("a late step within the bound displaces the last held one", twoSteps,
            List.of(f("s1", "a", 0, 0, d), f("s3", "a", 20, 1, r), f("s2", "a", 10, 2, o)),
            "ADDED ADDED ADDED", "a: s1 s2 (+1 dropped)"),
        Arguments.of("a redelivered dropped step is still a duplicate", twoSteps,
            List.of(f("s1", "a", 0, 0, d), f("s2", "a", 10, 1, o), f("s3", "a", 20, 2, r), f("s3", "a", 20, 2, r)),
            "ADDED ADDED DROPPED DUPLICATE", "a: s1 s2 (+1 dropped)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("timelines")
  void timeline(String name, TimelineOptions options, List<Feed> feeds, String results, String summary) {
    Timelines t = new Timelines(options);
    assertEquals(results, results(t, MAC, feeds), "what apply said");
    assertEquals(summary, summary(t, MAC));
  }

  @Test
  void countersAddUp() {
    Timelines t = new Timelines(TimelineOptions.defaults().withMaxAttemptsPerHost(2).withMaxStepsPerAttempt(2));
    results(t, MAC, List.of(
        f("a1", "a", 0, 0, BootStage.DHCP_DISCOVER),
        f("a2", "a", 1, 1, BootStage.DHCP_OFFER),
        f("a3", "a", 2, 2, BootStage.DHCP_REQUEST), // dropped
        f("a2", "a", 1, 1, BootStage.DHCP_OFFER), // duplicate
        f("b1", "b", 10, 3, BootStage.DHCP_DISCOVER),
        f("c1", "c", 20, 4, BootStage.DHCP_DISCOVER), // evicts a
        f("a4", "a", 3, 5, BootStage.DHCP_ACK))); // stale
    assertEquals(new Timelines.Stats(1, 2, 2, 5, 1, 1, 1, 1, 0, 0), t.stats());
  }

  @Test
  void droppedStepsStillCountForStartAndEnd() {
    Timelines t = new Timelines(TimelineOptions.defaults().withMaxStepsPerAttempt(1));
    results(t, MAC, List.of(f("s2", "a", 10, 0, BootStage.DHCP_OFFER), f("s3", "a", 20, 1, BootStage.DHCP_NAK),
        f("s1", "a", 0, 2, BootStage.DHCP_DISCOVER)));
    JsonObject a = t.timelineJson(MAC, 1).orElseThrow().getJsonArray("attempts").getJsonObject(0);
    assertEquals(T0.toString(), a.getString("started"));
    assertEquals(T0.plusMillis(20).toString(), a.getString("ended"), "the dropped NAK ended it");
    assertEquals("failed", a.getString("outcome"), "judged on its last step, dropped or not");
    assertEquals(2, a.getLong("droppedSteps"));
  }

  @Test
  void theLeastRecentlyUpdatedMacIsEvicted() {
    String one = "02:00:00:00:00:01";
    String two = "02:00:00:00:00:02";
    String three = "02:00:00:00:00:03";
    Timelines t = new Timelines(TimelineOptions.defaults().withMaxHosts(2));
    results(t, one, List.of(f("1a", "a1", 0, 0, BootStage.DHCP_DISCOVER)));
    results(t, two, List.of(f("2a", "a2", 10, 0, BootStage.DHCP_DISCOVER)));
    results(t, one, List.of(f("1b", "a1", 20, 1, BootStage.DHCP_OFFER))); // one is now the most recent
    t.timelineJson(two, 10); // reading does not count as an update
    results(t, three, List.of(f("3a", "a3", 30, 0, BootStage.DHCP_DISCOVER)));
    assertTrue(t.contains(one));
    assertFalse(t.contains(two), "evicted");
    assertTrue(t.contains(three));
    assertEquals(Optional.empty(), t.timelineJson(two, 10));
    assertEquals(1, t.stats().hostEvictions());
    assertEquals(2, t.stats().attempts());
    assertEquals(3, t.stats().steps());
  }

  @Test
  void aLeaseRefreshesAMacToo() {
    String one = "02:00:00:00:00:01";
    String two = "02:00:00:00:00:02";
    Timelines t = new Timelines(TimelineOptions.defaults().withMaxHosts(2));
    results(t, one, List.of(f("1a", "a1", 0, 0, BootStage.DHCP_DISCOVER)));
    results(t, two, List.of(f("2a", "a2", 10, 0, BootStage.DHCP_DISCOVER)));
    t.applyLease(one, TimelineFixtures.lease(one, LeaseState.BOUND));
    t.applyLease("02:00:00:00:00:03", TimelineFixtures.lease("02:00:00:00:00:03", LeaseState.BOUND));
    assertTrue(t.contains(one));
    assertFalse(t.contains(two));
  }

  @Test
  void leaseValuesAndTombstones() {
    Timelines t = new Timelines();
    results(t, MAC, List.of(f("d1", "a", 0, 0, BootStage.DHCP_DISCOVER)));
    t.applyLease(MAC, TimelineFixtures.lease(MAC, LeaseState.BOUND));
    assertEquals("BOUND", t.statusJson(MAC).orElseThrow().getJsonObject("lastLease").getString("state"));
    t.applyLease(MAC, TimelineFixtures.lease(MAC, LeaseState.RELEASED));
    assertEquals("RELEASED", t.statusJson(MAC).orElseThrow().getJsonObject("lastLease").getString("state"),
        "an ended lease is a value with its state");
    t.applyLease(MAC, null);
    JsonObject status = t.statusJson(MAC).orElseThrow();
    assertTrue(status.containsKey("lastLease") && status.getValue("lastLease") == null, "a tombstone forgets the lease");
    assertEquals("DHCP_DISCOVER", status.getString("lastStage"), "but not the boot steps");
  }

  @Test
  void aMacKnownOnlyFromTheLeaseTopic() {
    String mac = "02:00:00:00:00:09";
    Timelines t = new Timelines();
    t.applyLease(mac, null); // a tombstone for a MAC never seen changes nothing
    assertEquals(Optional.empty(), t.statusJson(mac));
    t.applyLease(mac, TimelineFixtures.lease(mac, LeaseState.BOUND));
    JsonObject status = t.statusJson(mac).orElseThrow();
    assertNull(status.getString("lastSeen"));
    assertNull(status.getString("lastStage"));
    assertEquals(0, status.getLong("attempts"));
    assertEquals("10.213.0.121", status.getJsonObject("lastLease").getString("ip"));
    assertEquals(new JsonObject().put("mac", mac).put("attempts", new JsonArray()),
        t.timelineJson(mac, 10).orElseThrow());
    t.applyLease(mac, null);
    assertEquals(Optional.empty(), t.statusJson(mac), "with neither boot steps nor a lease nothing is left");
  }

  @Test
  void statusFollowsTheLatestStepNotTheLastArrival() {
    Timelines t = new Timelines();
    results(t, MAC, List.of(f("d2", "b", 100, 0, BootStage.DHCP_DISCOVER), f("o1", "a", 10, 1, BootStage.DHCP_OFFER),
        f("d1", "a", 0, 2, BootStage.DHCP_DISCOVER)));
    JsonObject status = t.statusJson(MAC).orElseThrow();
    assertEquals(T0.plusMillis(100).toString(), status.getString("lastSeen"));
    assertEquals("DHCP_DISCOVER", status.getString("lastStage"));
    assertEquals("b", status.getString("lastBootAttempt"));
    assertEquals(2, status.getLong("attempts"));
  }

  @Test
  void unattributedStepsJoinTheAttemptRunningThen() {
    Timelines t = new Timelines();
    results(t, MAC, List.of(
        f("t0", Timelines.UNATTRIBUTED_ATTEMPT, 0, 0, BootStage.TFTP_STARTED), // before any attempt
        f("d1", "a", 10, 1, BootStage.DHCP_DISCOVER),
        f("t1", Timelines.UNATTRIBUTED_ATTEMPT, 20, 2, BootStage.TFTP_STARTED),
        f("d2", "b", 100, 3, BootStage.DHCP_DISCOVER),
        f("t2", Timelines.UNATTRIBUTED_ATTEMPT, 110, 4, BootStage.TFTP_COMPLETED),
        f("t3", Timelines.UNATTRIBUTED_ATTEMPT, 30, 5, BootStage.TFTP_COMPLETED))); // late, during a
    assertEquals("b: d2 t2 | a: d1 t1 t3 | unknown: t0", summary(t, MAC));
    JsonObject b = t.timelineJson(MAC, 1).orElseThrow().getJsonArray("attempts").getJsonObject(0);
    assertTrue(b.getJsonArray("steps").getJsonObject(1).getBoolean("attemptInferred"));
    assertFalse(b.getJsonArray("steps").getJsonObject(0).containsKey("attemptInferred"), "the DHCP step carried it");
  }

  @Test
  void oddButDecodableDataDoesNotThrow() {
    Timelines t = new Timelines(TimelineOptions.defaults().withMaxAttemptsPerHost(1));
    BootStepEvent discover = TimelineFixtures.dhcp(MAC, BootStage.DHCP_DISCOVER);
    List<Envelope<BootStepEvent>> odd = List.of(
        TimelineFixtures.envelope("future", "a", Instant.MAX, TimelineFixtures.DHCP, discover),
        TimelineFixtures.envelope("past", "b", Instant.EPOCH, TimelineFixtures.DHCP, discover),
        TimelineFixtures.envelope("far-future", "c", Instant.parse("+100000-01-01T00:00:00Z"), TimelineFixtures.DHCP,
            discover),
        TimelineFixtures.envelope("min-time", "a", Instant.MIN, TimelineFixtures.DHCP, discover),
        TimelineFixtures.envelope("blank source", "a", T0, "x", TimelineFixtures.tftp(MAC, BootStage.TFTP_STARTED,
            "", -1)));
    for (Envelope<BootStepEvent> e : odd) assertDoesNotThrow(() -> t.apply(e, Timelines.UNKNOWN_PARTITION, -1));
    JsonObject status = assertDoesNotThrow(() -> t.statusJson(MAC).orElseThrow());
    assertEquals(Instant.MAX.toString(), status.getString("lastSeen"));
    assertDoesNotThrow(() -> t.timelineJson(MAC, 10).orElseThrow().encode());
  }

  @Test
  void readArguments() {
    Timelines t = new Timelines();
    results(t, MAC, List.of(f("a1", "a", 0, 0, BootStage.DHCP_DISCOVER), f("b1", "b", 10, 1, BootStage.DHCP_DISCOVER)));
    assertEquals(Optional.empty(), t.timelineJson("02:00:00:00:00:99", 10), "never seen");
    assertEquals(Optional.empty(), t.statusJson("02:00:00:00:00:99"), "never seen");
    assertEquals(1, t.timelineJson(MAC, 1).orElseThrow().getJsonArray("attempts").size(), "limit");
    assertEquals("b", t.timelineJson(MAC, 1).orElseThrow().getJsonArray("attempts").getJsonObject(0)
        .getString("bootAttemptId"), "the newest within the limit");
    assertEquals(t.timelineJson(MAC, 10), t.timelineJson("52-54-00-12-34-56", 10), "any spelling of the MAC");
    assertThrows(IllegalArgumentException.class, () -> t.timelineJson(MAC, 0));
    assertThrows(IllegalArgumentException.class, () -> t.statusJson("01-52-54-00-12-34-56"));
  }
}
