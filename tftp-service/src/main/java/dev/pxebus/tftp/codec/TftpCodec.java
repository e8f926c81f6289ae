package dev.pxebus.tftp.codec;

import dev.pxebus.tftp.codec.TftpCodecException.Reason;
import dev.pxebus.tftp.codec.TftpPacket.Ack;
import dev.pxebus.tftp.codec.TftpPacket.Data;
import dev.pxebus.tftp.codec.TftpPacket.ErrorPacket;
import dev.pxebus.tftp.codec.TftpPacket.OptionAck;
import dev.pxebus.tftp.codec.TftpPacket.ReadRequest;
import dev.pxebus.tftp.codec.TftpPacket.Request;
import dev.pxebus.tftp.codec.TftpPacket.WriteRequest;
import java.io.ByteArrayOutputStream;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * TFTP wire format: one UDP payload in, one {@link TftpPacket} out, and back. No I/O and no state, so it is safe from
 * any thread.
 *
 * <p>Decoding is strict where a sloppy reading could serve the wrong thing (requests: every string NUL-terminated,
 * a non-empty filename of at most {@value #MAX_FILENAME_LENGTH} bytes of UTF-8, a mode, options in name/value pairs
 * with no name twice) and lenient where the packet only ends something anyway (an ERROR without its final NUL still
 * decodes, so the client's reason reaches the log). Trailing NUL bytes after a request's last option are taken as
 * padding. Anything else malformed throws {@link TftpCodecException}, always with a specific message.
 *
 * <p>{@code encode(decode(bytes))} gives back the same bytes for every well-formed packet in canonical form (lower-case
 * mode and option names, no padding) — which is what every client captured in {@code shared/captures} sends.
 */
public final class TftpCodec {
  /** RFC 1350's block size, used when no blksize option was negotiated. */
  public static final int DEFAULT_BLKSIZE = 512;
  /** Smallest blksize RFC 2348 allows. */
  public static final int MIN_BLKSIZE = 8;
  /** Largest blksize RFC 2348 allows (65535 - 20 IP - 8 UDP - 4 TFTP - 39 for IP options, as the RFC reckons). */
  public static final int MAX_BLKSIZE = 65464;
  /** Opcode and block number in front of a DATA payload. */
  public static final int DATA_HEADER_LENGTH = 4;
  /** Longest filename accepted in a request, in bytes (RFC 2347 caps a whole request at 512 bytes). */
  public static final int MAX_FILENAME_LENGTH = 512;

  private TftpCodec() {}

  /** Decodes a whole datagram. */
  public static TftpPacket decode(byte[] datagram) throws TftpCodecException {
    return decode(ByteBuffer.wrap(datagram));
  }

  /** Decodes {@code length} bytes of {@code datagram} from {@code offset}. */
  public static TftpPacket decode(byte[] datagram, int offset, int length) throws TftpCodecException {
    return decode(ByteBuffer.wrap(datagram, offset, length));
  }

  /**
   * Decodes the bytes between the buffer's position and limit; the buffer's position is not moved. A decoded
   * {@link Data} payload is a view of these bytes, not a copy.
   */
  public static TftpPacket decode(ByteBuffer datagram) throws TftpCodecException {
    ByteBuffer b = datagram.slice(); // big-endian, independent position, index 0 = first byte
    int len = b.remaining();
    if (len == 0) throw fail(Reason.EMPTY, "empty datagram");
    if (len < 2) throw fail(Reason.TOO_SHORT, "datagram of 1 byte is too short for an opcode");
    int op = b.getShort(0) & 0xFFFF;
    Opcode opcode = Opcode.of(op).orElseThrow(() -> fail(Reason.UNKNOWN_OPCODE, "unknown opcode " + op));
    return switch (opcode) {
      case RRQ, WRQ -> decodeRequest(opcode, b);
      case DATA -> decodeData(b);
      case ACK -> decodeAck(b);
      case ERROR -> decodeError(b);
      case OACK -> new OptionAck(decodeOptions(Opcode.OACK, b, 2));
    };
  }

  private static Request decodeRequest(Opcode opcode, ByteBuffer b) {
    int len = b.limit();
    if (len == 2) throw fail(Reason.TOO_SHORT, opcode + " has no filename");
    int nameEnd = indexOfNul(b, 2);
    if (nameEnd < 0) throw fail(Reason.MISSING_TERMINATOR, opcode + " filename is not NUL-terminated");
    if (nameEnd == 2) throw fail(Reason.FILENAME_EMPTY, opcode + " filename is empty");
    if (nameEnd - 2 > MAX_FILENAME_LENGTH) {
      throw fail(Reason.FILENAME_TOO_LONG,
          opcode + " filename is " + (nameEnd - 2) + " bytes, longer than " + MAX_FILENAME_LENGTH);
    }
    String filename = utf8(b, 2, nameEnd, opcode + " filename");
    int modeStart = nameEnd + 1;
    if (modeStart == len) throw fail(Reason.MODE_MISSING, opcode + " has no mode after the filename");
    int modeEnd = indexOfNul(b, modeStart);
    if (modeEnd < 0) throw fail(Reason.MISSING_TERMINATOR, opcode + " mode is not NUL-terminated");
    if (modeEnd == modeStart) throw fail(Reason.MODE_EMPTY, opcode + " mode is empty");
    String mode = utf8(b, modeStart, modeEnd, opcode + " mode");
    Map<String, String> options = decodeOptions(opcode, b, modeEnd + 1);
    return opcode == Opcode.RRQ ? new ReadRequest(filename, mode, options) : new WriteRequest(filename, mode, options);
  }

  /** RFC 2347 options: NUL-terminated name/value pairs to the end; trailing NULs are padding. */
  private static Map<String, String> decodeOptions(Opcode opcode, ByteBuffer b, int from) {
    int len = b.limit();
    Map<String, String> options = new LinkedHashMap<>();
    int pos = from;
    while (pos < len) {
      if (b.get(pos) == 0) {
        for (int i = pos; i < len; i++) {
          if (b.get(i) != 0) throw fail(Reason.OPTION_NAME_EMPTY, opcode + " has an empty option name at byte " + pos);
        }
        break;
      }
      int nameEnd = indexOfNul(b, pos);
      if (nameEnd < 0) {
        throw fail(Reason.MISSING_TERMINATOR,
            opcode + " option name \"" + lenientUtf8(b, pos, Math.min(len, pos + 32)) + "\" is not NUL-terminated");
      }
      String name = utf8(b, pos, nameEnd, opcode + " option name").toLowerCase(Locale.ROOT);
      int valueStart = nameEnd + 1;
      if (valueStart == len) throw fail(Reason.OPTION_WITHOUT_VALUE, opcode + " option \"" + name + "\" has no value");
      int valueEnd = indexOfNul(b, valueStart);
      if (valueEnd < 0) {
        throw fail(Reason.MISSING_TERMINATOR, opcode + " value of option \"" + name + "\" is not NUL-terminated");
      }
      String value = utf8(b, valueStart, valueEnd, opcode + " value of option \"" + name + "\"");
      if (options.putIfAbsent(name, value) != null) {
        throw fail(Reason.DUPLICATE_OPTION, opcode + " names option \"" + name + "\" twice");
      }
      pos = valueEnd + 1;
    }
    return options;
  }

  private static Data decodeData(ByteBuffer b) {
    int len = b.limit();
    if (len < DATA_HEADER_LENGTH) {
      throw fail(Reason.TOO_SHORT, "DATA of " + len + " bytes is shorter than its 4-byte header");
    }
    if (len - DATA_HEADER_LENGTH > MAX_BLKSIZE) {
      throw fail(Reason.BAD_LENGTH,
          "DATA payload of " + (len - DATA_HEADER_LENGTH) + " bytes is longer than " + MAX_BLKSIZE);
    }
    int block = b.getShort(2) & 0xFFFF;
    return new Data(block, b.position(DATA_HEADER_LENGTH).slice());
  }

  private static Ack decodeAck(ByteBuffer b) {
    int len = b.limit();
    if (len < 4) throw fail(Reason.TOO_SHORT, "ACK of " + len + " bytes is shorter than 4");
    if (len > 4) throw fail(Reason.BAD_LENGTH, "ACK of " + len + " bytes, must be exactly 4");
    return new Ack(b.getShort(2) & 0xFFFF);
  }

  private static ErrorPacket decodeError(ByteBuffer b) {
    int len = b.limit();
    if (len < 4) throw fail(Reason.TOO_SHORT, "ERROR of " + len + " bytes is shorter than its 4-byte header");
    ErrorCode code = ErrorCode.of(b.getShort(2) & 0xFFFF);
    int end = indexOfNul(b, 4);
    return new ErrorPacket(code, lenientUtf8(b, 4, end < 0 ? len : end));
  }

  /** The packet's wire form in a new array. */
  public static byte[] encode(TftpPacket packet) {
    if (packet instanceof Data d) {
      byte[] out = new byte[DATA_HEADER_LENGTH + d.length()];
      encode(d, ByteBuffer.wrap(out));
      return out;
    }
    Wire w = new Wire();
    w.putShort(packet.opcode().value());
    if (packet instanceof Request r) {
      w.putString(r.filename());
      w.putString(r.mode());
      w.putOptions(r.options());
    } else if (packet instanceof Ack a) {
      w.putShort(a.block());
    } else if (packet instanceof ErrorPacket e) {
      w.putShort(e.code().value());
      w.putString(e.message());
    } else if (packet instanceof OptionAck o) {
      w.putOptions(o.options());
    }
    return w.toByteArray();
  }

  /**
   * Writes the packet's wire form at {@code dst}'s position and advances it. Throws
   * {@link BufferOverflowException} before writing anything if it does not fit.
   *
   * @return the number of bytes written
   */
  public static int encode(TftpPacket packet, ByteBuffer dst) {
    if (packet instanceof Data d) {
      int n = DATA_HEADER_LENGTH + d.length();
      if (dst.remaining() < n) throw new BufferOverflowException();
      putDataHeader(dst, d.block());
      dst.put(d.payload());
      return n;
    }
    byte[] bytes = encode(packet);
    if (dst.remaining() < bytes.length) throw new BufferOverflowException();
    dst.put(bytes);
    return bytes.length;
  }

  /**
   * The hot path for serving a file: writes DATA's opcode and block number (4 bytes) at {@code dst}'s position, so the
   * caller can read the block from the file straight into the same buffer behind it — no intermediate copy.
   */
  public static void putDataHeader(ByteBuffer dst, int block) {
    if (block < 0 || block > 0xFFFF) throw new IllegalArgumentException("block number out of 0..65535: " + block);
    dst.putShort((short) Opcode.DATA.value());
    dst.putShort((short) block);
  }

  /** ERROR 5 "Unknown transfer ID", encoded: the reply to a packet from a port that is not the transfer's peer. */
  public static byte[] unknownTransferId() {
    return encode(ErrorPacket.unknownTransferId());
  }

  private static int indexOfNul(ByteBuffer b, int from) {
    for (int i = from, n = b.limit(); i < n; i++) {
      if (b.get(i) == 0) return i;
    }
    return -1;
  }

  private static String utf8(ByteBuffer b, int from, int to, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(b.duplicate().limit(to).position(from))
          .toString();
    } catch (CharacterCodingException e) {
      throw fail(Reason.BAD_ENCODING, what + " is not valid UTF-8");
    }
  }

  private static String lenientUtf8(ByteBuffer b, int from, int to) {
    byte[] bytes = new byte[to - from];
    b.get(from, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static TftpCodecException fail(Reason reason, String message) {
    return new TftpCodecException(reason, message);
  }

  /** A small growable big-endian writer for the non-DATA packets. */
  private static final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    void putShort(int v) {
      out.write(v >>> 8);
      out.write(v);
    }

    void putString(String s) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      out.write(0);
    }

    void putOptions(Map<String, String> options) {
      options.forEach((name, value) -> {
        putString(name);
        putString(value);
      });
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
