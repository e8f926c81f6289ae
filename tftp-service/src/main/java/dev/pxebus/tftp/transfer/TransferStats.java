package dev.pxebus.tftp.transfer;

import java.util.OptionalLong;

/**
 * Counters of one read transfer, a snapshot.
 *
 * @param packetsSent DATA and OACK packets sent, retransmissions included
 * @param retransmissions packets sent again (timer expiry or window rollback)
 * @param payloadBytesSent DATA payload bytes sent, retransmissions included
 * @param bytesAcknowledged payload bytes the client has acknowledged
 * @param timeouts retransmission timer expiries
 * @param rollbacks ACKs that named an earlier block than the last one sent, so the window restarted there (RFC 7440)
 * @param duplicateAcks ACKs repeating the last acknowledged block; never answered (RFC 1123 §4.2.3.1)
 * @param unexpectedAcks ACKs for a block not sent yet or long acknowledged; ignored
 * @param rttSamples round-trip samples taken (Karn's rule: none from retransmitted packets)
 * @param srttNanos smoothed round trip, when measured
 * @param rtoNanos the retransmission timeout now
 * @param elapsedNanos from start to the end (or to the last event, while running)
 */
public record TransferStats(
    long packetsSent,
    long retransmissions,
    long payloadBytesSent,
    long bytesAcknowledged,
    long timeouts,
    long rollbacks,
    long duplicateAcks,
    long unexpectedAcks,
    int rttSamples,
    OptionalLong srttNanos,
    long rtoNanos,
    long elapsedNanos) {}
