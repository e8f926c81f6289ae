package dev.pxebus.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pxebus.events.boot.BootStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keeps docs/events.md honest: every ```json block is a complete event as it appears on the wire (it must decode),
 * there is exactly one per event type and it is the {@link EventExamples} one, and the topic table matches
 * {@link Topics}. A failure message carries the text to paste into the document.
 */
class EventsDocTest {
  /** Surefire runs with the module directory as working directory. */
  private static final Path DOC = Path.of("..", "docs", "events.md");
  private static final Pattern JSON_BLOCK = Pattern.compile("^```json\\n(.*?)^```", Pattern.DOTALL | Pattern.MULTILINE);
  private static final Pattern TOPIC_ROW = Pattern.compile("^\\|\\s*`(pxebus\\.[^`]+)`\\s*\\|(.*)\\|\\s*$", Pattern.MULTILINE);

  private static String doc;
  private static final Map<EventType, Envelope<?>> examples = new EnumMap<>(EventType.class);
  private static final List<String> problems = new ArrayList<>();

  @BeforeAll
  static void readDoc() throws IOException {
    doc = Files.readString(DOC, UTF_8);
    Matcher m = JSON_BLOCK.matcher(doc);
    int n = 0;
    while (m.find()) {
      n++;
      try {
        Envelope<PxebusEvent> e = EventCodec.get().decode(m.group(1).getBytes(UTF_8));
        if (examples.put(e.type(), e) != null) problems.add("json block " + n + ": a second example of " + e.type());
      } catch (EventDecodeException e) {
        problems.add("json block " + n + " does not decode: " + e.getMessage());
      }
    }
  }

  @Test
  void everyJsonBlockIsAnEventAsOnTheWire() {
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EventType.class)
  void oneExamplePerEventTypeAndItIsTheTestedOne(EventType type) {
    Envelope<?> expected = EventExamples.of(type);
    String paste = "\n```json\n" + EventExamples.prettyJson(expected) + "\n```";
    if (!examples.containsKey(type)) fail("docs/events.md has no example of " + type + "; add:" + paste);
    assertEquals(expected, examples.get(type), "the example of " + type + " in docs/events.md is stale; use:" + paste);
  }

  @Test
  void topicTableListsEveryTopic() {
    Map<String, String[]> rows = topicRows();
    List<String> registered = Topics.all().stream().map(Topic::name).toList();
    assertEquals(registered, List.copyOf(rows.keySet()), "topic table rows (in registry order)");
  }

  @Test
  void topicTableAgreesWithTheRegistry() {
    Map<String, String[]> rows = topicRows();
    for (Topic<?> t : Topics.all()) {
      String[] cells = rows.get(t.name());
      if (cells == null) continue; // topicTableListsEveryTopic reports it
      // | topic | key | value type | cleanup.policy | partitions | producer(s) | consumers |
      assertEquals(6, cells.length, t + ": want key, value type, cleanup, partitions, producers, consumers");
      assertTrue(cells[1].contains(t.valueType().getSimpleName()), t + " value type: " + cells[1]);
      assertTrue(cells[2].contains(t.cleanup().policy()), t + " cleanup: " + cells[2]);
      assertEquals(String.valueOf(t.partitions()), cells[3].trim(), t + " partitions");
      for (EventType type : EventType.values()) {
        if (type.topic() == t) assertTrue(cells[4].contains(type.producer()), t + " producers: " + cells[4]);
      }
      assertFalse(cells[5].isBlank(), t + " has no consumers listed");
    }
  }

  @Test
  void everyBootStageIsDocumented() {
    List<BootStage> missing = Arrays.stream(BootStage.values()).filter(s -> !doc.contains("`" + s.name() + "`")).toList();
    assertTrue(missing.isEmpty(), "docs/events.md does not mention " + missing);
  }

  @Test
  void everyEventTypeStringIsDocumented() {
    List<String> missing = Arrays.stream(EventType.values()).map(EventType::type)
        .filter(t -> !doc.contains("`" + t + "`")).collect(Collectors.toList());
    assertTrue(missing.isEmpty(), "docs/events.md does not mention " + missing);
  }

  /** Topic name → the remaining cells of its table row. */
  private static Map<String, String[]> topicRows() {
    Map<String, String[]> rows = new LinkedHashMap<>();
    Matcher m = TOPIC_ROW.matcher(doc);
    while (m.find()) {
      if (rows.put(m.group(1), m.group(2).split("\\|", -1)) != null) fail("topic " + m.group(1) + " listed twice");
    }
    return rows;
  }
}
