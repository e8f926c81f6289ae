package dev.pxebus.cli.catalog;

import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pxebus <kind> delete KEY}. */
abstract class DeleteCommand extends CatalogCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "the id (hosts: the MAC, any spelling)")
  String key;

  @Option(names = "--if-revision", paramLabel = "N",
      description = "only if the entity is still at revision N (412 otherwise)")
  Long ifRevision;

  abstract Kind kind();

  @Override
  int execute(CatalogClient client) throws CatalogException {
    client.delete(kind().path(key), Optional.ofNullable(ifRevision).map(r -> "\"" + r + "\""));
    out().println("deleted " + kind().singular() + " " + key);
    return ExitCodes.OK;
  }
}
