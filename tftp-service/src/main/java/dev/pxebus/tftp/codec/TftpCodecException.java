package dev.pxebus.tftp.codec;

/**
 * The one exception {@link TftpCodec#decode} throws for bytes that are not a TFTP packet. The message says what is
 * wrong (for the debug log); {@link #reason()} is a short, fixed vocabulary for metric tags and for choosing a reply
 * (an unknown opcode deserves ERROR 4, RFC 1350 §5; most other garbage is just dropped).
 */
public final class TftpCodecException extends RuntimeException {
  /** What kind of malformation. */
  public enum Reason {
    EMPTY,
    TOO_SHORT,
    UNKNOWN_OPCODE,
    MISSING_TERMINATOR,
    FILENAME_EMPTY,
    FILENAME_TOO_LONG,
    MODE_MISSING,
    MODE_EMPTY,
    OPTION_NAME_EMPTY,
    OPTION_WITHOUT_VALUE,
    DUPLICATE_OPTION,
    BAD_LENGTH,
    BAD_ENCODING
  }

  private final Reason reason;

  public TftpCodecException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
