package dev.pxebus.cli;

import dev.pxebus.cli.catalog.GroupsCommand;
import dev.pxebus.cli.catalog.HostsCommand;
import dev.pxebus.cli.catalog.ImagesCommand;
import dev.pxebus.cli.catalog.ProfilesCommand;
import dev.pxebus.cli.demo.DemoCommand;
import dev.pxebus.cli.events.EventsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pxebus} command. */
@Command(name = "pxebus", mixinStandardHelpOptions = true, versionProvider = Pxebus.Version.class,
    description = "Network boot (PXE) as services over Kafka.",
    subcommands = {DemoCommand.class, LabCommand.class, ImagesCommand.class, ProfilesCommand.class, HostsCommand.class,
        GroupsCommand.class, EventsCommand.class, CommandLine.HelpCommand.class})
public final class Pxebus implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Every command but the lab is a client whose stdout is its output: logs go to stderr (read by logback when
    // its first logger is made, which is after this line).
    if ((args.length == 0 || !args[0].equals("lab")) && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-cli.xml");
    }
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
