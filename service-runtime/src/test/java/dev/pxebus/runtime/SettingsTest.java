package dev.pxebus.runtime;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Layering (defaults < file < environment < overrides), unknown keys, and the typed getters' errors. */
class SettingsTest {
  private static final String PORT = "test.port";
  private static final String COUNT = "test.count";
  private static final String FLAG = "test.flag";
  private static final String WAIT = "test.wait";
  private static final String COLOUR = "test.colour";
  private static final String NAME = "test.name";
  private static final String REQUIRED = "test.required";

  private enum Colour { RED, GREEN }

  private static final List<ConfigKey> KEYS = List.of(
      ConfigKey.of(PORT, "8080", "a port"),
      ConfigKey.of(COUNT, "3", "a count from 1 to 10"),
      ConfigKey.of(FLAG, "false", "a switch"),
      ConfigKey.of(WAIT, "5s", "an interval"),
      ConfigKey.of(COLOUR, "red", "a colour"),
      ConfigKey.of(NAME, "", "optional; empty = derived"),
      ConfigKey.of(REQUIRED, null, "must be set by the operator"));

  @TempDir Path dir;

  private Path file(String content) throws IOException {
    Path f = dir.resolve("service.properties");
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  // ------------------------------------------------------------------------------------------------ layering

  @Test
  void defaultsApplyWhenNothingElseIsGiven() {
    Settings s = Settings.of(KEYS, Map.of());
    assertEquals(8080, s.port(PORT));
    assertEquals(3, s.integer(COUNT, 1, 10));
    assertEquals(false, s.bool(FLAG));
    assertEquals(Duration.ofSeconds(5), s.duration(WAIT));
    assertEquals(Colour.RED, s.enumValue(COLOUR, Colour.class));
    assertEquals(Optional.empty(), s.optional(NAME), "an empty default reads as not set");
    assertEquals(Optional.empty(), s.optional(REQUIRED));
    assertEquals("default", s.origin(PORT));
    assertEquals("unset", s.origin(REQUIRED));
  }

  @Test
  void fileOverridesDefaults() throws IOException {
    Path f = file("test.port = 9000\ntest.flag=true\n");
    Settings s = Settings.load(KEYS, Optional.of(f), Map.of(), Map.of());
    assertEquals(9000, s.port(PORT), "file value, trimmed");
    assertEquals(true, s.bool(FLAG));
    assertEquals(3, s.integer(COUNT, 1, 10), "keys not in the file keep their default");
    assertEquals("file " + f, s.origin(PORT));
    assertEquals("default", s.origin(COUNT));
  }

  @Test
  void environmentOverridesFile() throws IOException {
    Path f = file("test.port=9000\ntest.count=4\n");
    Settings s = Settings.load(KEYS, Optional.of(f), Map.of("PXEBUS_TEST_PORT", "9100", "UNRELATED", "x"), Map.of());
    assertEquals(9100, s.port(PORT));
    assertEquals(4, s.integer(COUNT, 1, 10));
    assertEquals("environment PXEBUS_TEST_PORT", s.origin(PORT));
  }

  @Test
  void overridesWinOverEverything() throws IOException {
    Path f = file("test.port=9000\n");
    Settings s = Settings.load(KEYS, Optional.of(f), Map.of("PXEBUS_TEST_PORT", "9100"), Map.of(PORT, "9200"));
    assertEquals(9200, s.port(PORT));
    assertEquals("override", s.origin(PORT));
  }

  @Test
  void unknownKeyInTheFileIsAnErrorNamingItAndTheKnownKeys() throws IOException {
    Path f = file("test.port=9000\ntest.prot=9001\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.load(KEYS, Optional.of(f), Map.of(), Map.of()));
    assertAll(
        () -> assertTrue(e.getMessage().contains("test.prot"), e.getMessage()),
        () -> assertTrue(e.getMessage().contains(f.toString()), e.getMessage()),
        () -> {
          for (ConfigKey k : KEYS) assertTrue(e.getMessage().contains(k.name()), "lists " + k.name() + ": " + e.getMessage());
        });
  }

  @Test
  void unknownOverrideKeyIsAnError() {
    ConfigException e = assertThrows(ConfigException.class, () -> Settings.of(KEYS, Map.of("test.nope", "1")));
    assertTrue(e.getMessage().contains("test.nope"), e.getMessage());
  }

  @Test
  void unreadableFileIsAConfigError() {
    Path missing = dir.resolve("missing.properties");
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.load(KEYS, Optional.of(missing), Map.of(), Map.of()));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void missingRequiredValueNamesTheKeyAndItsEnvironmentVariable() {
    Settings s = Settings.of(KEYS, Map.of());
    ConfigException e = assertThrows(ConfigException.class, () -> s.string(REQUIRED));
    assertAll(
        () -> assertTrue(e.getMessage().contains(REQUIRED), e.getMessage()),
        () -> assertTrue(e.getMessage().contains("PXEBUS_TEST_REQUIRED"), e.getMessage()),
        () -> assertTrue(e.getMessage().contains("must be set by the operator"), e.getMessage()));
  }

  @Test
  void askingForAKeyThatWasNeverDeclaredIsAProgrammingError() {
    Settings s = Settings.of(KEYS, Map.of());
    assertThrows(IllegalArgumentException.class, () -> s.string("test.undeclared"));
  }

  // ---------------------------------------------------------------------------------------- typed getters: good

  static Stream<Arguments> goodDurations() {
    return Stream.of(
        Arguments.of(named("milliseconds", "500ms"), Duration.ofMillis(500)),
        Arguments.of(named("seconds", "5s"), Duration.ofSeconds(5)),
        Arguments.of(named("minutes", "2m"), Duration.ofMinutes(2)),
        Arguments.of(named("hours", "1h"), Duration.ofHours(1)),
        Arguments.of(named("ISO-8601", "PT5S"), Duration.ofSeconds(5)),
        Arguments.of(named("ISO-8601 lower case", "pt1m30s"), Duration.ofSeconds(90)),
        Arguments.of(named("surrounding blanks", " 15s "), Duration.ofSeconds(15)),
        Arguments.of(named("smallest allowed", "1ms"), Duration.ofMillis(1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodDurations")
  void durationsParse(String text, Duration expected) {
    assertEquals(expected, Settings.of(KEYS, Map.of(WAIT, text)).duration(WAIT));
    assertEquals(expected, Settings.of(KEYS, Map.of(WAIT, text)).duration(WAIT, expected), "the maximum itself is allowed");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"true,true", "TRUE,true", "yes,true", "on,true", "1,true", "false,false", "No,false", "off,false",
      "0,false"})
  void booleansParse(String text, boolean expected) {
    assertEquals(expected, Settings.of(KEYS, Map.of(FLAG, text)).bool(FLAG));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"lowest port, 0, 0", "highest port, 65535, 65535", "blanks around, ' 53 ', 53"})
  void portsParse(String name, String text, int expected) {
    assertEquals(expected, Settings.of(KEYS, Map.of(PORT, text)).port(PORT));
  }

  @Test
  void enumIsCaseInsensitive() {
    assertEquals(Colour.GREEN, Settings.of(KEYS, Map.of(COLOUR, "Green")).enumValue(COLOUR, Colour.class));
  }

  // ----------------------------------------------------------------------------------------- typed getters: bad

  /** A bad value for one typed getter, and what the message must say it expected. */
  private record Bad(String key, String value, Function<Settings, Object> read, String expected) {}

  static Stream<Arguments> badValues() {
    return Stream.of(
        bad("integer below range", COUNT, "0", s -> s.integer(COUNT, 1, 10), "from 1 to 10"),
        bad("integer above range", COUNT, "11", s -> s.integer(COUNT, 1, 10), "from 1 to 10"),
        bad("integer not a number", COUNT, "three", s -> s.integer(COUNT, 1, 10), "from 1 to 10"),
        bad("integer overflowing int", COUNT, "99999999999", s -> s.integer(COUNT, 1, 10), "from 1 to 10"),
        bad("port negative", PORT, "-1", s -> s.port(PORT), "from 0 to 65535"),
        bad("port too large", PORT, "65536", s -> s.port(PORT), "from 0 to 65535"),
        bad("port with a host", PORT, "localhost:80", s -> s.port(PORT), "from 0 to 65535"),
        bad("bool word", FLAG, "Maybe", s -> s.bool(FLAG), "true or false"),
        bad("bool number", FLAG, "2", s -> s.bool(FLAG), "true or false"),
        bad("duration without unit", WAIT, "5", s -> s.duration(WAIT), "500ms"),
        bad("duration unknown unit", WAIT, "5d", s -> s.duration(WAIT), "500ms"),
        bad("duration upper-case unit", WAIT, "5S", s -> s.duration(WAIT), "500ms"),
        bad("duration fraction", WAIT, "1.5s", s -> s.duration(WAIT), "500ms"),
        bad("duration unit only", WAIT, "ms", s -> s.duration(WAIT), "500ms"),
        bad("duration single letter", WAIT, "s", s -> s.duration(WAIT), "500ms"),
        bad("duration bad ISO", WAIT, "P5X", s -> s.duration(WAIT), "500ms"),
        bad("duration zero", WAIT, "0s", s -> s.duration(WAIT), "at least 1ms"),
        bad("duration negative", WAIT, "-5s", s -> s.duration(WAIT), "at least 1ms"),
        bad("duration negative ISO", WAIT, "PT-5S", s -> s.duration(WAIT), "at least 1ms"),
        bad("duration under a millisecond", WAIT, "PT0.0001S", s -> s.duration(WAIT), "at least 1ms"),
        bad("duration overflowing", WAIT, "9223372036854775807h", s -> s.duration(WAIT), "500ms"),
        bad("duration above its maximum", WAIT, "1001ms", s -> s.duration(WAIT, Duration.ofSeconds(1)),
            "from 1ms to 1000ms"),
        bad("enum unknown", COLOUR, "blue", s -> s.enumValue(COLOUR, Colour.class), "[red, green]"));
  }

  private static Arguments bad(String name, String key, String value, Function<Settings, Object> read,
      String expected) {
    return Arguments.of(named(name, new Bad(key, value, read, expected)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void badValueFromOverrideNamesKeyValueAndOrigin(Bad c) {
    Settings s = Settings.of(KEYS, Map.of(c.key(), c.value()));
    ConfigException e = assertThrows(ConfigException.class, () -> c.read().apply(s));
    assertMessage(e, c, "override");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void badValueFromEnvironmentNamesTheVariable(Bad c) {
    String env = KEYS.stream().filter(k -> k.name().equals(c.key())).findFirst().orElseThrow().envName();
    Settings s = Settings.load(KEYS, Optional.empty(), Map.of(env, c.value()), Map.of());
    ConfigException e = assertThrows(ConfigException.class, () -> c.read().apply(s));
    assertMessage(e, c, "environment " + env);
  }

  @Test
  void badValueFromFileNamesTheFile() throws IOException {
    Path f = file("test.count=42\n");
    Settings s = Settings.load(KEYS, Optional.of(f), Map.of(), Map.of());
    ConfigException e = assertThrows(ConfigException.class, () -> s.integer(COUNT, 1, 10));
    assertEquals("'test.count' = '42' (file " + f + ") is not a number from 1 to 10", e.getMessage());
  }

  private static void assertMessage(ConfigException e, Bad c, String origin) {
    String m = e.getMessage();
    assertAll(
        () -> assertTrue(m.contains("'" + c.key() + "'"), "names the key: " + m),
        () -> assertTrue(m.contains("'" + c.value().trim() + "'"), "quotes the value as written: " + m),
        () -> assertTrue(m.contains("(" + origin + ")"), "names the origin " + origin + ": " + m),
        () -> assertTrue(m.contains(c.expected()), "says what is expected (" + c.expected() + "): " + m));
  }

  // ------------------------------------------------------------------------------------------------- ConfigKey

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "kafka.bootstrap, PXEBUS_KAFKA_BOOTSTRAP",
      "events.buffer-capacity, PXEBUS_EVENTS_BUFFER_CAPACITY",
      "dhcp.replica-stale-after, PXEBUS_DHCP_REPLICA_STALE_AFTER",
      "instance.id, PXEBUS_INSTANCE_ID"})
  void environmentVariableName(String key, String env) {
    assertEquals(env, ConfigKey.of(key, null, "d").envName());
  }

  @ParameterizedTest(name = "rejects ''{0}''")
  @CsvSource({"Kafka.bootstrap", "kafka..bootstrap", "kafka.", "kafka_bootstrap", "1kafka", "kafka.-x"})
  void keyNamesAreLowerCaseDottedWords(String name) {
    assertThrows(IllegalArgumentException.class, () -> ConfigKey.of(name, null, "d"));
  }

  @Test
  void duplicateKeysAreRejected() {
    List<ConfigKey> twice = List.of(ConfigKey.of("a.b", "1", "x"), ConfigKey.of("a.b", "2", "y"));
    assertThrows(IllegalArgumentException.class, () -> Settings.of(twice, Map.of()));
  }
}
