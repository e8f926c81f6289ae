package dev.pxebus.events;

/** A record that is not a pxebus event this code can read. The message says what was wrong with it. */
public final class EventDecodeException extends Exception {
  public EventDecodeException(String message) {
    super(message);
  }

  public EventDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
