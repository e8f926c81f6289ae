package dev.pxebus.events;

import java.util.Objects;

/**
 * A topic of the pxebus contract: its name, what its key is, the type of its values, whether it is
 * compacted state or a retained log, and the one service that writes it. Obtain instances from {@link Topics}.
 */
public record Topic<T extends PxebusEvent>(
    String name, KeyKind key, Class<T> valueType, Cleanup cleanup, int partitions, String producer, String description) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(cleanup, "cleanup");
    if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
  }

  @Override
  public String toString() {
    return name;
  }
}
