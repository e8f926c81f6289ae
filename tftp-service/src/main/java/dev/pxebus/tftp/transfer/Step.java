package dev.pxebus.tftp.transfer;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link ReadTransfer} wants done after one event: send these packets (in order), then arm the timer for
 * {@code deadline} (a {@code System.nanoTime()} value; replaces any earlier deadline), or — when {@code outcome} is
 * present — stop: the transfer is over, close its port.
 *
 * @param ignored when the event changed nothing, why (for the debug log: "duplicate ACK 7", "timer early", …)
 */
public record Step(
    List<Transmission> transmissions, OptionalLong deadline, Optional<Outcome> outcome, Optional<String> ignored) {
  public Step {
    transmissions = List.copyOf(transmissions);
  }

  public boolean finished() {
    return outcome.isPresent();
  }
}
