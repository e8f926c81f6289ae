package dev.pxebus.dhcp.codec;

/** The one exception the DHCP codec throws: the message says exactly what is wrong with the packet. */
public final class DhcpCodecException extends RuntimeException {
  public DhcpCodecException(String message) {
    super(message);
  }
}
