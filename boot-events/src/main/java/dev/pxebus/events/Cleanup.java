package dev.pxebus.events;

/** Kafka {@code cleanup.policy} of a topic. */
public enum Cleanup {
  /** {@code compact}: the latest value per key is the state; a null value (tombstone) deletes the key. */
  COMPACT("compact"),
  /** {@code delete}: an append-only log kept for the operator's retention time. */
  RETAINED("delete");

  private final String policy;

  Cleanup(String policy) {
    this.policy = policy;
  }

  public String policy() {
    return policy;
  }
}
