package dev.pxebus.catalog.blob;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Vert.x {@link ReadStream} read as a blocking {@link InputStream} on a worker thread, with back-pressure: the
 * source is paused once {@value #HIGH_WATER} bytes wait unread and resumed when the reader has brought them under
 * {@value #LOW_WATER}, so at most about {@value #HIGH_WATER} bytes of an upload are ever in memory.
 *
 * <p>Create it on the source's event loop (it installs the handlers and resumes the source); read it on a worker.
 * All pause/resume calls happen on the event loop.
 */
final class RequestInputStream extends InputStream {
  static final int HIGH_WATER = 1024 * 1024;
  static final int LOW_WATER = 256 * 1024;
  private static final Object END = new Object();

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final ReadStream<Buffer> source;
  private final Context context;
  private final long idleNanos;
  private boolean paused; // event loop only
  private Buffer current;
  private int pos;
  private boolean ended;
  private volatile boolean closed;

  RequestInputStream(ReadStream<Buffer> source, Context context, Duration idleTimeout) {
    this.source = source;
    this.context = context;
    this.idleNanos = idleTimeout.toNanos();
    source.handler(buf -> {
      if (closed) return; // the reader gave up (limit, mismatch): drop the rest
      queue.add(buf);
      if (queued.addAndGet(buf.length()) > HIGH_WATER && !paused) {
        paused = true;
        source.pause();
      }
    });
    source.endHandler(v -> queue.add(END));
    source.exceptionHandler(queue::add);
    source.resume();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (!fill()) return -1;
    int n = Math.min(len, current.length() - pos);
    current.getBytes(pos, pos + n, b, off);
    pos += n;
    if (pos == current.length()) consumed(current.length());
    return n;
  }

  /** Makes {@code current} a buffer with unread bytes; false at the end of the stream. */
  private boolean fill() throws IOException {
    while (!ended && (current == null || pos == current.length())) {
      if (closed) throw new IOException("stream closed");
      Object item;
      try {
        item = queue.poll(idleNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the request body");
      }
      if (item == null) throw new IOException("no request body data for " + Duration.ofNanos(idleNanos));
      if (item == END) {
        ended = true;
      } else if (item instanceof Throwable t) {
        throw new IOException("request body failed: " + t, t);
      } else {
        current = (Buffer) item;
        pos = 0;
      }
    }
    return !ended;
  }

  private void consumed(int n) {
    current = null;
    long after = queued.addAndGet(-n);
    // Crossing below the low-water mark can only follow a pause that happened above the high-water mark, so one
    // check per crossing is enough to resume.
    if (after + n > LOW_WATER && after <= LOW_WATER) {
      context.runOnContext(v -> {
        if (paused && queued.get() <= LOW_WATER && !closed) {
          paused = false;
          source.resume();
        }
      });
    }
  }

  @Override
  public void close() {
    closed = true;
    queue.clear();
  }
}
