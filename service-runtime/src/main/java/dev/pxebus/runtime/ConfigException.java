package dev.pxebus.runtime;

/** The configuration cannot be used; the message names the key, the value and what is expected. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
