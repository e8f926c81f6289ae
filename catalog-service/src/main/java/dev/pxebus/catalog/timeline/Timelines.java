package dev.pxebus.catalog.timeline;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.Mac;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.InstalledEvent;
import dev.pxebus.events.lease.LeaseEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The boot timelines of the machines seen on {@code pxebus.boot.events}, plus each machine's last lease from
 * {@code pxebus.dhcp.leases}: the state nobody else keeps. Pure and not thread-safe: one thread feeds and reads
 * it (or the caller locks); no Kafka, no I/O, no clock.
 *
 * <p>Per MAC it holds the most recently started {@link TimelineOptions#maxAttemptsPerHost()} boot attempts, each
 * the steps that carried its boot-attempt id. The rules, all of them deterministic so that a rebuild from the topic
 * gives the same timelines:
 * <ul>
 *   <li>Order: steps by envelope time, ties by partition, then offset (then envelope id). All steps of one MAC
 *       share a partition (the topic is keyed by MAC), so the offset is the order they were written in. Attempts
 *       are ordered by their first step.</li>
 *   <li>A step that arrives late for an older attempt goes into that attempt, in its place.</li>
 *   <li>An envelope id already held for the MAC is a duplicate (an at-least-once redelivery or a republish) and
 *       counted once.</li>
 *   <li>Attempt bound: when a new attempt makes one too many, the one that started first is evicted and its id
 *       remembered (the last {@code maxAttemptsPerHost} ids), so stragglers of it are refused as stale instead of
 *       resurrecting half an attempt. A new attempt older than every held one is stale at once.</li>
 *   <li>Step bound: an attempt keeps its earliest {@link TimelineOptions#maxStepsPerAttempt()} steps; a later one
 *       (or the last held one, when a late step lands before it) is dropped and counted in {@code droppedSteps}.
 *       Ids of up to that many dropped steps are remembered for de-duplication; beyond, a redelivered dropped step
 *       is counted as dropped again. The attempt's start, end and last step still cover dropped steps.</li>
 *   <li>MAC bound: beyond {@link TimelineOptions#maxHosts()} MACs the one least recently updated (by a step or a
 *       lease, in the order they were applied) is evicted.</li>
 *   <li>A step whose boot-attempt id is {@value #UNATTRIBUTED_ATTEMPT} (tftp-service's placeholder when it cannot
 *       join a transfer to a boot) joins the held attempt of its MAC that started last at or before it, and says
 *       so ({@code "attemptInferred": true}); if there is none it stays in an attempt of that name.</li>
 * </ul>
 * The outcome of an attempt is {@link Outcome}'s rule.
 */
public final class Timelines {
  /** Installation reports kept per machine in its status: the history of its boot-once installs. */
  public static final int INSTALLS_KEPT = 10;
  /** What to pass as partition when the consumer does not know it; ordering then rests on time and offset. */
  public static final int UNKNOWN_PARTITION = -1;
  /** The boot-attempt id tftp-service writes when it cannot tell the attempt ({@code TftpApp.UNKNOWN_ATTEMPT}). */
  public static final String UNATTRIBUTED_ATTEMPT = "unknown";

  /** What {@link #apply} did with a step. */
  public enum Applied {
    /** Held in its attempt. */
    ADDED,
    /** Counted in its attempt's {@code droppedSteps}: the attempt holds its maximum of earlier steps. */
    DROPPED,
    /** Its envelope id was held already. */
    DUPLICATE,
    /** Its attempt was evicted, or is older than every held attempt of a MAC that holds its maximum. */
    STALE
  }

  /**
   * Counters since creation, and what is held now.
   *
   * @param hosts MACs held
   * @param attempts attempts held
   * @param steps steps held
   * @param stepsApplied steps that were not duplicates or stale (held or dropped)
   * @param duplicates steps skipped as duplicates
   * @param staleSteps steps skipped because their attempt was evicted or too old
   * @param stepsDropped steps counted in an attempt's {@code droppedSteps}
   * @param attemptEvictions attempts evicted by the attempt bound
   * @param hostEvictions MACs evicted by the MAC bound
   * @param leasesApplied lease values and tombstones applied
   */
  public record Stats(int hosts, long attempts, long steps, long stepsApplied, long duplicates, long staleSteps,
      long stepsDropped, long attemptEvictions, long hostEvictions, long leasesApplied) {}

  /** One step as held: the envelope's identity and place, and the payload record it carried. */
  record Step(String id, Instant time, int partition, long offset, String source, BootStepEvent data,
      boolean attemptInferred) {
    static final Comparator<Step> ORDER = Comparator.comparing(Step::time).thenComparingInt(Step::partition)
        .thenComparingLong(Step::offset).thenComparing(Step::id);

    boolean after(Step other) {
      return ORDER.compare(this, other) > 0;
    }
  }

  private final class Attempt {
    final String id;
    /** The earliest steps, in order; at most maxStepsPerAttempt. */
    final List<Step> steps = new ArrayList<>();
    /** Ids of the held steps and of up to maxStepsPerAttempt dropped ones. */
    final Set<String> ids = new HashSet<>();
    int rememberedDropped;
    long dropped;
    Step first;
    Step last;

    Attempt(String id) {
      this.id = id;
    }

    Applied add(Step s) {
      if (first == null || first.after(s)) first = s;
      if (last == null || s.after(last)) last = s;
      int pos = Collections.binarySearch(steps, s, Step.ORDER);
      if (pos < 0) pos = -pos - 1;
      if (steps.size() < options.maxStepsPerAttempt()) {
        steps.add(pos, s);
        ids.add(s.id());
        stepsHeld++;
        return Applied.ADDED;
      }
      if (pos == steps.size()) {
        drop(s);
        return Applied.DROPPED;
      }
      steps.add(pos, s);
      ids.add(s.id());
      Step out = steps.remove(steps.size() - 1);
      ids.remove(out.id());
      drop(out);
      return Applied.ADDED;
    }

    private void drop(Step s) {
      dropped++;
      stepsDropped++;
      if (rememberedDropped < options.maxStepsPerAttempt()) {
        ids.add(s.id());
        rememberedDropped++;
      }
    }
  }

  private static final class Host {
    final Map<String, Attempt> attempts = new HashMap<>();
    /** Ids of the attempts evicted last, oldest first. */
    final ArrayDeque<String> evicted = new ArrayDeque<>();
    Step latest;
    String latestAttempt;
    LeaseEvent lease;
    long attemptsSeen;
    /** The installation reports of the machine ({@code INSTALLED} steps), newest first, at most {@link #INSTALLS_KEPT}. */
    final ArrayDeque<Step> installs = new ArrayDeque<>();

    boolean holds(String envelopeId) {
      for (Attempt a : attempts.values()) {
        if (a.ids.contains(envelopeId)) return true;
      }
      return false;
    }

    /** The held attempt that started last at or before {@code s}. */
    Attempt startedBefore(Step s) {
      Attempt best = null;
      for (Attempt a : attempts.values()) {
        if (!a.first.after(s) && (best == null || a.first.after(best.first))) best = a;
      }
      return best;
    }

    Attempt firstStarted() {
      Attempt oldest = null;
      for (Attempt a : attempts.values()) {
        if (oldest == null || oldest.first.after(a.first)) oldest = a;
      }
      return oldest;
    }

    /** Held attempts, the one started last first. */
    List<Attempt> newestFirst() {
      List<Attempt> list = new ArrayList<>(attempts.values());
      list.sort((a, b) -> Step.ORDER.compare(b.first, a.first));
      return list;
    }
  }

  private final TimelineOptions options;
  /** Insertion order = update order: a host is moved to the end whenever an event touches it. */
  private final LinkedHashMap<String, Host> hosts = new LinkedHashMap<>();
  private long attemptsHeld;
  private long stepsHeld;
  private long stepsApplied;
  private long duplicates;
  private long staleSteps;
  private long stepsDropped;
  private long attemptEvictions;
  private long hostEvictions;
  private long leasesApplied;

  public Timelines(TimelineOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  public Timelines() {
    this(TimelineOptions.defaults());
  }

  public TimelineOptions options() {
    return options;
  }

  /**
   * Adds one boot step.
   *
   * @param partition the record's partition, or {@link #UNKNOWN_PARTITION}
   * @param offset the record's offset in its partition
   */
  public Applied apply(Envelope<? extends BootStepEvent> e, int partition, long offset) {
    Objects.requireNonNull(e, "envelope");
    String mac = e.subject();
    Host h = hosts.get(mac);
    if (h != null && h.holds(e.id())) {
      duplicates++;
      return Applied.DUPLICATE;
    }
    h = touch(mac, h);
    String attemptId = e.bootAttemptId() == null || e.bootAttemptId().isBlank() ? UNATTRIBUTED_ATTEMPT
        : e.bootAttemptId();
    boolean inferred = false;
    Step s = new Step(e.id(), e.time(), partition, offset, e.source(), e.data(), false);
    if (UNATTRIBUTED_ATTEMPT.equals(attemptId)) {
      Attempt owner = h.startedBefore(s);
      if (owner != null && !owner.id.equals(UNATTRIBUTED_ATTEMPT)) {
        attemptId = owner.id;
        inferred = true;
        s = new Step(e.id(), e.time(), partition, offset, e.source(), e.data(), true);
      }
    }
    if (h.evicted.contains(attemptId)) {
      staleSteps++;
      return Applied.STALE;
    }
    Attempt a = h.attempts.get(attemptId);
    Applied result;
    if (a == null) {
      a = new Attempt(attemptId);
      result = a.add(s);
      h.attempts.put(attemptId, a);
      attemptsHeld++;
      if (h.attempts.size() > options.maxAttemptsPerHost()) {
        Attempt oldest = h.firstStarted();
        evictAttempt(h, oldest);
        if (oldest == a) {
          staleSteps++;
          return Applied.STALE;
        }
        attemptEvictions++;
      }
      h.attemptsSeen++;
    } else {
      result = a.add(s);
    }
    stepsApplied++;
    if (e.data() instanceof InstalledEvent) {
      h.installs.addFirst(s);
      List<Step> sorted = new ArrayList<>(h.installs);
      sorted.sort((x, y) -> y.after(x) ? 1 : x.after(y) ? -1 : 0);
      h.installs.clear();
      sorted.stream().limit(INSTALLS_KEPT).forEach(h.installs::addLast);
    }
    if (h.latest == null || s.after(h.latest)) {
      h.latest = s;
      h.latestAttempt = attemptId;
    }
    return result;
  }

  /**
   * Records the lease of a MAC; a tombstone (null) forgets it, and the MAC with it if it has no boot attempts.
   *
   * @param mac the record key, a canonical MAC
   */
  public void applyLease(String mac, LeaseEvent lease) {
    Objects.requireNonNull(mac, "mac");
    leasesApplied++;
    Host h = hosts.get(mac);
    if (lease == null) {
      if (h == null) return;
      h.lease = null;
      if (h.attempts.isEmpty()) hosts.remove(mac);
      return;
    }
    touch(mac, h).lease = lease;
  }

  private Host touch(String mac, Host h) {
    if (h != null) {
      hosts.remove(mac);
      hosts.put(mac, h);
      return h;
    }
    Host fresh = new Host();
    hosts.put(mac, fresh);
    if (hosts.size() > options.maxHosts()) {
      Iterator<Map.Entry<String, Host>> eldest = hosts.entrySet().iterator();
      Host gone = eldest.next().getValue();
      eldest.remove();
      for (Attempt a : gone.attempts.values()) {
        attemptsHeld--;
        stepsHeld -= a.steps.size();
      }
      hostEvictions++;
    }
    return fresh;
  }

  private void evictAttempt(Host h, Attempt a) {
    h.attempts.remove(a.id);
    attemptsHeld--;
    stepsHeld -= a.steps.size();
    h.evicted.addLast(a.id);
    while (h.evicted.size() > options.maxAttemptsPerHost()) h.evicted.removeFirst();
  }

  public boolean contains(String mac) {
    return hosts.containsKey(Mac.canonical(mac));
  }

  public int size() {
    return hosts.size();
  }

  public Stats stats() {
    return new Stats(hosts.size(), attemptsHeld, stepsHeld, stepsApplied, duplicates, staleSteps, stepsDropped,
        attemptEvictions, hostEvictions, leasesApplied);
  }

  /**
   * The boot attempts of a machine, the one started last first, each with its steps in order:
   * <pre>{@code {"mac": …, "attempts": [{"bootAttemptId", "started", "ended", "outcome", "steps": [{"time",
   * "stage", "source", …the record's fields}], "droppedSteps"}]}}</pre>
   * A MAC known only from the lease topic has {@code "attempts": []}.
   *
   * @param limit how many attempts at most, >= 1
   * @return empty for a MAC never seen (or evicted)
   * @throws IllegalArgumentException for a bad MAC or limit
   */
  public Optional<JsonObject> timelineJson(String mac, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be >= 1: " + limit);
    String key = Mac.canonical(mac);
    Host h = hosts.get(key);
    if (h == null) return Optional.empty();
    JsonArray attempts = new JsonArray();
    List<Attempt> newestFirst = h.newestFirst();
    for (int i = 0; i < newestFirst.size() && i < limit; i++) {
      Attempt a = newestFirst.get(i);
      JsonArray steps = new JsonArray();
      for (Step s : a.steps) steps.add(StepJson.of(s));
      attempts.add(new JsonObject()
          .put("bootAttemptId", a.id)
          .put("started", a.first.time().toString())
          .put("ended", a.last.time().toString())
          .put("outcome", Outcome.of(a.steps, a.last, i > 0).label())
          .put("steps", steps)
          .put("droppedSteps", a.dropped));
    }
    return Optional.of(new JsonObject().put("mac", key).put("attempts", attempts));
  }

  /**
   * What is known of a machine: {@code {"mac", "lastSeen", "lastStage", "lastBootAttempt", "lastLease",
   * "attempts", "installed"}} ({@code installed}: its installation reports, newest first, each {@code {time,
   * profile, clientIp}}); the first three are those of its latest step (null when it is known from the lease topic only),
   * {@code lastLease} the record of the lease topic (null when none), {@code attempts} the attempts seen while
   * the MAC was held (evicted ones included, stale ones not).
   *
   * @return empty for a MAC never seen (or evicted)
   * @throws IllegalArgumentException for a bad MAC
   */
  public Optional<JsonObject> statusJson(String mac) {
    String key = Mac.canonical(mac);
    Host h = hosts.get(key);
    if (h == null) return Optional.empty();
    return Optional.of(new JsonObject()
        .put("mac", key)
        .put("lastSeen", h.latest == null ? null : h.latest.time().toString())
        .put("lastStage", h.latest == null ? null : h.latest.data().stage().name())
        .put("lastBootAttempt", h.latestAttempt)
        .put("lastLease", h.lease == null ? null : StepJson.lease(h.lease))
        .put("attempts", h.attemptsSeen)
        .put("installed", installs(h)));
  }

  private static io.vertx.core.json.JsonArray installs(Host h) {
    io.vertx.core.json.JsonArray a = new io.vertx.core.json.JsonArray();
    for (Step s : h.installs) {
      InstalledEvent i = (InstalledEvent) s.data();
      a.add(new JsonObject().put("time", s.time().toString()).put("profile", i.profile()).put("clientIp", i.clientIp()));
    }
    return a;
  }
}
