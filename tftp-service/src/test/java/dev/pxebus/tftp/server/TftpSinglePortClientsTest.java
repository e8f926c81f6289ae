package dev.pxebus.tftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.testing.KafkaEndpoint;
import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.TftpPacket;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every real-client case of {@link TftpClientsTest} again, with {@code tftp.single-port} on: read transfers answer
 * from the listening port itself, all on one socket read with {@code recvmmsg} and written with {@code sendmmsg}.
 * Plus what only this mode has: the port the replies come from, and a new request from a port whose transfer is
 * still running.
 */
class TftpSinglePortClientsTest extends TftpClientsTest {

  @BeforeAll
  static void start(KafkaEndpoint endpoint) throws Exception {
    startServer(endpoint, Map.of("tftp.single-port", "true"));
  }

  @Test
  void everyBlockComesFromTheListeningPort() throws Exception {
    try (DatagramSocket client = RawClient.socket()) {
      client.send(RawClient.packet(new TftpPacket.ReadRequest("small.bin", "octet"), HOST, port));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      int block = 0;
      TftpPacket.Data d;
      do {
        DatagramPacket p = RawClient.receive(client);
        assertEquals(port, p.getPort(), "DATA " + (block + 1) + " came from port " + p.getPort());
        d = assertInstanceOf(TftpPacket.Data.class, RawClient.decode(p));
        assertEquals((block + 1) & 0xffff, d.block());
        block = d.block();
        body.write(d.payloadBytes());
        client.send(RawClient.packet(new TftpPacket.Ack(block), HOST, port));
      } while (d.length() == 512);
      assertTrue(Arrays.equals(Files.readAllBytes(root.resolve("small.bin")), body.toByteArray()));
    }
  }

  @Test
  void refusalsComeFromTheListeningPortToo() throws Exception {
    try (DatagramSocket client = RawClient.socket()) {
      client.send(RawClient.packet(new TftpPacket.ReadRequest("no-such-file.bin", "octet"), HOST, port));
      DatagramPacket p = RawClient.receive(client);
      assertEquals(port, p.getPort());
      ErrorPacketCheck.assertError(RawClient.decode(p), ErrorCode.FILE_NOT_FOUND);
    }
  }

  @Test
  void aNewRequestFromThePortOfARunningTransferReplacesIt() throws Exception {
    Instant since = Instant.now();
    try (DatagramSocket client = RawClient.socket()) {
      int clientPort = client.getLocalPort();
      client.send(RawClient.packet(new TftpPacket.ReadRequest("big.bin", "octet"), HOST, port));
      TftpPacket.Data first = assertInstanceOf(TftpPacket.Data.class, RawClient.decode(RawClient.receive(client)));
      assertEquals(1, first.block());
      // The client gives up on big.bin and asks for another file from the same port: one port pair carries one
      // transfer, so the new request wins and every later packet is the new transfer's.
      byte[] small = RawClient.fetch(client, HOST, port, "small.bin", "octet", Map.of());
      assertArrayEquals(Files.readAllBytes(root.resolve("small.bin")), small);
      TftpTransferEvent replaced = awaitEvent(since, e -> e.clientPort() == clientPort && e.file().equals("big.bin")
          && e.stage() != BootStage.TFTP_STARTED);
      assertEquals(BootStage.TFTP_FAILED, replaced.stage(), replaced.toString());
      assertTrue(replaced.error().contains("superseded"), replaced.error());
    }
  }

  @Test
  void anAckFromNoTransferGetsErrorFive() throws Exception {
    try (DatagramSocket stranger = RawClient.socket()) {
      stranger.send(RawClient.packet(new TftpPacket.Ack(7), new InetSocketAddress(HOST, port)));
      ErrorPacketCheck.assertError(RawClient.decode(RawClient.receive(stranger)),
          ErrorCode.UNKNOWN_TRANSFER_ID);
    }
  }
}
