package dev.pxebus.runtime.kafka;

/**
 * Completes a {@link EventPublisher#publishConfirmed} stage whose event will never reach Kafka: dropped from a full
 * buffer, refused by the broker, or still undelivered when the publisher closed. The message says which.
 */
public final class EventNotDeliveredException extends RuntimeException {
  public EventNotDeliveredException(String message) {
    super(message);
  }

  public EventNotDeliveredException(String message, Throwable cause) {
    super(message, cause);
  }
}
