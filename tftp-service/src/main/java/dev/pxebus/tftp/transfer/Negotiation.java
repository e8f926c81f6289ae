package dev.pxebus.tftp.transfer;

import dev.pxebus.tftp.codec.TftpPacket.OptionAck;
import java.util.Optional;

/**
 * The result of option negotiation: what the transfer runs with, and the OACK to send first — empty when no option
 * was acknowledged, in which case the transfer starts with DATA 1 straight away (RFC 2347: a server that ignores
 * every option answers as RFC 1350 would).
 */
public record Negotiation(TransferOptions options, Optional<OptionAck> oack) {
  /** No options at all: RFC 1350 defaults, no OACK. */
  public static final Negotiation NONE = new Negotiation(TransferOptions.DEFAULT, Optional.empty());

  public boolean hasOack() {
    return oack.isPresent();
  }
}
