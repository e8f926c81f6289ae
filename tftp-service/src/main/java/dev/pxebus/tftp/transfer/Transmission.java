package dev.pxebus.tftp.transfer;

import dev.pxebus.tftp.codec.TftpPacket.OptionAck;

/** A packet {@link ReadTransfer} asks the I/O layer to send to the client, in order. */
public sealed interface Transmission permits Transmission.SendOack, Transmission.SendBlock {

  /** Whether this packet was sent before (for metrics and logs; the bytes are the same). */
  boolean retransmission();

  /** Send this OACK (encode it with {@code TftpCodec.encode}). */
  record SendOack(OptionAck packet, boolean retransmission) implements Transmission {}

  /**
   * Send DATA: read {@code length} bytes at {@code offset} of the source into a buffer behind the 4-byte header for
   * {@code block} ({@code TftpCodec.putDataHeader}). {@code length} is less than blksize only for the last block and
   * may be 0 (when the size is a multiple of blksize, RFC 1350 §6 needs an empty final block).
   *
   * @param block the wire block number, 0..65535 (rolls over to 0 after 65535)
   * @param index the block's position in the transfer, 1-based, never rolling over
   */
  record SendBlock(int block, long index, long offset, int length, boolean retransmission) implements Transmission {}
}
