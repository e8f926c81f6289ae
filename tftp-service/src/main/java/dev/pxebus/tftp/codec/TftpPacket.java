package dev.pxebus.tftp.codec;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One TFTP packet (RFC 1350 §5, OACK from RFC 2347). Immutable values: {@link TftpCodec} turns bytes into these and
 * back. Constructors check what the wire format needs (block numbers fit 16 bits, strings hold no NUL) and throw
 * {@link IllegalArgumentException} otherwise — a programming error, not bad input; bad input is
 * {@link TftpCodecException} from the codec.
 */
public sealed interface TftpPacket
    permits TftpPacket.Request, TftpPacket.Data, TftpPacket.Ack, TftpPacket.ErrorPacket, TftpPacket.OptionAck {

  Opcode opcode();

  /** RRQ or WRQ: filename, mode and the RFC 2347 options. */
  sealed interface Request extends TftpPacket permits ReadRequest, WriteRequest {
    String filename();

    /** The mode string, lower-cased (RFC 1350: any combination of upper and lower case). */
    String mode();

    /** Options in request order; names lower-cased (RFC 2347: case-insensitive), values as sent. */
    Map<String, String> options();

    /** The mode as an enum; empty for a mode no RFC defines. */
    default Optional<TransferMode> transferMode() {
      return TransferMode.parse(mode());
    }
  }

  /** RRQ (opcode 1). */
  record ReadRequest(String filename, String mode, Map<String, String> options) implements Request {
    public ReadRequest {
      filename = checkText("filename", filename, false);
      mode = checkText("mode", mode, false).toLowerCase(Locale.ROOT);
      options = normalizeOptions(options);
    }

    public ReadRequest(String filename, String mode) {
      this(filename, mode, Map.of());
    }

    @Override
    public Opcode opcode() {
      return Opcode.RRQ;
    }
  }

  /** WRQ (opcode 2). Decodes like an RRQ; whether writes are served is the server's policy. */
  record WriteRequest(String filename, String mode, Map<String, String> options) implements Request {
    public WriteRequest {
      filename = checkText("filename", filename, false);
      mode = checkText("mode", mode, false).toLowerCase(Locale.ROOT);
      options = normalizeOptions(options);
    }

    @Override
    public Opcode opcode() {
      return Opcode.WRQ;
    }
  }

  /**
   * DATA (opcode 3). The payload is a read-only view of the bytes given (no copy), 0 to 65464 bytes long (RFC 2348's
   * largest block); {@link #payload()} returns a fresh view each time, so callers cannot disturb each other.
   */
  record Data(int block, ByteBuffer payload) implements TftpPacket {
    public Data {
      checkBlock(block);
      if (payload.remaining() > TftpCodec.MAX_BLKSIZE) {
        throw new IllegalArgumentException(
            "DATA payload longer than " + TftpCodec.MAX_BLKSIZE + ": " + payload.remaining());
      }
      payload = payload.slice().asReadOnlyBuffer();
    }

    public static Data of(int block, byte[] payload) {
      return new Data(block, ByteBuffer.wrap(payload));
    }

    @Override
    public ByteBuffer payload() {
      return payload.duplicate();
    }

    public int length() {
      return payload.remaining();
    }

    /** A copy of the payload. */
    public byte[] payloadBytes() {
      byte[] copy = new byte[payload.remaining()];
      payload.duplicate().get(copy);
      return copy;
    }

    @Override
    public Opcode opcode() {
      return Opcode.DATA;
    }

    @Override
    public String toString() {
      return "Data[block=" + block + ", length=" + payload.remaining() + "]";
    }
  }

  /** ACK (opcode 4); block 0 acknowledges an OACK (RFC 2347). */
  record Ack(int block) implements TftpPacket {
    public Ack {
      checkBlock(block);
    }

    @Override
    public Opcode opcode() {
      return Opcode.ACK;
    }
  }

  /** ERROR (opcode 5). */
  record ErrorPacket(ErrorCode code, String message) implements TftpPacket {
    public ErrorPacket {
      if (code == null) throw new IllegalArgumentException("error code is null");
      message = checkText("error message", message, true);
    }

    /** The reply to a packet from a port that is not the transfer's peer (RFC 1350 §4: ERROR 5, transfer goes on). */
    public static ErrorPacket unknownTransferId() {
      return new ErrorPacket(ErrorCode.UNKNOWN_TRANSFER_ID, "Unknown transfer ID");
    }

    @Override
    public Opcode opcode() {
      return Opcode.ERROR;
    }
  }

  /** OACK (opcode 6, RFC 2347): the options the server accepted, with the values it will use. */
  record OptionAck(Map<String, String> options) implements TftpPacket {
    public OptionAck {
      options = normalizeOptions(options);
    }

    @Override
    public Opcode opcode() {
      return Opcode.OACK;
    }
  }

  private static void checkBlock(int block) {
    if (block < 0 || block > 0xFFFF) throw new IllegalArgumentException("block number out of 0..65535: " + block);
  }

  private static String checkText(String what, String value, boolean mayBeEmpty) {
    if (value == null) throw new IllegalArgumentException(what + " is null");
    if (!mayBeEmpty && value.isEmpty()) throw new IllegalArgumentException(what + " is empty");
    if (value.indexOf('\0') >= 0) throw new IllegalArgumentException(what + " contains NUL");
    return value;
  }

  private static Map<String, String> normalizeOptions(Map<String, String> options) {
    if (options == null) throw new IllegalArgumentException("options map is null");
    LinkedHashMap<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      String name = checkText("option name", e.getKey(), false).toLowerCase(Locale.ROOT);
      String value = checkText("value of option " + name, e.getValue(), true);
      if (copy.putIfAbsent(name, value) != null) throw new IllegalArgumentException("duplicate option " + name);
    }
    return Collections.unmodifiableMap(copy);
  }
}
