package dev.pxebus.tftp.codec;

import java.util.Locale;
import java.util.Optional;

/** The transfer modes of RFC 1350 §1; the mode string is case-insensitive on the wire. */
public enum TransferMode {
  /** 8-bit ASCII with CR LF line ends and CR NUL for a bare CR (RFC 764's NVT, as RFC 1350 §1 says). */
  NETASCII,
  /** Raw 8-bit bytes. Every PXE client seen sends this. */
  OCTET,
  /** Obsolete (RFC 1350 §1: "should not be implemented"); decodes so the server can refuse it. */
  MAIL;

  /** The mode named by a request's mode string, in any case; empty for a mode no RFC defines. */
  public static Optional<TransferMode> parse(String mode) {
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "netascii" -> Optional.of(NETASCII);
      case "octet" -> Optional.of(OCTET);
      case "mail" -> Optional.of(MAIL);
      default -> Optional.empty();
    };
  }

  /** The lower-case wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
