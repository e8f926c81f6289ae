package dev.pxebus.cli.catalog;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Progress of one large upload on stderr: {@code pxebus: uploading vmlinuz: 48.0 of 120.0 MiB (40%)}, at most one
 * line per {@link #INTERVAL_NANOS}, none for files under {@link #LARGE} bytes. Told the bytes sent so far.
 */
final class UploadProgress implements LongConsumer {
  /** Files from this size on get progress lines. */
  static final long LARGE = 16L << 20;
  static final long INTERVAL_NANOS = 1_000_000_000L;

  private final String name;
  private final long total;
  private final PrintWriter err;
  private final LongSupplier nanoTime;
  private long last;

  UploadProgress(String name, long total, PrintWriter err, LongSupplier nanoTime) {
    this.name = name;
    this.total = total;
    this.err = err;
    this.nanoTime = nanoTime;
    this.last = nanoTime.getAsLong();
  }

  @Override
  public void accept(long sent) {
    if (total < LARGE || sent >= total) return;
    long now = nanoTime.getAsLong();
    if (now - last < INTERVAL_NANOS) return;
    last = now;
    err.println(line(name, sent, total));
    err.flush();
  }

  static String line(String name, long sent, long total) {
    return String.format(Locale.ROOT, "pxebus: uploading %s: %.1f of %.1f MiB (%d%%)", name, sent / 1048576.0,
        total / 1048576.0, total == 0 ? 100 : sent * 100 / total);
  }
}
