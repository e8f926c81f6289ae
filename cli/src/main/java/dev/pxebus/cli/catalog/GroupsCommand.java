package dev.pxebus.cli.catalog;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pxebus groups}: Groups: machines chosen by selector (mac, arch, uuid, label.<name>) boot a profile. */
@Command(name = "groups",
    description = {"Groups: machines chosen by selector (mac, arch, uuid, label.<name>) boot a profile.",
        "Updates are GET, change, PUT with If-Match: a concurrent change is refused (412), never overwritten."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
        ExitCodes.NOT_FOUND_HELP},
    subcommands = {GroupsCommand.List.class, GroupsCommand.Show.class, GroupsCommand.Add.class, GroupsCommand.Update.class,
        GroupsCommand.Delete.class,
        CommandLine.HelpCommand.class})
public final class GroupsCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", description = "List groups (every page), as a table or --json.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP})
  static final class List extends ListCommand {
    @Option(names = "--profile", paramLabel = "PROFILE", description = "only groups booting this profile")
    String profile;

    @Override
    void filters(CatalogClient.Query q) {
      q.add("profile", profile);
    }

    @Override
    Kind kind() {
      return Kind.GROUP;
    }
  }

  @Command(name = "show", description = "Show one group as key: value lines, or --json.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Show extends ShowCommand {
    @Override
    Kind kind() {
      return Kind.GROUP;
    }
  }

  @Command(name = "add", description = "Add a group from --file and/or options; refused (409) if it exists.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP})
  static final class Add extends AddCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the group id (or in --file)")
    String key;

    @Mixin
    GroupFields fields;

    @Override
    Kind kind() {
      return Kind.GROUP;
    }

    @Override
    Fields fields() {
      return fields;
    }

    @Override
    String key() {
      return key;
    }
  }

  @Command(name = "update",
      description = {"Change a group: GET it, apply the changes, PUT it back with If-Match.",
          "The options change the fields they name (an empty value removes the field); --file replaces the whole "
              + "document. Refused (412) if it changed since it was read, or is no longer at --if-revision."},
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Update extends UpdateCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "the group id")
    String key;

    @Mixin
    GroupFields fields;

    @Override
    Kind kind() {
      return Kind.GROUP;
    }

    @Override
    Fields fields() {
      return fields;
    }

    @Override
    String key() {
      return key;
    }
  }

  @Command(name = "delete", description = "Delete a group.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Delete extends DeleteCommand {
    @Override
    Kind kind() {
      return Kind.GROUP;
    }
  }
}
