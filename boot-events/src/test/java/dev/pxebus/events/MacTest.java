package dev.pxebus.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class MacTest {
  private static final String CANONICAL = "52:54:00:12:34:56";

  @ParameterizedTest(name = "{0}: ''{1}''")
  @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, textBlock = """
      colons (canonical)|52:54:00:12:34:56|52:54:00:12:34:56
      colons, upper case|52:54:00:AB:CD:EF|52:54:00:ab:cd:ef
      dashes (pxelinux.cfg name without 01-)|52-54-00-12-34-56|52:54:00:12:34:56
      dashes, upper case (Windows ipconfig)|52-54-00-AB-CD-EF|52:54:00:ab:cd:ef
      dots (Cisco)|5254.0012.3456|52:54:00:12:34:56
      bare|525400123456|52:54:00:12:34:56
      bare, upper case|525400ABCDEF|52:54:00:ab:cd:ef
      surrounding blanks|  52:54:00:12:34:56\t|52:54:00:12:34:56
      """)
  void spellingsOperatorsAndFirmwareUse(String name, String input, String expected) {
    assertEquals(expected, Mac.canonical(input));
    assertTrue(Mac.isValid(input));
  }

  @ParameterizedTest(name = "{0}: ''{1}''")
  @CsvSource(delimiter = '|', textBlock = """
      five octets                               |52:54:00:12:34
      seven octets                              |52:54:00:12:34:56:78
      non-hex digit                             |52:54:00:12:34:5g
      pxelinux file name with the ARP type 01-  |01-52-54-00-12-34-56
      fourteen bare hex digits                  |01525400123456
      mixed separators                          |52:54-00:12-34:56
      separators in the wrong places            |5254:0012:3456
      trailing separator                        |52:54:00:12:34:56:
      doubled separator                         |52::54:00:12:34:56
      one-digit octet                           |52:54:0:12:34:56
      spaces as separators                      |52 54 00 12 34 56
      an IPv4 address                           |10.213.0.121
      a hostname                                |lab-node-1
      """)
  void notAMac(String name, String input) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mac.canonical(input));
    assertTrue(e.getMessage().contains("'" + input + "'"), "the message names the input: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("not a MAC address"), e.getMessage());
    assertFalse(Mac.isValid(input));
  }

  @ParameterizedTest(name = "''{0}''")
  @NullAndEmptySource
  void missingMac(String input) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mac.canonical(input));
    assertTrue(e.getMessage().contains(input == null ? "missing" : "''"), e.getMessage());
    assertFalse(Mac.isValid(input));
  }

  @Test
  void pxelinuxFormNamesTheFix() {
    // pxelinux asks for pxelinux.cfg/01-<mac>: 01 is the ARP hardware type (Ethernet), not part of the address.
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Mac.canonical("01-52-54-00-12-34-56"));
    assertEquals("not a MAC address (want 12 hex digits, e.g. 52:54:00:12:34:56): '01-52-54-00-12-34-56'; "
        + "drop pxelinux's 01- hardware-type prefix", e.getMessage());
  }

  @Test
  void canonicalIsIdempotent() {
    assertEquals(CANONICAL, Mac.canonical(Mac.canonical("5254.0012.3456")));
  }

  @Test
  void ofSixOctets() {
    assertEquals(CANONICAL, Mac.of(new byte[] {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}));
  }

  @Test
  void ofHighOctetsIsLowerCaseHex() {
    assertEquals("ff:fe:80:9c:7b:0a",
        Mac.of(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0x80, (byte) 0x9c, 0x7b, 0x0a}));
  }

  @Test
  void ofAWholeChaddrFieldTakesTheFirstSixOctets() {
    // chaddr is 16 octets (RFC 2131 §2); an Ethernet address (hlen 6) is its first six, the rest is padding.
    byte[] chaddr = new byte[16];
    System.arraycopy(new byte[] {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, 0, chaddr, 0, 6);
    assertEquals(CANONICAL, Mac.of(chaddr));
  }

  @Test
  void ofTooShortIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Mac.of(new byte[] {0x52, 0x54, 0x00, 0x12, 0x34}));
    assertThrows(IllegalArgumentException.class, () -> Mac.of(null));
  }
}
