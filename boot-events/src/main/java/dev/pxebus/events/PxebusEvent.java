package dev.pxebus.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Every payload that travels on a pxebus topic. Records only; fields are added, never reused or renamed
 * (readers ignore fields they do not know, so adding one needs no schema version bump). Every implementation is
 * listed in {@link EventType}; a class not listed there cannot be published.
 */
public interface PxebusEvent {

  /** The Kafka record key, and the CloudEvents subject: a canonical MAC for machine events, else the entity id. */
  @JsonIgnore
  String key();
}
