package dev.pxebus.tftp.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds datagrams byte by byte for codec tests: {@code Bytes.op(1).z("file").z("octet").build()}. */
final class Bytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static Bytes op(int opcode) {
    return new Bytes().u16(opcode);
  }

  static Bytes empty() {
    return new Bytes();
  }

  Bytes u16(int v) {
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  Bytes u8(int... values) {
    for (int v : values) out.write(v);
    return this;
  }

  /** A string and its NUL terminator. */
  Bytes z(String s) {
    return s(s).u8(0);
  }

  /** A string without terminator. */
  Bytes s(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  Bytes zeros(int n) {
    for (int i = 0; i < n; i++) out.write(0);
    return this;
  }

  byte[] build() {
    return out.toByteArray();
  }
}
