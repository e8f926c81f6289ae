/**
 * The TFTP wire format, and nothing else: bytes in, {@link dev.pxebus.tftp.codec.TftpPacket} records out, and back.
 * No I/O, no Vert.x, no transfer state.
 *
 * <ul>
 *   <li>RFC 1350 — TFTP revision 2: RRQ, WRQ, DATA, ACK, ERROR; modes netascii/octet/mail; error codes 0–7.</li>
 *   <li>RFC 2347 — option extension: options after the mode, OACK (opcode 6), error code 8.</li>
 *   <li>RFC 2348 (blksize), RFC 2349 (timeout, tsize), RFC 7440 (windowsize) — option values are carried as
 *       strings here; their meaning is {@code dev.pxebus.tftp.transfer.OptionNegotiator}'s business.</li>
 * </ul>
 *
 * <p>Malformed input throws {@link dev.pxebus.tftp.codec.TftpCodecException} (one type, specific messages); the
 * serving verticle logs it, counts it and goes on.
 */
package dev.pxebus.tftp.codec;
