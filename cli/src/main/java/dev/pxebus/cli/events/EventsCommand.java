package dev.pxebus.cli.events;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pxebus events}: the boot events on Kafka. */
@Command(name = "events",
    description = "The boot events on Kafka (topic pxebus.boot.events), for auditing.",
    subcommands = {FollowCommand.class, CommandLine.HelpCommand.class})
public final class EventsCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
