package dev.pxebus.menu.render;

/**
 * A menu that cannot be rendered: a catalog value that cannot be written safely in the target language (the message
 * names the entry and the field, e.g. {@code entry "debian-12" label: contains U+000A LINE FEED (LF) ...}), or a
 * template that does not parse or does not evaluate (the message names the template and where it came from). The
 * one exception type {@link MenuRenderer} fails with; no partial menu is ever produced alongside it.
 */
public final class MenuRenderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MenuRenderException(String message) {
    super(message);
  }

  public MenuRenderException(String message, Throwable cause) {
    super(message, cause);
  }
}
