package dev.pxebus.runtime;

import org.slf4j.MDC;

/**
 * Puts the client MAC and transaction id into the SLF4J MDC for the duration of a handler, so every log line
 * about one machine carries them ({@code mac=… xid=…} in the log pattern). Use with try-with-resources; event-loop
 * threads are shared, so the context must be cleared when the handler ends.
 */
public final class LogContext implements AutoCloseable {
  public static final String MAC = "mac";
  public static final String XID = "xid";

  private LogContext() {}

  public static LogContext of(String mac, String xid) {
    if (mac != null) MDC.put(MAC, mac);
    if (xid != null) MDC.put(XID, xid);
    return new LogContext();
  }

  @Override
  public void close() {
    MDC.remove(MAC);
    MDC.remove(XID);
  }
}
