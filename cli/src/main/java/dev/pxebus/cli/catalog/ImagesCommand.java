package dev.pxebus.cli.catalog;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pxebus images}: Boot images: a kernel, its initrds and a command line. */
@Command(name = "images",
    description = {"Boot images: a kernel, its initrds and a command line.",
        "Updates are GET, change, PUT with If-Match: a concurrent change is refused (412), never overwritten."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
        ExitCodes.NOT_FOUND_HELP},
    subcommands = {ImagesCommand.List.class, ImagesCommand.Show.class, ImagesCommand.Add.class, ImagesCommand.Update.class,
        ImagesCommand.Delete.class, ImportCommand.class,
        CommandLine.HelpCommand.class})
public final class ImagesCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", description = "List images (every page), as a table or --json.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP})
  static final class List extends ListCommand {
    @Option(names = "--arch", paramLabel = "ARCH", description = "only images of this architecture")
    String arch;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "only images with this label, repeatable")
    java.util.List<String> labels;

    @Override
    void filters(CatalogClient.Query q) throws CatalogException {
      q.add("arch", arch);
      labels(q, labels);
    }

    @Override
    Kind kind() {
      return Kind.IMAGE;
    }
  }

  @Command(name = "show", description = "Show one image as key: value lines, or --json.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Show extends ShowCommand {
    @Override
    Kind kind() {
      return Kind.IMAGE;
    }
  }

  @Command(name = "add", description = "Add an image from --file and/or options; refused (409) if it exists.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP})
  static final class Add extends AddCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the image id (or in --file)")
    String key;

    @Mixin
    ImageFields fields;

    @Override
    Kind kind() {
      return Kind.IMAGE;
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
      description = {"Change an image: GET it, apply the changes, PUT it back with If-Match.",
          "The options change the fields they name (an empty value removes the field); --file replaces the whole "
              + "document. Refused (412) if it changed since it was read, or is no longer at --if-revision."},
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Update extends UpdateCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "the image id")
    String key;

    @Mixin
    ImageFields fields;

    @Override
    Kind kind() {
      return Kind.IMAGE;
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

  @Command(name = "delete", description = "Delete an image.",
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP,
          ExitCodes.NOT_FOUND_HELP})
  static final class Delete extends DeleteCommand {
    @Override
    Kind kind() {
      return Kind.IMAGE;
    }
  }
}
