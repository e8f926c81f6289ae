package dev.pxebus.tftp.codec;

/**
 * A TFTP error code (the 16-bit field of an ERROR packet). Codes 0–7 are RFC 1350 §5 (appendix), 8 is RFC 2347
 * ("terminate transfer due to option negotiation"). Any other value is kept as is, so an ERROR from an odd client
 * still decodes and can be logged: {@link #name()} then reads {@code UNKNOWN(42)}.
 */
public record ErrorCode(int value) {
  /** 0: not defined, see the error message. */
  public static final ErrorCode NOT_DEFINED = new ErrorCode(0);
  /** 1: file not found. */
  public static final ErrorCode FILE_NOT_FOUND = new ErrorCode(1);
  /** 2: access violation. */
  public static final ErrorCode ACCESS_VIOLATION = new ErrorCode(2);
  /** 3: disk full or allocation exceeded. */
  public static final ErrorCode DISK_FULL = new ErrorCode(3);
  /** 4: illegal TFTP operation. */
  public static final ErrorCode ILLEGAL_OPERATION = new ErrorCode(4);
  /** 5: unknown transfer ID (a packet from a port that is not this transfer's peer). */
  public static final ErrorCode UNKNOWN_TRANSFER_ID = new ErrorCode(5);
  /** 6: file already exists. */
  public static final ErrorCode FILE_EXISTS = new ErrorCode(6);
  /** 7: no such user. */
  public static final ErrorCode NO_SUCH_USER = new ErrorCode(7);
  /** 8: option negotiation refused (RFC 2347); EDK2 also sends it to abort after a tsize probe. */
  public static final ErrorCode OPTION_REFUSED = new ErrorCode(8);

  private static final ErrorCode[] KNOWN = {
      NOT_DEFINED, FILE_NOT_FOUND, ACCESS_VIOLATION, DISK_FULL, ILLEGAL_OPERATION,
      UNKNOWN_TRANSFER_ID, FILE_EXISTS, NO_SUCH_USER, OPTION_REFUSED};
  private static final String[] NAMES = {
      "NOT_DEFINED", "FILE_NOT_FOUND", "ACCESS_VIOLATION", "DISK_FULL", "ILLEGAL_OPERATION",
      "UNKNOWN_TRANSFER_ID", "FILE_EXISTS", "NO_SUCH_USER", "OPTION_REFUSED"};

  public ErrorCode {
    if (value < 0 || value > 0xFFFF) throw new IllegalArgumentException("error code out of 0..65535: " + value);
  }

  /** The constant for a known code, a new value otherwise. */
  public static ErrorCode of(int value) {
    return value >= 0 && value < KNOWN.length ? KNOWN[value] : new ErrorCode(value);
  }

  /** Whether an RFC defines this code. */
  public boolean isKnown() {
    return value < KNOWN.length;
  }

  /** {@code FILE_NOT_FOUND}, …, or {@code UNKNOWN(n)}. */
  public String name() {
    return isKnown() ? NAMES[value] : "UNKNOWN(" + value + ")";
  }

  @Override
  public String toString() {
    return value + " " + name();
  }
}
