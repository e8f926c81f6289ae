package dev.pxebus.tftp.server;

import dev.pxebus.tftp.boot.Lookup;
import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.transfer.Outcome;
import dev.pxebus.tftp.transfer.TransferOptions;
import dev.pxebus.tftp.transfer.TransferStats;
import java.util.Map;
import java.util.Optional;

/**
 * What the TFTP server tells its listener about a transfer: it started (the first OACK or DATA left), or it ended.
 *
 * @param transferId unique per transfer in this process
 * @param options the OACK sent (empty map: none)
 * @param outcome empty while started
 * @param refusal the error the server answered the request with when no transfer happened (not found, refused)
 */
public record TransferReport(
    long transferId,
    String clientIp,
    int clientPort,
    String file,
    Optional<Lookup.Origin> origin,
    Map<String, String> options,
    TransferOptions negotiated,
    long size,
    Optional<Outcome> outcome,
    Optional<Refusal> refusal,
    TransferStats stats) {

  /** The request was answered with an ERROR and no data. */
  public record Refusal(ErrorCode code, String message) {}

  public boolean started() {
    return outcome.isEmpty() && refusal.isEmpty();
  }
}
