package dev.pxebus.runtime;

import io.vertx.core.Future;
import java.util.List;

/** A started service: what it listens on, and how to stop it. */
public interface RunningService {
  String name();

  /** Human-readable lines saying where the service listens, printed at start-up. */
  List<String> endpoints();

  /** The host (Vert.x, registry, publisher, admin server) the service runs on. */
  ServiceHost host();

  /** Stops the service: listeners first, then subscribers, then flushes events and closes Vert.x. */
  Future<Void> close();
}
