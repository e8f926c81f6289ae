package dev.pxebus.runtime;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration key: its name in a config file ({@code kafka.bootstrap}), its default (null = no default,
 * must be set when the feature needing it is used) and what it does. The environment variable for a key is
 * {@code PXEBUS_} plus the name upper-cased with dots and dashes as underscores ({@code PXEBUS_KAFKA_BOOTSTRAP}).
 */
public record ConfigKey(String name, String defaultValue, String description) {

  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    if (!name.matches("[a-z][a-z0-9]*([.-][a-z0-9]+)*")) throw new IllegalArgumentException("bad key name " + name);
  }

  public static ConfigKey of(String name, String defaultValue, String description) {
    return new ConfigKey(name, defaultValue, description);
  }

  public String envName() {
    return "PXEBUS_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
