package dev.pxebus.catalog.blob;

import java.util.List;

/**
 * What {@link BlobStore#collect} removed.
 *
 * @param blobs blobs no longer referenced, deleted
 * @param staleTemps leftover temp files of uploads that never finished (older than {@link BlobStore#STALE_TEMP})
 */
public record Collected(List<Blob> blobs, int staleTemps) {
  public Collected {
    blobs = List.copyOf(blobs);
  }

  public long bytes() {
    return blobs.stream().mapToLong(Blob::size).sum();
  }
}
