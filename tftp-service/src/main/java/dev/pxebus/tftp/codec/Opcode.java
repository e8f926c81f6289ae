package dev.pxebus.tftp.codec;

import java.util.Optional;

/** TFTP opcodes: 1–5 from RFC 1350 §5, 6 (OACK) from RFC 2347. */
public enum Opcode {
  RRQ(1),
  WRQ(2),
  DATA(3),
  ACK(4),
  ERROR(5),
  OACK(6);

  private final int value;

  Opcode(int value) {
    this.value = value;
  }

  /** The 16-bit wire value. */
  public int value() {
    return value;
  }

  /** The opcode for a wire value; empty for values no RFC defines (the codec refuses those packets). */
  public static Optional<Opcode> of(int value) {
    for (Opcode op : values()) {
      if (op.value == value) return Optional.of(op);
    }
    return Optional.empty();
  }
}
