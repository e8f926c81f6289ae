package dev.pxebus.dhcp.codec;

/** DHCP message type, option 53 (RFC 2132 §9.6), with {@link #UNKNOWN} for values outside it. */
public enum MessageType {
  UNKNOWN(0), DISCOVER(1), OFFER(2), REQUEST(3), DECLINE(4), ACK(5), NAK(6), RELEASE(7), INFORM(8);

  private final int value;

  MessageType(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static MessageType of(int value) {
    for (MessageType t : values()) {
      if (t.value == value && t != UNKNOWN) return t;
    }
    return UNKNOWN;
  }
}
