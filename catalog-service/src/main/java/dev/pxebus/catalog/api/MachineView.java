package dev.pxebus.catalog.api;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** What the boot events say of machines, for {@code GET /hosts/{mac}} and {@code GET /hosts/{mac}/timeline}. */
public interface MachineView {
  /** Last seen, last stage, last lease … of a canonical MAC; empty if it was never seen. */
  Optional<JsonObject> status(String mac);

  /** The machine's recent boot attempts, newest first; empty if it was never seen. */
  Optional<JsonObject> timeline(String mac, int limit);
}
