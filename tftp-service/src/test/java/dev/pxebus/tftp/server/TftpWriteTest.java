package dev.pxebus.tftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.runtime.Settings;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import dev.pxebus.tftp.TftpApp;
import dev.pxebus.tftp.TftpConfig;
import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.TftpPacket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Write requests, enabled with {@code tftp.write-dir}: real clients upload; nothing half-written is ever visible. */
@ExtendWith(KafkaBrokerExtension.class)
class TftpWriteTest {
  private static final Duration T = Duration.ofSeconds(120);
  private static final String HOST = "127.0.0.1";

  @TempDir static Path dir;
  private static Path uploads;
  private static TftpApp app;
  private static int port;

  @BeforeAll
  static void start(KafkaEndpoint kafka) throws Exception {
    Path root = Files.createDirectories(dir.resolve("boot"));
    uploads = Files.createDirectories(dir.resolve("uploads"));
    Files.createDirectories(uploads.resolve("logs"));
    Files.writeString(uploads.resolve("taken.txt"), "already here");
    Cmd.randomFile(dir.resolve("up.bin"), 3 * 1024 * 1024 + 7, 21);
    Cmd.randomFile(dir.resolve("big.bin"), 2 * 1024 * 1024 + 1, 22);
    app = TftpApp.start(TftpConfig.from(Settings.of(TftpConfig.keys(), Map.ofEntries(
            Map.entry("kafka.bootstrap", kafka.bootstrapServers()),
            Map.entry("admin.host", HOST),
            Map.entry("admin.port", "0"),
            Map.entry("instance.id", "write-test"),
            Map.entry("tftp.root", root.toString()),
            Map.entry("tftp.bind-address", HOST),
            Map.entry("tftp.port", "0"),
            Map.entry("http.port", "0"),
            Map.entry("tftp.cache-dir", dir.resolve("cache").toString()),
            Map.entry("tftp.menu-url", ""),
            Map.entry("tftp.catalog-url", ""),
            Map.entry("tftp.write-dir", uploads.toString()),
            Map.entry("tftp.write-max-mib", "2")))))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = app.tftpPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void realClientsUploadAndTheFilesArriveIntact() throws Exception {
    Path small = Cmd.randomFile(dir.resolve("small.bin"), 100_003, 23);
    String sha = Cmd.sha256(small);
    Cmd.run(T, dir, "tftp", "-m", "binary", HOST, Integer.toString(port), "-c", "put", small.toString(), "hpa.bin").ok();
    Cmd.run(T, dir, "atftp", "--put", "-l", small.toString(), "-r", "logs/atftp.bin", "--option", "blksize 1468", HOST,
        Integer.toString(port)).ok();
    Cmd.run(T, dir, "curl", "-sS", "--fail", "--tftp-blksize", "1468", "-T", small.toString(),
        "tftp://" + HOST + ":" + port + "/curl.bin").ok();
    for (Path p : List.of(uploads.resolve("hpa.bin"), uploads.resolve("logs/atftp.bin"), uploads.resolve("curl.bin"))) {
      assertEquals(sha, Cmd.sha256(p), p.toString());
    }
    assertEquals(List.of(), partials(), "no temporary files left");
  }

  @Test
  void anExistingFileIsNeverOverwritten() throws Exception {
    TftpPacket reply = request(new TftpPacket.WriteRequest("taken.txt", "octet", Map.of()));
    assertEquals(ErrorCode.FILE_EXISTS, assertInstanceOf(TftpPacket.ErrorPacket.class, reply).code());
    assertEquals("already here", Files.readString(uploads.resolve("taken.txt")));
  }

  @Test
  void namesLeavingTheWriteDirectoryAreRefused() throws Exception {
    for (String hostile : List.of("../escape.txt", "nosuchdir/x.txt", "/../../etc/x", "a%2e.txt")) {
      TftpPacket reply = request(new TftpPacket.WriteRequest(hostile, "octet", Map.of()));
      assertEquals(ErrorCode.ACCESS_VIOLATION, assertInstanceOf(TftpPacket.ErrorPacket.class, reply).code(), hostile);
    }
    assertFalse(Files.exists(dir.resolve("escape.txt")));
  }

  @Test
  void tooLargeIsRefusedUpFrontOrMidwayAndLeavesNothing() throws Exception {
    TftpPacket reply = request(new TftpPacket.WriteRequest("huge.bin", "octet", Map.of("tsize", "9999999")));
    assertEquals(ErrorCode.DISK_FULL, assertInstanceOf(TftpPacket.ErrorPacket.class, reply).code());
    // Without tsize the limit (2 MiB here) stops the upload when it is crossed.
    Cmd.Result r = Cmd.run(T, dir, "tftp", "-m", "binary", HOST, Integer.toString(port), "-c", "put",
        dir.resolve("big.bin").toString(), "big.bin");
    assertTrue(r.output().contains("Error code 3"), r.output());
    assertFalse(Files.exists(uploads.resolve("big.bin")));
    assertFalse(Files.exists(uploads.resolve("huge.bin")));
    assertEquals(List.of(), partials(), "no temporary files left");
  }

  @Test
  void anAbandonedUploadIsNeverVisible() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getByName(HOST))) {
      s.setSoTimeout(5000);
      byte[] wrq = dev.pxebus.tftp.codec.TftpCodec.encode(new TftpPacket.WriteRequest("half.bin", "octet", Map.of()));
      s.send(new DatagramPacket(wrq, wrq.length, new InetSocketAddress(HOST, port)));
      DatagramPacket ack0 = new DatagramPacket(new byte[100], 100);
      s.receive(ack0);
      byte[] data = dev.pxebus.tftp.codec.TftpCodec.encode(TftpPacket.Data.of(1, new byte[512]));
      s.send(new DatagramPacket(data, data.length, ack0.getSocketAddress()));
      s.receive(new DatagramPacket(new byte[100], 100));
      byte[] abort = dev.pxebus.tftp.codec.TftpCodec.encode(new TftpPacket.ErrorPacket(ErrorCode.NOT_DEFINED, "bye"));
      s.send(new DatagramPacket(abort, abort.length, ack0.getSocketAddress()));
    }
    dev.pxebus.testing.Await.until(Duration.ofSeconds(10), () -> partials().isEmpty(), "temporary file removed");
    assertFalse(Files.exists(uploads.resolve("half.bin")));
  }

  private static TftpPacket request(TftpPacket.WriteRequest wrq) throws Exception {
    try (DatagramSocket s = TftpClientsTest.RawClient.socket()) {
      s.send(TftpClientsTest.RawClient.packet(wrq, HOST, port));
      return TftpClientsTest.RawClient.decode(TftpClientsTest.RawClient.receive(s));
    }
  }

  private static List<Path> partials() {
    // A temporary file may vanish while the walk passes it (the server removing it is what the tests wait for).
    for (int attempt = 0; ; attempt++) {
      try (Stream<Path> s = Files.walk(uploads)) {
        return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        if (attempt >= 20) throw new IllegalStateException(e);
      }
    }
  }
}
