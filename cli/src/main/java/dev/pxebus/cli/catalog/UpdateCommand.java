package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code pxebus <kind> update KEY (--file F | options)}: GET the entity, apply the changes, PUT it back with
 * {@code If-Match} set to the ETag of that GET, so that a change made meanwhile by someone else is refused
 * (412) instead of silently overwritten.
 */
abstract class UpdateCommand extends WriteCommand {
  @Option(names = "--if-revision", paramLabel = "N",
      description = "only if the entity is still at revision N, e.g. the one `show` printed (412 otherwise)")
  Long ifRevision;

  @Override
  int execute(CatalogClient client) throws CatalogException {
    String key = key();
    CatalogClient.Response current = client.get(kind().path(key), new CatalogClient.Query());
    if (!current.body().isObject()) {
      throw new CatalogException(ExitCodes.REFUSED, "catalog-service sent no " + kind().singular() + " document for "
          + key);
    }
    ObjectNode doc = file != null ? readFile() : withoutReadOnly(((ObjectNode) current.body()).deepCopy());
    if (file != null) key(doc, key);
    boolean changed = fields().apply(doc);
    if (file == null && !changed) {
      throw CatalogException.usage("nothing to change: give --file or options for the fields to change");
    }
    Optional<String> ifMatch = ifRevision != null ? Optional.of("\"" + ifRevision + "\"") : current.etag()
        .or(() -> current.body().path("revision").isNumber()
            ? Optional.of("\"" + current.body().get("revision").asText() + "\"") : Optional.empty());
    if (ifMatch.isEmpty()) {
      // Without it the PUT could overwrite a change made since the GET.
      throw new CatalogException(ExitCodes.REFUSED, "catalog-service sent no ETag with " + kind().singular() + " "
          + key + "; not updating blindly");
    }
    JsonNode stored = client.put(kind().path(key), doc, ifMatch).body();
    done("updated", stored, key);
    return ExitCodes.OK;
  }
}
