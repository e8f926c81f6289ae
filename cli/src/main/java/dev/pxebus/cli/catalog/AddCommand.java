package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code pxebus <kind> add [KEY] (--file F | options)}: {@code POST} the new entity; 409 if it exists. */
abstract class AddCommand extends WriteCommand {
  @Override
  int execute(CatalogClient client) throws CatalogException {
    ObjectNode doc = file != null ? readFile() : CatalogClient.MAPPER.createObjectNode();
    if (key() != null) key(doc, key());
    fields().apply(doc);
    JsonNode k = doc.get(kind().keyField());
    if (k == null || k.asText().isEmpty()) {
      throw CatalogException.usage("which " + kind().singular() + "? give its " + kind().keyField()
          + " (or a --file with one)");
    }
    // What is missing or wrong is for the service to say: its 422 names every field at once.
    JsonNode stored = client.post(kind().path(), doc).body();
    done("added", stored, k.asText());
    return ExitCodes.OK;
  }
}
