package dev.pxebus.menu.render;

import io.pebbletemplates.pebble.error.LoaderException;
import io.pebbletemplates.pebble.loader.Loader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a template by file name: in the operator's directory if it holds a file of that name, else built in
 * ({@code templates/} on the class path). Names are prefixed with a namespace of one renderer: Vert.x keeps compiled
 * templates in one cache per Vert.x instance keyed by name, which two renderers with different operator directories
 * would otherwise share. Reads files (blocking): templates are loaded once, off the event loop, by {@link
 * MenuRenderer#create}.
 */
final class TemplateLoader implements Loader<String> {
  static final String BUILT_IN = "templates/";

  private final String namespace;
  private final Optional<Path> overrideDir;

  TemplateLoader(String namespace, Optional<Path> overrideDir) {
    this.namespace = namespace;
    this.overrideDir = overrideDir.map(d -> d.toAbsolutePath().normalize());
  }

  /** The name a renderer asks Pebble and Vert.x for. */
  String qualified(String name) {
    return namespace + "/" + name;
  }

  String bare(String name) {
    return name.startsWith(namespace + "/") ? name.substring(namespace.length() + 1) : name;
  }

  /** The operator's file for this template, if there is one. */
  Optional<Path> override(String name) {
    String bare = bare(name);
    return overrideDir.map(d -> d.resolve(bare).normalize())
        .filter(p -> p.startsWith(overrideDir.get()) && Files.isRegularFile(p));
  }

  /** Where the template comes from, for messages: {@code operator template /etc/pxebus/menu.ipxe.peb} or built in. */
  String origin(String name) {
    return override(name).map(p -> "operator template " + p).orElse("built-in template " + bare(name));
  }

  @Override
  public Reader getReader(String name) {
    Optional<Path> file = override(name);
    try {
      if (file.isPresent()) return Files.newBufferedReader(file.get(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LoaderException(e, "cannot read " + file.get() + ": " + e.getMessage());
    }
    InputStream in = TemplateLoader.class.getClassLoader().getResourceAsStream(BUILT_IN + bare(name));
    if (in == null) {
      throw new LoaderException(null, "no template " + bare(name) + overrideDir.map(d -> " in " + d).orElse("")
          + " and none built in");
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }

  @Override
  public void setCharset(String charset) {}

  @Override
  public void setPrefix(String prefix) {}

  @Override
  public void setSuffix(String suffix) {}

  /** An {@code include} names a file beside the others: operator's first, then built in. */
  @Override
  public String resolveRelativePath(String relativePath, String anchorPath) {
    return qualified(bare(relativePath));
  }

  @Override
  public String createCacheKey(String templateName) {
    return qualified(bare(templateName));
  }

  @Override
  public boolean resourceExists(String templateName) {
    return override(templateName).isPresent()
        || TemplateLoader.class.getClassLoader().getResource(BUILT_IN + bare(templateName)) != null;
  }
}
