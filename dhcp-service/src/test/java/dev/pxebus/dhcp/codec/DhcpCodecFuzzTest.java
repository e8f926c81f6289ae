package dev.pxebus.dhcp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * The decoder on arbitrary bytes. In a plain {@code mvn test} Jazzer runs in regression mode: each file in
 * {@code src/test/resources/dev/pxebus/dhcp/codec/DhcpCodecFuzzTestInputs/decodeArbitraryBytes/} (captured firmware
 * packets and an overloaded one) plus the empty input, no fuzzing. {@code JAZZER_FUZZ=1} fuzzes for real; a
 * crashing input it finds belongs in that folder.
 */
class DhcpCodecFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void decodeArbitraryBytes(byte[] data) {
    DhcpPacket p;
    try {
      p = DhcpCodec.decode(ByteBuffer.wrap(data));
    } catch (DhcpCodecException expected) {
      return; // the one exception the decoder may throw
    }
    // Whatever decodes re-encodes (the decoder yields nothing the encoder refuses) to the same packet, and the
    // canonical form is a fixed point.
    byte[] once = DhcpCodec.encode(p);
    DhcpPacket again = DhcpCodec.decode(once);
    assertEquals(p, again);
    assertArrayEquals(once, DhcpCodec.encode(again));
    // The size-limited encoder either fits it (overloading file/sname if it must) or refuses; fitted, it keeps
    // the packet.
    byte[] limited;
    try {
      limited = DhcpCodec.encode(p, DhcpCodec.MIN_MAX_SIZE);
    } catch (DhcpCodecException tooBig) {
      return; // options that need more than 548 bytes even with file and sname overloaded
    }
    assertTrue(limited.length <= DhcpCodec.MIN_MAX_SIZE, () -> limited.length + " bytes");
    assertEquals(p, DhcpCodec.decode(limited));
  }
}
