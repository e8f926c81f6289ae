package dev.pxebus.tftp.boot;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.runtime.MaterializedView;
import java.util.List;
import java.util.Optional;

/** Finds a boot image of the catalog by id or name; the port {@link BootNamespace} resolves {@code images/…} through. */
@FunctionalInterface
public interface ImageCatalog {
  /** The images whose id is {@code idOrName}, else those whose name is. Empty when none. */
  List<ImageEvent> find(String idOrName);

  /** An empty catalog: every {@code images/…} name is not found. */
  static ImageCatalog none() {
    return idOrName -> List.of();
  }

  /** Reads the materialised {@code pxebus.catalog.images} topic (keyed by image id). */
  static ImageCatalog of(MaterializedView<ImageEvent> view) {
    return idOrName -> {
      Optional<ImageEvent> byId = view.get(idOrName);
      if (byId.isPresent()) return List.of(byId.get());
      return view.snapshot().values().stream()
          .map(Envelope::data)
          .filter(i -> idOrName.equals(i.name()))
          .toList();
    };
  }
}
