package dev.pxebus.cli.catalog;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pxebus profiles}: Profiles: an image plus a command line and a menu label. */
@Command(name = "profiles",
    description = {"Profiles: an image plus a command line and a menu label.",
        "Updates are GET, change, PUT with If-Match: a concurrent change is refused (412), never overwritten."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
        ExitCodes.NOT_FOUND_HELP},
    subcommands = {ProfilesCommand.List.class, ProfilesCommand.Show.class, ProfilesCommand.Add.class, ProfilesCommand.Update.class,
        ProfilesCommand.Delete.class,
        CommandLine.HelpCommand.class})
public final class ProfilesCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", description = "List profiles (every page), as a table or --json.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP})
  static final class List extends ListCommand {
    @Option(names = "--image", paramLabel = "IMAGE", description = "only profiles booting this image")
    String image;

    @Override
    void filters(CatalogClient.Query q) {
      q.add("image", image);
    }

    @Override
    Kind kind() {
      return Kind.PROFILE;
    }
  }

  @Command(name = "show", description = "Show one profile as key: value lines, or --json.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Show extends ShowCommand {
    @Override
    Kind kind() {
      return Kind.PROFILE;
    }
  }

  @Command(name = "add", description = "Add a profile from --file and/or options; refused (409) if it exists.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP})
  static final class Add extends AddCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the profile id (or in --file)")
    String key;

    @Mixin
    ProfileFields fields;

    @Override
    Kind kind() {
      return Kind.PROFILE;
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
      description = {"Change a profile: GET it, apply the changes, PUT it back with If-Match.",
          "The options change the fields they name (an empty value removes the field); --file replaces the whole "
              + "document. Refused (412) if it changed since it was read, or is no longer at --if-revision."},
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Update extends UpdateCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "the profile id")
    String key;

    @Mixin
    ProfileFields fields;

    @Override
    Kind kind() {
      return Kind.PROFILE;
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

  @Command(name = "delete", description = "Delete a profile.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Delete extends DeleteCommand {
    @Override
    Kind kind() {
      return Kind.PROFILE;
    }
  }
}
