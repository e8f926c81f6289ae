package dev.pxebus.events;

/** What a topic's record key is. */
public enum KeyKind {
  /** A client MAC in {@link Mac#canonical(String)} form. */
  MAC,
  /** A catalog entity id (image, profile or group id). */
  ENTITY_ID,
  /** A tftp-service replica id. */
  REPLICA_ID
}
