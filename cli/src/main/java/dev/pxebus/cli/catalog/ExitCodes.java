package dev.pxebus.cli.catalog;

/**
 * Exit codes of the catalog commands, fixed so that scripts can rely on them. Also listed in every command's
 * help (the {@code *_HELP} texts, picocli's {@code exitCodeList} format).
 */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** The service answered with an error: invalid document, conflict, stale revision, not authorised, 5xx. */
  public static final int REFUSED = 1;
  /** Bad options or arguments (picocli's own code), or an input file that cannot be read or is not JSON. */
  public static final int USAGE = 2;
  /** No answer from catalog-service: refused connection, unknown host, timeout. */
  public static final int UNREACHABLE = 3;
  /** The entity (or blob, or timeline) does not exist: HTTP 404. */
  public static final int NOT_FOUND = 4;

  public static final String HEADING = "%nExit codes:%n";
  public static final String OK_HELP = "0:done";
  public static final String REFUSED_HELP = "1:catalog-service refused the request (invalid, conflict, stale, not authorised)";
  public static final String USAGE_HELP = "2:usage: bad option or argument, unreadable input file";
  public static final String UNREACHABLE_HELP = "3:cannot reach catalog-service";
  public static final String NOT_FOUND_HELP = "4:not found";
}
