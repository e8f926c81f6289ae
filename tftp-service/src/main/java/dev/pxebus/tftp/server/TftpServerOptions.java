package dev.pxebus.tftp.server;

import dev.pxebus.tftp.transfer.OptionLimits;
import dev.pxebus.tftp.transfer.RetransmitPolicy;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of the TFTP listener.
 *
 * @param host address to listen on (0.0.0.0 = every interface)
 * @param port the well-known port, 69
 * @param reusePort share the port with other replicas on this host (SO_REUSEPORT); each transfer stays with the
 *     replica that accepted its request because it gets that replica's own new port (TID)
 * @param limits the most the server grants in negotiation (blksize, windowsize)
 * @param retransmit the retransmission timer bounds
 * @param writeDir where write requests store files; empty = every write request is refused
 * @param writeMaxBytes the largest file a write may store
 * @param singlePort read transfers answer from the listening port itself instead of a new port each (like dnsmasq's
 *     {@code --tftp-single-port}): one socket for all transfers, read and written in batches
 */
public record TftpServerOptions(String host, int port, boolean reusePort, OptionLimits limits,
    RetransmitPolicy retransmit, Optional<Path> writeDir, long writeMaxBytes, boolean singlePort) {

  /** Read-only (every write request refused). */
  public TftpServerOptions(String host, int port, boolean reusePort, OptionLimits limits, RetransmitPolicy retransmit) {
    this(host, port, reusePort, limits, retransmit, Optional.empty(), 0, false);
  }
}
