package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pxebus <kind> show KEY}: one entity, as {@code key: value} lines or JSON. */
abstract class ShowCommand extends CatalogCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "the id (hosts: the MAC, any spelling)")
  String key;

  @Option(names = "--json", description = "the document as the API returns it")
  boolean json;

  abstract Kind kind();

  @Override
  int execute(CatalogClient client) throws CatalogException {
    JsonNode doc = client.get(kind().path(key), new CatalogClient.Query()).body();
    if (json) printJson(doc);
    else printLines(Render.fields(doc));
    return ExitCodes.OK;
  }
}
