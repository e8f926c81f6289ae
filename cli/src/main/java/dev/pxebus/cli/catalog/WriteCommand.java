package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pxebus.events.Mac;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What {@code add} and {@code update} share: {@code --file}, the kind's field options, the output. */
abstract class WriteCommand extends CatalogCommand {
  @Option(names = "--file", paramLabel = "FILE",
      description = "the document as JSON (- = stdin), as `show --json` prints it; the other options change it")
  Path file;

  @Option(names = "--json", description = "print the stored document as JSON")
  boolean json;

  abstract Kind kind();

  /** The kind's field options. */
  abstract Fields fields();

  /** The key given on the command line, or null. */
  abstract String key();

  /** The JSON object of {@code --file}, without the read-only fields. */
  ObjectNode readFile() throws CatalogException {
    JsonNode node;
    try {
      byte[] bytes = file.toString().equals("-") ? System.in.readAllBytes() : Files.readAllBytes(file);
      node = CatalogClient.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw CatalogException.usage(file + " is not JSON: " + e.getOriginalMessage() + " (line "
          + e.getLocation().getLineNr() + ")");
    } catch (NoSuchFileException e) {
      throw CatalogException.usage("cannot read " + file + ": no such file");
    } catch (IOException e) {
      throw CatalogException.usage("cannot read " + file + ": " + e.getMessage());
    }
    if (node == null || !node.isObject()) throw CatalogException.usage(file + " holds no JSON object");
    return withoutReadOnly((ObjectNode) node);
  }

  static ObjectNode withoutReadOnly(ObjectNode doc) {
    doc.remove(Kind.READ_ONLY);
    return doc;
  }

  /**
   * Puts the command line's key into the document, or checks it agrees with the one there (MACs compare in
   * canonical form).
   */
  void key(ObjectNode doc, String key) throws CatalogException {
    String field = kind().keyField();
    JsonNode there = doc.get(field);
    if (there == null || there.isNull()) {
      doc.put(field, key);
    } else if (!sameKey(there.asText(), key)) {
      throw CatalogException.usage(file + " is " + kind().singular() + " " + there.asText() + ", not " + key);
    }
  }

  private boolean sameKey(String a, String b) {
    if (kind() == Kind.HOST && Mac.isValid(a) && Mac.isValid(b)) return Mac.canonical(a).equals(Mac.canonical(b));
    return a.equals(b);
  }

  void done(String verb, JsonNode stored, String fallbackKey) {
    if (json) {
      printJson(stored);
    } else {
      String k = stored.path(kind().keyField()).asText(fallbackKey);
      out().println(verb + " " + kind().singular() + " " + k + revision(stored));
    }
  }
}
