package dev.pxebus.catalog.blob;

import java.util.List;

/**
 * What {@link BlobStore#importDirectory} did, per file, with names relative to the imported directory ({@code /}
 * separated).
 *
 * @param imported files stored (or found already stored), in walk order
 * @param skipped entries not imported, with the reason
 */
public record ImportReport(List<Imported> imported, List<Skipped> skipped) {
  public ImportReport {
    imported = List.copyOf(imported);
    skipped = List.copyOf(skipped);
  }

  public record Imported(String name, Blob blob) {}

  public record Skipped(String name, String reason) {}
}
