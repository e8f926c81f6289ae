package dev.pxebus.cli.catalog;

/** Why a catalog command failed: one line for stderr (without the {@code pxebus: } prefix) and the exit code. */
public final class CatalogException extends Exception {
  private final int exitCode;

  public CatalogException(int exitCode, String line) {
    this(exitCode, line, null);
  }

  public CatalogException(int exitCode, String line, Throwable cause) {
    super(oneLine(line), cause);
    this.exitCode = exitCode;
  }

  static CatalogException usage(String line) {
    return new CatalogException(ExitCodes.USAGE, line);
  }

  public int exitCode() {
    return exitCode;
  }

  /** Whatever the service or a library put in a message, it stays on one line. */
  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
