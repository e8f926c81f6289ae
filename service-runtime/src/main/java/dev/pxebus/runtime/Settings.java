package dev.pxebus.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Raw configuration of one service, read once in {@code Main}: defaults, then a properties file, then
 * {@code PXEBUS_*} environment variables, then explicit overrides (the lab's). Typed access with errors that name
 * the key and the source of the bad value. Unknown keys in the file are an error, so a typo is never silently
 * ignored.
 */
public final class Settings {
  private final Map<String, ConfigKey> keys = new LinkedHashMap<>();
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> origin = new LinkedHashMap<>();

  private Settings(Collection<ConfigKey> keys) {
    for (ConfigKey k : keys) {
      if (this.keys.put(k.name(), k) != null) throw new IllegalArgumentException("duplicate key " + k.name());
      if (k.defaultValue() != null) {
        values.put(k.name(), k.defaultValue());
        origin.put(k.name(), "default");
      }
    }
  }

  /**
   * @param file optional properties file; must exist when given
   * @param env the process environment ({@code System.getenv()})
   * @param overrides values that win over everything (may be empty)
   */
  public static Settings load(Collection<ConfigKey> keys, Optional<Path> file, Map<String, String> env,
      Map<String, String> overrides) {
    Settings s = new Settings(keys);
    if (file.isPresent()) s.readFile(file.get());
    for (ConfigKey k : s.keys.values()) {
      String v = env.get(k.envName());
      if (v != null) s.set(k.name(), v, "environment " + k.envName());
    }
    overrides.forEach((k, v) -> s.set(k, v, "override"));
    return s;
  }

  /** Only defaults and the given values: for tests and for the in-process lab. */
  public static Settings of(Collection<ConfigKey> keys, Map<String, String> values) {
    return load(keys, Optional.empty(), Map.of(), values);
  }

  private void readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    List<String> unknown = new ArrayList<>();
    for (String name : new TreeSet<>(p.stringPropertyNames())) {
      if (!keys.containsKey(name)) unknown.add(name);
      else set(name, p.getProperty(name).trim(), "file " + file);
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown key(s) " + unknown + " in " + file + "; known keys: " + keys.keySet());
    }
  }

  private void set(String name, String value, String from) {
    if (!keys.containsKey(name)) throw new ConfigException("unknown key '" + name + "' (" + from + ")");
    values.put(name, value);
    origin.put(name, from);
  }

  public Collection<ConfigKey> keys() {
    return keys.values();
  }

  public Optional<String> optional(String name) {
    requireKnown(name);
    String v = values.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  public String string(String name) {
    return optional(name).orElseThrow(() -> new ConfigException("'" + name + "' is not set (environment "
        + keys.get(name).envName() + "): " + keys.get(name).description()));
  }

  public int integer(String name, int min, int max) {
    String v = string(name);
    try {
      int i = Integer.parseInt(v.trim());
      if (i < min || i > max) throw bad(name, v, "a number from " + min + " to " + max);
      return i;
    } catch (NumberFormatException e) {
      throw bad(name, v, "a number from " + min + " to " + max);
    }
  }

  public int port(String name) {
    return integer(name, 0, 65535);
  }

  public boolean bool(String name) {
    String v = string(name).trim();
    // The message quotes the value as written, not the lower-cased form matched here.
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw bad(name, v, "true or false");
    };
  }

  /**
   * A duration written as {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}), of at least
   * 1 ms: every duration key is an interval or a timeout, and zero or a negative value would fail later, far from the
   * configuration (a Vert.x timer refuses a delay under 1 ms).
   */
  public Duration duration(String name) {
    String v = string(name).trim();
    Duration d;
    try {
      d = parseDuration(v);
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      d = null;
    }
    if (d == null || d.compareTo(Duration.ofMillis(1)) < 0) {
      throw bad(name, v, "a duration of at least 1ms such as 500ms, 5s, 2m, 1h or PT5S");
    }
    return d;
  }

  /** {@link #duration(String)}, and at most {@code max}. */
  public Duration duration(String name, Duration max) {
    Duration d = duration(name);
    if (d.compareTo(max) > 0) {
      throw bad(name, string(name).trim(), "a duration from 1ms to " + max.toMillis() + "ms");
    }
    return d;
  }

  /** The duration, or null when the unit is not one of ms, s, m, h. */
  private static Duration parseDuration(String v) {
    if (v.startsWith("P") || v.startsWith("p")) return Duration.parse(v);
    if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    if (v.length() < 2) return null;
    long n = Long.parseLong(v.substring(0, v.length() - 1));
    return switch (v.charAt(v.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> null;
    };
  }

  public <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    String v = string(name).trim();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v)) return e;
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) allowed.add(e.name().toLowerCase());
    throw bad(name, v, "one of " + allowed);
  }

  public Path path(String name) {
    return Path.of(string(name));
  }

  /** Where the current value of a key came from (default, file, environment, override), for start-up logs. */
  public String origin(String name) {
    return origin.getOrDefault(name, "unset");
  }

  private void requireKnown(String name) {
    if (!keys.containsKey(name)) throw new IllegalArgumentException("no config key " + name);
  }

  private ConfigException bad(String name, String value, String expected) {
    return new ConfigException("'" + name + "' = '" + value + "' (" + origin(name) + ") is not " + expected);
  }
}
