package dev.pxebus.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pxebus} command. */
@Command(name = "pxebus", mixinStandardHelpOptions = true, versionProvider = Pxebus.Version.class,
    description = "Network boot (PXE) as services over Kafka.",
    subcommands = {LabCommand.class, dev.pxebus.cli.catalog.ImagesCommand.class, dev.pxebus.cli.catalog.ProfilesCommand.class, dev.pxebus.cli.catalog.HostsCommand.class, dev.pxebus.cli.catalog.GroupsCommand.class, dev.pxebus.cli.events.EventsCommand.class, CommandLine.HelpCommand.class})
public final class Pxebus implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Pxebus()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Pxebus.class.getPackage().getImplementationVersion();
      return new String[] {"pxebus " + (v == null ? "(development build)" : v)};
    }
  }
}
