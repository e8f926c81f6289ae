package dev.pxebus.cli.catalog;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pxebus hosts}: Known machines by MAC: profile, host name, reserved address, labels. */
@Command(name = "hosts",
    description = {"Known machines by MAC: profile, host name, reserved address, labels.",
        "Updates are GET, change, PUT with If-Match: a concurrent change is refused (412), never overwritten."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
        ExitCodes.NOT_FOUND_HELP},
    subcommands = {HostsCommand.List.class, HostsCommand.Show.class, HostsCommand.Add.class, HostsCommand.Update.class,
        HostsCommand.Delete.class, TimelineCommand.class,
        CommandLine.HelpCommand.class})
public final class HostsCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", description = "List hosts (every page), as a table or --json.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP})
  static final class List extends ListCommand {
    @Option(names = "--profile", paramLabel = "PROFILE", description = "only hosts with this profile")
    String profile;

    @Option(names = "--boot-once", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
        description = "only hosts with (true) or without (false) the boot-once flag")
    Boolean bootOnce;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "only hosts with this label, repeatable")
    java.util.List<String> labels;

    @Override
    void filters(CatalogClient.Query q) throws CatalogException {
      q.add("profile", profile).add("bootOnce", bootOnce);
      labels(q, labels);
    }

    @Override
    Kind kind() {
      return Kind.HOST;
    }
  }

  @Command(name = "show", description = "Show one host as key: value lines, or --json.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Show extends ShowCommand {
    @Override
    Kind kind() {
      return Kind.HOST;
    }
  }

  @Command(name = "add", description = "Add a host from --file and/or options; refused (409) if it exists.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP})
  static final class Add extends AddCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MAC", description = "the MAC, any spelling (or in --file)")
    String key;

    @Mixin
    HostFields fields;

    @Override
    Kind kind() {
      return Kind.HOST;
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
      description = {"Change a host: GET it, apply the changes, PUT it back with If-Match.",
          "The options change the fields they name (an empty value removes the field); --file replaces the whole "
              + "document. Refused (412) if it changed since it was read, or is no longer at --if-revision."},
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Update extends UpdateCommand {
    @Parameters(index = "0", paramLabel = "MAC", description = "the MAC, any spelling")
    String key;

    @Mixin
    HostFields fields;

    @Override
    Kind kind() {
      return Kind.HOST;
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

  @Command(name = "delete", description = "Delete a host.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Delete extends DeleteCommand {
    @Override
    Kind kind() {
      return Kind.HOST;
    }
  }
}
