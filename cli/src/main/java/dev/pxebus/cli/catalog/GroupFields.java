package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Option;

/** Field options of {@code groups add|update}. */
final class GroupFields implements Fields {
  @Option(names = "--name", paramLabel = "TEXT", description = "display name")
  String name;

  @Option(names = "--profile", paramLabel = "PROFILE", description = "the profile its machines boot")
  String profile;

  @Option(names = "--selector", paramLabel = "KEY=VALUE",
      description = "match machines by mac, arch, uuid or label.<name>, repeatable; none = the default group")
  List<String> selectors;

  @Option(names = "--unselect", paramLabel = "KEY", description = "remove a selector key, repeatable")
  List<String> unselect;

  @Override
  public boolean apply(ObjectNode doc) throws CatalogException {
    boolean given = Fields.text(doc, "name", name);
    given |= Fields.text(doc, "profile", profile);
    given |= Fields.pairs(doc, "selector", "--selector", selectors, unselect);
    return given;
  }
}
