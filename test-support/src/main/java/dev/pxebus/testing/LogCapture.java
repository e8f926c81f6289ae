package dev.pxebus.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What is logged under one logger (and the loggers below it) while the capture is open, for tests that assert what
 * a service logs. Logback is the backend on every test class path (test-support's {@code logback-test.xml}); events
 * are the ones that pass the configured levels, as they would reach the console.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.everything()) {
 *   start();
 *   assertEquals(1, log.occurrences(secret));
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String name) {
    if (!(LoggerFactory.getLogger(name) instanceof Logger l)) {
      throw new IllegalStateException("SLF4J is not bound to Logback: cannot capture the log of " + name);
    }
    logger = l;
    appender.setContext(l.getLoggerContext());
    appender.setName("test-capture-" + System.identityHashCode(this));
    appender.start();
    l.addAppender(appender);
  }

  /** Every logger's events. */
  public static LogCapture everything() {
    return new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** The events of {@code type}'s logger. */
  public static LogCapture of(Class<?> type) {
    return new LogCapture(type.getName());
  }

  /** The events so far, oldest first. */
  public List<ILoggingEvent> events() {
    // AppenderBase appends under the appender's monitor: copy under it too.
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  /** Each event as one line of text: level, logger, message and the stack trace if there is one. */
  public List<String> lines() {
    return events().stream().map(LogCapture::line).toList();
  }

  /** How many times {@code text} occurs in what was logged so far (messages and stack traces). */
  public long occurrences(String text) {
    if (text.isEmpty()) throw new IllegalArgumentException("empty text");
    long n = 0;
    for (String line : lines()) {
      for (int i = line.indexOf(text); i >= 0; i = line.indexOf(text, i + text.length())) n++;
    }
    return n;
  }

  private static String line(ILoggingEvent e) {
    String line = e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage();
    return e.getThrowableProxy() == null ? line : line + "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
