package dev.pxebus.menu.render;

import dev.pxebus.events.boot.MenuFormat;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.escaper.EscapingStrategy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.templ.pebble.PebbleTemplateEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a {@link MenuModel} as an iPXE script, a pxelinux config or a GRUB config, through Pebble templates
 * ({@link #templateName}): built in under {@code templates/}, or the operator's file of the same name in the
 * override directory. The whole menu is rendered into a {@link Buffer} first; any failure fails the {@link Future}
 * with a {@link MenuRenderException} and no output at all, so a client never gets half a menu.
 *
 * <p>One Pebble engine per language: strict variables (a misspelt variable in an operator template is an error, not
 * an empty string) and autoescaping with the language's strategy ({@link IpxeEscape#arg}, {@link
 * PxelinuxEscape#line}, {@link GrubEscape#word}) for every printed value. Before a template runs, the model is
 * checked for the language ({@link MenuView}), so that a value that cannot be written safely is refused with its
 * entry and field named.
 *
 * <p>Templates are read and compiled by {@link #create}, off the event loop: a template that does not parse fails the
 * start, naming the file; rendering afterwards does no I/O. Changing an operator template takes a restart.
 */
public final class MenuRenderer {
  private static final Logger LOG = LoggerFactory.getLogger(MenuRenderer.class);
  private static final AtomicLong RENDERERS = new AtomicLong();

  /** Rendered output is capped so that a runaway operator template cannot eat the heap. */
  static final int MAX_RENDERED_CHARS = 1 << 20;

  private final TemplateLoader loader;
  private final Map<MenuFormat, PebbleTemplateEngine> engines;

  private MenuRenderer(TemplateLoader loader, Map<MenuFormat, PebbleTemplateEngine> engines) {
    this.loader = loader;
    this.engines = engines;
  }

  /**
   * Loads and compiles the three templates.
   *
   * @param overrideDir the operator's template directory: a file there named like a built-in template replaces it
   * @return the renderer, or a failed future naming the template that does not parse or the directory that is missing
   */
  public static Future<MenuRenderer> create(Vertx vertx, Optional<Path> overrideDir) {
    TemplateLoader loader = new TemplateLoader("menu-renderer-" + RENDERERS.incrementAndGet(), overrideDir);
    return vertx.executeBlocking(() -> {
      if (overrideDir.isPresent() && !Files.isDirectory(overrideDir.get())) {
        throw new MenuRenderException("template directory " + overrideDir.get() + " does not exist");
      }
      Map<MenuFormat, PebbleTemplateEngine> engines = new EnumMap<>(MenuFormat.class);
      for (MenuFormat format : MenuFormat.values()) {
        PebbleEngine pebble = pebble(loader, format);
        String name = templateName(format);
        try {
          pebble.getTemplate(loader.qualified(name));
        } catch (PebbleException e) {
          throw templateError(loader, name, "does not parse", e);
        }
        LOG.info("{} menus from the {}", format, loader.origin(name));
        engines.put(format, PebbleTemplateEngine.create(vertx, "peb", pebble));
      }
      return new MenuRenderer(loader, engines);
    });
  }

  /** The template's file name, built in under {@code templates/} or in the operator's directory. */
  public static String templateName(MenuFormat format) {
    return switch (format) {
      case IPXE -> "menu.ipxe.peb";
      case PXELINUX -> "pxelinux.cfg.peb";
      case GRUB -> "grub.cfg.peb";
    };
  }

  /**
   * The menu, whole, or a failed future with a {@link MenuRenderException}: a catalog value refused for the
   * language (naming entry and field), or a template that fails (naming the template, its origin and line).
   */
  public Future<Buffer> render(MenuFormat format, MenuModel model) {
    Map<String, Object> view;
    try {
      view = MenuView.of(format, model);
    } catch (MenuRenderException e) {
      return Future.failedFuture(e);
    }
    String name = templateName(format);
    return engines.get(format).render(view, loader.qualified(name)).recover(e -> {
      MenuRenderException failure = templateError(loader, name, "failed", e);
      LOG.warn("{}", failure.getMessage());
      return Future.failedFuture(failure);
    });
  }

  /** Where this renderer's template for the format comes from: {@code built-in ...} or {@code operator ...}. */
  public String templateOrigin(MenuFormat format) {
    return loader.origin(templateName(format));
  }

  private static PebbleEngine pebble(TemplateLoader loader, MenuFormat format) {
    EscapingStrategy ipxe = v -> IpxeEscape.arg("a value printed by the iPXE template", v);
    EscapingStrategy pxelinux = v -> PxelinuxEscape.line("a value printed by the pxelinux template", v);
    EscapingStrategy grub = v -> GrubEscape.word("a value printed by the GRUB template", v);
    return new PebbleEngine.Builder()
        .loader(loader)
        .strictVariables(true)
        .autoEscaping(true)
        .addEscapingStrategy("ipxe", ipxe)
        .addEscapingStrategy("pxelinux", pxelinux)
        .addEscapingStrategy("grub", grub)
        .defaultEscapingStrategy(format.name().toLowerCase(java.util.Locale.ROOT))
        .newLineTrimming(false)
        .maxRenderedSize(MAX_RENDERED_CHARS)
        .cacheActive(true)
        .build();
  }

  /** One message naming the template, where it came from, the line, and Pebble's reason or the refusal. */
  private static MenuRenderException templateError(TemplateLoader loader, String name, String what, Throwable e) {
    Throwable refusal = e;
    while (refusal != null && !(refusal instanceof MenuRenderException)) refusal = refusal.getCause();
    StringBuilder message = new StringBuilder(loader.origin(name)).append(' ').append(what);
    PebbleException pebble = e instanceof PebbleException p ? p : null;
    if (pebble != null && pebble.getLineNumber() != null) message.append(" at line ").append(pebble.getLineNumber());
    message.append(": ");
    if (refusal != null) message.append(refusal.getMessage());
    else if (pebble != null && pebble.getPebbleMessage() != null) {
      message.append(pebble.getPebbleMessage());
      // What the template did wrong is often only in the cause ("/ by zero", a missing index).
      Throwable cause = pebble.getCause();
      if (cause != null && cause != pebble && cause.getMessage() != null
          && !pebble.getPebbleMessage().contains(cause.getMessage())) {
        message.append(" (").append(cause.getMessage()).append(')');
      }
    } else message.append(e.getMessage());
    return new MenuRenderException(message.toString().replace(loader.qualified(""), ""), e);
  }
}
