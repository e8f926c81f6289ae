package dev.pxebus.dhcp.codec;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One DHCP option as it travels: a code and its value bytes. Long values (over 255 bytes) are one option here; the
 * codec splits them into several on the wire and joins split ones back (RFC 3396). Unknown codes are kept as they
 * are, so a packet re-encodes byte for byte.
 */
public record DhcpOption(int code, byte[] value) {
  public DhcpOption {
    if (code < 1 || code > 254) throw new IllegalArgumentException("option code " + code + " is not 1..254");
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  public int length() {
    return value.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DhcpOption other && other.code == code && Arrays.equals(other.value, value);
  }

  @Override
  public int hashCode() {
    return 31 * code + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return code + "=" + HexFormat.of().formatHex(value);
  }
}
