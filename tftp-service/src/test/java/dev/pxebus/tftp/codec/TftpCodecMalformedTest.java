package dev.pxebus.tftp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.tftp.codec.TftpCodecException.Reason;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bytes that are not TFTP: each case throws the one codec exception, with its reason and a specific message. */
class TftpCodecMalformedTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        malformed("empty datagram", new byte[0], Reason.EMPTY, "empty datagram"),
        malformed("one byte", new byte[] {0}, Reason.TOO_SHORT, "1 byte"),
        malformed("opcode 0", Bytes.op(0).build(), Reason.UNKNOWN_OPCODE, "unknown opcode 0"),
        malformed("opcode 7", Bytes.op(7).z("x").build(), Reason.UNKNOWN_OPCODE, "unknown opcode 7"),
        malformed("opcode 0x0100 (byte-swapped RRQ)", Bytes.op(0x0100).z("f").z("octet").build(),
            Reason.UNKNOWN_OPCODE, "unknown opcode 256"),
        malformed("RRQ with nothing after the opcode", Bytes.op(1).build(), Reason.TOO_SHORT, "RRQ has no filename"),
        malformed("RRQ filename without NUL", Bytes.op(1).s("pxelinux.0").build(),
            Reason.MISSING_TERMINATOR, "RRQ filename is not NUL-terminated"),
        malformed("RRQ empty filename", Bytes.op(1).z("").z("octet").build(),
            Reason.FILENAME_EMPTY, "RRQ filename is empty"),
        malformed("RRQ filename of 513 bytes", Bytes.op(1).z("a".repeat(513)).z("octet").build(),
            Reason.FILENAME_TOO_LONG, "RRQ filename is 513 bytes, longer than 512"),
        malformed("RRQ filename not UTF-8", Bytes.op(1).u8(0xff, 0xfe, 0).z("octet").build(),
            Reason.BAD_ENCODING, "RRQ filename is not valid UTF-8"),
        malformed("RRQ mode missing", Bytes.op(1).z("pxelinux.0").build(),
            Reason.MODE_MISSING, "RRQ has no mode after the filename"),
        malformed("RRQ mode without NUL", Bytes.op(1).z("pxelinux.0").s("octet").build(),
            Reason.MISSING_TERMINATOR, "RRQ mode is not NUL-terminated"),
        malformed("RRQ empty mode", Bytes.op(1).z("pxelinux.0").z("").build(),
            Reason.MODE_EMPTY, "RRQ mode is empty"),
        malformed("RRQ option name without value (odd option list)",
            Bytes.op(1).z("f").z("octet").z("tsize").z("0").z("blksize").build(),
            Reason.OPTION_WITHOUT_VALUE, "RRQ option \"blksize\" has no value"),
        malformed("RRQ option name without NUL", Bytes.op(1).z("f").z("octet").s("blksize").build(),
            Reason.MISSING_TERMINATOR, "RRQ option name \"blksize\" is not NUL-terminated"),
        malformed("RRQ option value without NUL", Bytes.op(1).z("f").z("octet").z("blksize").s("1432").build(),
            Reason.MISSING_TERMINATOR, "RRQ value of option \"blksize\" is not NUL-terminated"),
        malformed("RRQ empty option name followed by data", Bytes.op(1).z("f").z("octet").u8(0).z("x").build(),
            Reason.OPTION_NAME_EMPTY, "RRQ has an empty option name at byte 10"),
        malformed("RRQ duplicate option", Bytes.op(1).z("f").z("octet").z("tsize").z("0").z("tsize").z("0").build(),
            Reason.DUPLICATE_OPTION, "RRQ names option \"tsize\" twice"),
        malformed("RRQ duplicate option differing in case",
            Bytes.op(1).z("f").z("octet").z("blksize").z("512").z("BLKSIZE").z("1468").build(),
            Reason.DUPLICATE_OPTION, "RRQ names option \"blksize\" twice"),
        malformed("WRQ mode missing", Bytes.op(2).z("upload.bin").build(),
            Reason.MODE_MISSING, "WRQ has no mode after the filename"),
        malformed("DATA of 3 bytes", Bytes.op(3).u8(0).build(),
            Reason.TOO_SHORT, "DATA of 3 bytes is shorter than its 4-byte header"),
        malformed("DATA payload over 65464", Bytes.op(3).u16(1).zeros(65465).build(),
            Reason.BAD_LENGTH, "DATA payload of 65465 bytes is longer than 65464"),
        malformed("ACK of 2 bytes", Bytes.op(4).build(), Reason.TOO_SHORT, "ACK of 2 bytes is shorter than 4"),
        malformed("ACK of 3 bytes", Bytes.op(4).u8(1).build(), Reason.TOO_SHORT, "ACK of 3 bytes is shorter than 4"),
        malformed("ACK of 5 bytes", Bytes.op(4).u16(1).u8(0).build(),
            Reason.BAD_LENGTH, "ACK of 5 bytes, must be exactly 4"),
        malformed("ERROR of 3 bytes", Bytes.op(5).u8(0).build(),
            Reason.TOO_SHORT, "ERROR of 3 bytes is shorter than its 4-byte header"),
        malformed("OACK option without value", Bytes.op(6).z("blksize").build(),
            Reason.OPTION_WITHOUT_VALUE, "OACK option \"blksize\" has no value"),
        malformed("OACK duplicate option", Bytes.op(6).z("tsize").z("1").z("TSIZE").z("2").build(),
            Reason.DUPLICATE_OPTION, "OACK names option \"tsize\" twice"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refuses(String name, byte[] datagram, Reason reason, String message) {
    TftpCodecException e = assertThrows(TftpCodecException.class, () -> TftpCodec.decode(datagram));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(message), () -> "message \"" + e.getMessage() + "\" lacks \"" + message + "\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesEveryTruncationWithTheSameExceptionType(String name, byte[] datagram, Reason reason, String message) {
    // Never an IndexOutOfBounds, NPE or the like, whatever the cut.
    for (int n = 0; n < Math.min(datagram.length, 600); n++) {
      try {
        TftpCodec.decode(datagram, 0, n);
      } catch (TftpCodecException expected) {
        // fine: one exception type for any malformation
      }
    }
  }

  private static Arguments malformed(String name, byte[] datagram, Reason reason, String message) {
    return Arguments.of(name, datagram, reason, message);
  }
}
