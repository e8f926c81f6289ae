package dev.pxebus.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CpioTest {
  @Test
  void newcEntriesAreHeaderNameAndDataEachPaddedToFourBytesThenTheTrailer() {
    byte[] archive = new Cpio().file("init", 0755, "hi\n".getBytes(StandardCharsets.US_ASCII)).toBytes();
    String text = new String(archive, StandardCharsets.US_ASCII);
    // magic, ino 1, mode 0100755, uid, gid, nlink 1, mtime, filesize 3, dev major/minor, rdev major/minor, namesize 5
    assertEquals("070701" + "00000001" + "000081ed" + "00000000" + "00000000" + "00000001" + "00000000" + "00000003"
        + "00000000" + "00000000" + "00000000" + "00000000" + "00000005" + "00000000" + "init\0" + "\0",
        text.substring(0, 116));
    assertEquals("hi\n\0", text.substring(116, 120));
    assertTrue(text.substring(120).startsWith("070701"), text);
    assertTrue(text.contains("TRAILER!!!\0"), text);
    assertEquals(0, archive.length % 4);
  }

  @Test
  void aCharacterDeviceCarriesItsMajorAndMinor() {
    String text = new String(new Cpio().charDevice("dev/console", 0600, 5, 1).toBytes(), StandardCharsets.US_ASCII);
    assertEquals("00002180", text.substring(14, 22), "mode 020600");
    assertEquals("00000005" + "00000001", text.substring(78, 94), "rdevmajor, rdevminor");
  }
}
