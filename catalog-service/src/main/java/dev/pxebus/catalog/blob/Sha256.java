package dev.pxebus.catalog.blob;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The form of a blob's name: a SHA-256 digest as 64 lowercase hex digits (no prefix, no upper case). Pure. */
public final class Sha256 {
  public static final int HEX_LENGTH = 64;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Sha256() {}

  /** True when {@code s} is 64 lowercase hex digits: the only strings ever turned into a path. */
  public static boolean isValid(String s) {
    if (s == null || s.length() != HEX_LENGTH) return false;
    for (int i = 0; i < HEX_LENGTH; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }

  /** Returns {@code s} when valid, else throws {@link BlobException.Reason#INVALID_HASH}. */
  static String require(String s) {
    if (!isValid(s)) throw BlobException.invalidHash(s);
    return s;
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e); // every Java SE has it
    }
  }

  static String hex(byte[] digest) {
    char[] out = new char[digest.length * 2];
    for (int i = 0; i < digest.length; i++) {
      out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[digest[i] & 0xf];
    }
    return new String(out);
  }
}
