/**
 * One TFTP read transfer, as pure logic the I/O verticle drives: option negotiation, the sender state machine, the
 * retransmission timer, and the byte sources. No Vert.x, no sockets, no clock (time comes in as {@code nanoTime}
 * arguments), so every behaviour is tested deterministically.
 *
 * <ul>
 *   <li>RFC 1350 — TFTP: lock-step DATA/ACK, the short final block, ERROR ends a transfer, netascii.</li>
 *   <li>RFC 1123 §4.2.3.1 — the Sorcerer's Apprentice: never answer a duplicate ACK; retransmit on a timer with
 *       adaptive timeout and backoff.</li>
 *   <li>RFC 2347 — option negotiation, OACK answered by ACK 0, ERROR 8.</li>
 *   <li>RFC 2348 (blksize), RFC 2349 (timeout, tsize), RFC 7440 (windowsize).</li>
 *   <li>RFC 6298 — SRTT/RTTVAR/RTO, Karn's rule, exponential backoff (with a LAN-sized floor).</li>
 * </ul>
 *
 * <p>Driving a transfer: {@link dev.pxebus.tftp.transfer.OptionNegotiator#negotiate} → {@link
 * dev.pxebus.tftp.transfer.ReadTransfer#of} → {@code start(now)}; then {@code onAck}/{@code onError} for each packet
 * from the peer and {@code onTimer} when the deadline of the last {@link dev.pxebus.tftp.transfer.Step} passes;
 * perform each step's transmissions, stop when it carries an outcome.
 */
package dev.pxebus.tftp.transfer;
