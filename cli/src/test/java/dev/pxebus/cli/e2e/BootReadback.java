package dev.pxebus.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * Reading a VM's boot back after it reached its marker: the attempts on catalog-service's {@code
 * /hosts/{mac}/timeline} (through {@code pxebus hosts timeline}) and the events {@code pxebus events follow --json}
 * wrote, and the predicates and formatting the end-to-end tests share.
 */
final class BootReadback {
  static final Duration READ_BACK = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private BootReadback() {}

  /**
   * The timeline of {@code mac} once one of its attempts is completed and holds a step matching {@code last} (the
   * boot's final file); kept in {@code work/timeline-<mac>.json}.
   */
  static JsonNode timeline(NetnsLab lab, String mac, Predicate<JsonNode> last, Path work) throws IOException {
    String[] answer = {""};
    JsonNode timeline = Await.value(READ_BACK, () -> {
      Netns.Result r = lab.pxebus("hosts", "timeline", mac, "--json", "--catalog", lab.catalogUrl());
      answer[0] = r.output();
      if (r.exitCode() != 0) return Optional.empty();
      JsonNode t = parse(r.output().substring(Math.max(0, r.output().indexOf('{'))));
      for (JsonNode a : t.path("attempts")) {
        if ("completed".equals(a.path("outcome").asText()) && steps(a).stream().anyMatch(last)) return Optional.of(t);
      }
      return Optional.empty();
    }, () -> "a completed boot attempt on the timeline of " + mac + "; last answer:\n" + answer[0]);
    Files.writeString(work.resolve("timeline-" + mac.replace(':', '-') + ".json"), timeline.toPrettyString());
    return timeline;
  }

  static List<JsonNode> attempts(JsonNode timeline) {
    List<JsonNode> attempts = new ArrayList<>();
    timeline.path("attempts").forEach(attempts::add);
    return attempts;
  }

  /** The attempt's steps, one line each, with times relative to its start. */
  static void describeAttempt(JsonNode attempt, List<String> report) {
    Instant start = Instant.parse(attempt.path("started").asText());
    report.add("attempt " + attempt.path("bootAttemptId").asText() + " outcome " + attempt.path("outcome").asText()
        + ", droppedSteps " + attempt.path("droppedSteps").asInt());
    for (JsonNode s : steps(attempt)) report.add("  " + describe(s, start));
  }

  /** Every boot event in {@code log} ({@code events follow --json}), once one of {@code mac}'s matches {@code last}. */
  static List<JsonNode> events(Path log, String mac, Predicate<JsonNode> last) {
    return Await.value(READ_BACK, () -> {
      List<JsonNode> events = new ArrayList<>();
      try {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          if (line.startsWith("{")) events.add(parse(line));
        }
      } catch (IOException e) {
        return Optional.empty();
      }
      boolean done = ofMac(events, mac).stream().map(e -> e.path("data")).anyMatch(last);
      return done ? Optional.of(events) : Optional.empty();
    }, () -> "the boot's last step for " + mac + " on pxebus.boot.events; read so far:\n" + read(log));
  }

  static List<JsonNode> ofMac(List<JsonNode> events, String mac) {
    return events.stream().filter(e -> mac.equals(e.path("subject").asText())).toList();
  }

  static List<JsonNode> steps(JsonNode attempt) {
    List<JsonNode> steps = new ArrayList<>();
    attempt.path("steps").forEach(steps::add);
    return steps;
  }

  static Predicate<JsonNode> stage(String stage) {
    return s -> stage.equals(s.path("stage").asText());
  }

  static Predicate<JsonNode> completed(String file) {
    return transfer("TFTP_COMPLETED", file);
  }

  static Predicate<JsonNode> transfer(String stage, String file) {
    return s -> stage.equals(s.path("stage").asText()) && file.equals(s.path("file").asText());
  }

  /** An HTTP file served in full ({@code HTTP_SERVED}, status 200) for {@code path}. */
  static Predicate<JsonNode> served(String path) {
    return s -> "HTTP_SERVED".equals(s.path("stage").asText()) && path.equals(s.path("path").asText())
        && s.path("status").asInt() == 200;
  }

  static Optional<Integer> find(List<JsonNode> steps, Predicate<JsonNode> p) {
    return find(steps, p, 0);
  }

  static Optional<Integer> find(List<JsonNode> steps, Predicate<JsonNode> p, int from) {
    for (int i = from; i < steps.size(); i++) if (p.test(steps.get(i))) return Optional.of(i);
    return Optional.empty();
  }

  static int index(List<JsonNode> steps, Predicate<JsonNode> p) {
    return find(steps, p).orElseThrow(() -> new AssertionError("no such step among " + stages(steps)));
  }

  static List<String> stages(List<JsonNode> steps) {
    return steps.stream().map(s -> s.path("stage").asText() + (s.has("file") ? " " + s.path("file").asText() : "")
        + (s.has("path") ? " " + s.path("path").asText() : "")).toList();
  }

  static String describe(JsonNode s, Instant start) {
    long ms = Duration.between(start, Instant.parse(s.path("time").asText())).toMillis();
    StringBuilder b = new StringBuilder(String.format("+%6d ms  %-15s", ms, s.path("stage").asText()));
    for (String f : List.of("xid", "yourIp", "clientIp", "bootFile", "nextServer", "file", "method", "status", "bytes",
        "durationMs", "retransmissions", "replicaId", "options", "path", "format", "selectedBy", "profile",
        "attemptInferred")) {
      if (s.has(f)) b.append(' ').append(f).append('=').append(s.get(f).isValueNode() ? s.get(f).asText() : s.get(f));
    }
    return b.toString();
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? tail(Files.readString(p), 4000) : "(nothing)";
    } catch (IOException e) {
      return e.toString();
    }
  }

  static String tail(String s, int chars) {
    return s.length() <= chars ? s : "…" + s.substring(s.length() - chars);
  }

  /** 16 hex digits, new each run: nothing but this run's catalog can have told the guest. */
  static String nonce() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static Path clean(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
    return Files.createDirectories(dir);
  }

  /**
   * Root and namespaces ({@link Netns#requireSupport}), qemu and the payload's tools, the packaged jar and {@code
   * files}; skips without them, fails under {@code CI=true}.
   */
  static void requireTools(Path jar, List<String> files) {
    Netns.requireSupport();
    List<String> missing = new ArrayList<>();
    for (String tool : List.of(Vm.QEMU, "apt-get", "apt-cache", "dpkg-deb", "tar")) {
      if (!onPath(tool)) missing.add(tool + (tool.equals(Vm.QEMU) ? " (Debian package qemu-system-x86)" : ""));
    }
    for (String f : files) {
      if (!Files.isRegularFile(Path.of(f))) missing.add(f);
    }
    if (!Files.isRegularFile(jar)) missing.add(jar + " (run through mvn verify: the IT runs after package)");
    if (missing.isEmpty()) return;
    String why = "PXE end-to-end test needs " + String.join(", ", missing);
    if ("true".equals(System.getenv("CI"))) throw new AssertionError(why + " (CI=true: it must run)");
    throw new TestAbortedException(why);
  }

  private static boolean onPath(String tool) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/sbin:/usr/bin:/sbin:/bin");
    return Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }
}
