package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pxebus hosts timeline MAC}: a machine's recent boot attempts, newest first. */
@Command(name = "timeline",
    description = {"A machine's recent boot attempts, newest first, one line per step.",
        "Works for any MAC seen booting, known host or not."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
        ExitCodes.NOT_FOUND_HELP})
final class TimelineCommand extends CatalogCommand {
  private static final Set<String> STEP_COLUMNS = Set.of("id", "time", "stage", "source");

  @Parameters(index = "0", paramLabel = "MAC", description = "the machine, any MAC spelling")
  String mac;

  @Option(names = "--limit", paramLabel = "N", description = "at most N attempts (1 to 100, the service's default 10)")
  Integer limit;

  @Option(names = "--json", description = "the timeline as the API returns it")
  boolean json;

  @Override
  int execute(CatalogClient client) throws CatalogException {
    JsonNode t = client.get(Kind.HOST.path(mac) + "/timeline", new CatalogClient.Query().add("limit", limit)).body();
    if (json) printJson(t);
    else printLines(lines(t));
    return ExitCodes.OK;
  }

  /**
   * The human form:
   * <pre>
   * 52:54:00:12:34:56: 1 boot attempt
   * attempt 3f2a91c0-…  started 2026-12-01T09:00:00Z  ended 2026-12-01T09:00:07Z  outcome booted
   *   2026-12-01T09:00:00.120Z  DHCP_DISCOVER  dhcp-service
   *   …
   *   (3 more steps not kept)
   * </pre>
   * Step fields other than time, stage, source and the event id follow as {@code name=value}.
   */
  static List<String> lines(JsonNode t) {
    List<String> out = new ArrayList<>();
    JsonNode attempts = t.path("attempts");
    int n = attempts.size();
    out.add(t.path("mac").asText("?") + ": " + (n == 0 ? "no boot attempts" : n + (n == 1 ? " boot attempt" : " boot attempts")));
    for (JsonNode a : attempts) {
      StringBuilder h = new StringBuilder("attempt ").append(a.path("bootAttemptId").asText("?"));
      append(h, "started", a.path("started"));
      append(h, "ended", a.path("ended"));
      append(h, "outcome", a.path("outcome"));
      out.add(h.toString());
      List<JsonNode> steps = new ArrayList<>();
      a.path("steps").forEach(steps::add);
      int timeWidth = 0;
      int stageWidth = 0;
      for (JsonNode s : steps) {
        timeWidth = Math.max(timeWidth, s.path("time").asText().length());
        stageWidth = Math.max(stageWidth, s.path("stage").asText().length());
      }
      for (JsonNode s : steps) {
        StringBuilder b = new StringBuilder();
        b.append(pad(s.path("time").asText(), timeWidth)).append("  ").append(pad(s.path("stage").asText(), stageWidth));
        if (s.hasNonNull("source")) b.append("  ").append(s.get("source").asText());
        for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) s::fields) {
          if (STEP_COLUMNS.contains(f.getKey()) || f.getValue().isNull()) continue;
          b.append(' ').append(f.getKey()).append('=')
              .append(f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString());
        }
        out.add("  " + CatalogException.oneLine(b.toString()));
      }
      long dropped = a.path("droppedSteps").asLong(0);
      if (dropped > 0) out.add("  (" + dropped + " more " + (dropped == 1 ? "step" : "steps") + " not kept)");
    }
    return out;
  }

  private static void append(StringBuilder b, String name, JsonNode v) {
    if (v.isMissingNode() || v.isNull()) return;
    b.append("  ").append(name).append(' ').append(v.asText());
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
