package dev.pxebus.tftp.codec;

import dev.pxebus.testing.Pcap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.pxebus.tftp.codec.TftpPacket.Ack;
import dev.pxebus.tftp.codec.TftpPacket.Data;
import dev.pxebus.tftp.codec.TftpPacket.ErrorPacket;
import dev.pxebus.tftp.codec.TftpPacket.OptionAck;
import dev.pxebus.tftp.codec.TftpPacket.Request;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real packets from real firmware (iPXE, pxelinux, EDK2; see {@code shared/captures/README.md}) decoded to one line
 * each and compared with golden text; and every one re-encoded to the same bytes.
 *
 * <p>To regenerate the golden files after a deliberate format change: {@code -Dgolden.update=true}, then review the diff.
 */
class TftpCodecGoldenTest {
  private static final String CAPTURES = "/dev/pxebus/tftp/codec/captures/";
  private static final String GOLDEN = "/dev/pxebus/tftp/codec/golden/";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bios-pxelinux", "proxy-bios", "proxy-uefi", "uefi-edk2"})
  void decodesCapturedPacketsToGoldenText(String capture) throws IOException {
    List<Pcap.Udp> packets = tftpDatagrams(Pcap.udpDatagrams(CAPTURES + capture + ".pcap"));
    assertFalse(packets.isEmpty(), "no TFTP packets found in " + capture);
    String actual = packets.stream()
        .map(d -> "frame " + d.frame() + " " + d.from() + " > " + d.to() + " "
            + describe(TftpCodec.decode(d.payload())))
        .collect(Collectors.joining("\n", "", "\n"));

    if (Boolean.getBoolean("golden.update")) {
      Path file = Path.of("src/test/resources" + GOLDEN + capture + ".txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual);
    }
    assertEquals(golden(capture), actual);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bios-pxelinux", "proxy-bios", "proxy-uefi", "uefi-edk2"})
  void reencodesEveryCapturedPacketToTheSameBytes(String capture) {
    for (Pcap.Udp d : tftpDatagrams(Pcap.udpDatagrams(CAPTURES + capture + ".pcap"))) {
      byte[] again = TftpCodec.encode(TftpCodec.decode(d.payload()));
      assertArrayEquals(d.payload(), again, () -> "frame " + d.frame() + ": " + java.util.HexFormat.of().formatHex(d.payload()));
    }
  }

  /** One line per packet, the format of the golden files. */
  static String describe(TftpPacket packet) {
    if (packet instanceof Request r) {
      return r.opcode() + " \"" + r.filename() + "\" " + r.mode() + options(r.options());
    } else if (packet instanceof Data d) {
      return "DATA block=" + d.block() + " length=" + d.length();
    } else if (packet instanceof Ack a) {
      return "ACK block=" + a.block();
    } else if (packet instanceof ErrorPacket e) {
      return "ERROR " + e.code().value() + " " + e.code().name() + " \"" + e.message() + "\"";
    } else if (packet instanceof OptionAck o) {
      return "OACK" + options(o.options());
    }
    throw new AssertionError(packet);
  }

  private static String options(Map<String, String> options) {
    return options.entrySet().stream().map(e -> " " + e.getKey() + "=" + e.getValue()).collect(Collectors.joining());
  }

  private static String golden(String capture) throws IOException {
    try (InputStream in = TftpCodecGoldenTest.class.getResourceAsStream(GOLDEN + capture + ".txt")) {
      if (in == null) return "(no golden file " + GOLDEN + capture + ".txt; run with -Dgolden.update=true)";
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The TFTP datagrams of a capture: requests to port 69 and every datagram from or to a client endpoint (address
   * and port) that sent one. Replies come from the server's per-transfer port (RFC 1350 §4), so port numbers alone do
   * not find them.
   */
  static List<Pcap.Udp> tftpDatagrams(List<Pcap.Udp> datagrams) {
    List<String> clients = new java.util.ArrayList<>();
    List<Pcap.Udp> out = new java.util.ArrayList<>();
    for (Pcap.Udp d : datagrams) {
      if (d.dstPort() == 69) {
        clients.add(d.from());
        out.add(d);
      } else if (clients.contains(d.from()) || clients.contains(d.to())) {
        out.add(d);
      }
    }
    return out;
  }
}
