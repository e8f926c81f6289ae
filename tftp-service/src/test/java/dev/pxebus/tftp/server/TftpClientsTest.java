package dev.pxebus.tftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pxebus.events.EventCodec;
import dev.pxebus.events.EventDecodeException;
import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.lease.LeaseState;
import dev.pxebus.runtime.Settings;
import dev.pxebus.runtime.kafka.EventPublisher;
import dev.pxebus.runtime.kafka.PublisherOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import dev.pxebus.testing.TestConsumer;
import dev.pxebus.testing.ThreadDump;
import dev.pxebus.tftp.TftpApp;
import dev.pxebus.tftp.TftpConfig;
import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.codec.TftpCodec;
import dev.pxebus.tftp.codec.TftpPacket;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TFTP clients (tftp-hpa's {@code tftp}, {@code atftp}, {@code curl}) against a real tftp-service on loopback,
 * plus a raw client for what the programs cannot be made to do (a stranger's packet, duplicate ACKs, EDK2's abort
 * after OACK). Events are read back from a real Kafka broker.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TftpClientsTest {
  private static final Duration T = Duration.ofSeconds(120);
  static final String HOST = "127.0.0.1";

  @TempDir static Path dir;
  static Path root;
  static TftpApp app;
  private static KafkaEndpoint kafka;
  static int port;

  @BeforeAll
  static void start(KafkaEndpoint endpoint) throws Exception {
    startServer(endpoint, Map.of());
  }

  /** Starts the server for the whole class, with {@code extra} settings over this class's (a subclass's mode). */
  static void startServer(KafkaEndpoint endpoint, Map<String, String> extra) throws Exception {
    assumeTrue(Cmd.installed("tftp") && Cmd.installed("atftp") && Cmd.installed("curl") || isCi(),
        "tftp-hpa, atftp and curl are needed (bin/setup --test installs them)");
    kafka = endpoint;
    root = Files.createDirectories(dir.resolve("boot"));
    Cmd.randomFile(root.resolve("small.bin"), 100 * 1024 + 17, 1);
    // More than 65535 blocks of 512 bytes: the block number rolls over.
    Cmd.randomFile(root.resolve("big.bin"), 33L * 1024 * 1024 + 5, 2);
    Cmd.randomFile(root.resolve("exact.bin"), 4 * 512, 3);
    Cmd.randomFile(root.resolve("load.bin"), 1024 * 1024, 4);
    Files.write(root.resolve("empty.bin"), new byte[0]);
    Files.writeString(root.resolve("text.txt"), "line one\nline two\r\nbare CR\r in the middle\n\nend", StandardCharsets.US_ASCII);
    Files.createDirectories(root.resolve("pxelinux.cfg"));
    Files.writeString(root.resolve("pxelinux.cfg/default"), "DEFAULT menu.c32\nPROMPT 0\n");
    Files.writeString(dir.resolve("secret.txt"), "outside the root");
    Map<String, String> settings = new LinkedHashMap<>(Map.ofEntries(
            Map.entry("kafka.bootstrap", kafka.bootstrapServers()),
            Map.entry("admin.host", HOST),
            Map.entry("admin.port", "0"),
            Map.entry("instance.id", "clients-test"),
            Map.entry("tftp.root", root.toString()),
            Map.entry("tftp.bind-address", HOST),
            Map.entry("tftp.port", "0"),
            Map.entry("http.port", "0"),
            Map.entry("tftp.max-blksize", "1468"),
            Map.entry("tftp.max-windowsize", "16"),
            Map.entry("tftp.cache-dir", dir.resolve("cache").toString()),
            Map.entry("tftp.menu-url", ""),
            Map.entry("tftp.catalog-url", "")));
    settings.putAll(extra);
    app = TftpApp.start(TftpConfig.from(Settings.of(TftpConfig.keys(), settings)))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = app.tftpPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (app == null) return;
    try {
      app.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      ThreadDump.print("the server did not close within 30 s");
      throw e;
    }
  }

  static boolean isCi() {
    return "true".equals(System.getenv("CI"));
  }

  private static Cmd.Result tftpHpa(Path out, String mode, String remote) throws Exception {
    return Cmd.run(T, dir, "tftp", "-m", mode, HOST, Integer.toString(port), "-c", "get", remote, out.toString());
  }

  @Test
  void tftpHpaLockStepAt512BytesRollsOverPast65535Blocks() throws Exception {
    Path out = dir.resolve("big.hpa");
    tftpHpa(out, "binary", "big.bin").ok();
    assertEquals(Cmd.sha256(root.resolve("big.bin")), Cmd.sha256(out));
  }

  @Test
  void curlWithBlksize1468GetsEverySize() throws Exception {
    // (curl 7.88 itself fails on an empty file with any server, tftpd-hpa included: "getpeername() failed";
    // the empty file is fetched with tftp-hpa and atftp below.)
    for (String f : List.of("small.bin", "exact.bin", "big.bin")) {
      Path out = dir.resolve(f + ".curl");
      Cmd.run(T, dir, "curl", "-sS", "--fail", "--tftp-blksize", "1468", "-o", out.toString(),
          "tftp://" + HOST + ":" + port + "/" + f).ok();
      assertEquals(Cmd.sha256(root.resolve(f)), Cmd.sha256(out), f);
    }
  }

  @Test
  void anEmptyFileIsOneEmptyBlock() throws Exception {
    Path hpa = dir.resolve("empty.hpa");
    tftpHpa(hpa, "binary", "empty.bin").ok();
    assertEquals(0, Files.size(hpa));
    Path atftp = dir.resolve("empty.atftp");
    Cmd.run(T, dir, "atftp", "--get", "-r", "empty.bin", "-l", atftp.toString(), "--option", "blksize 1468", HOST,
        Integer.toString(port)).ok();
    assertEquals(0, Files.size(atftp));
    assertEquals(0, RawClient.fetch(HOST, port, "empty.bin", "octet", Map.of("tsize", "0")).length);
  }

  @Test
  void atftpWithWindows() throws Exception {
    for (String window : List.of("8", "16")) {
      Path out = dir.resolve("big.atftp" + window);
      Cmd.Result r = Cmd.run(T, dir, "atftp", "--get", "-r", "big.bin", "-l", out.toString(), "--option",
          "blksize 1468", "--option", "windowsize " + window, "--verbose", HOST, Integer.toString(port)).ok();
      assertEquals(Cmd.sha256(root.resolve("big.bin")), Cmd.sha256(out), "windowsize " + window);
      assertTrue(r.output().contains("windowsize = " + window) || r.output().contains("windowsize=" + window),
          "the server must acknowledge windowsize " + window + ":\n" + r.output());
    }
  }

  @Test
  void netasciiIsConvertedOnTheWire() throws Exception {
    Path out = dir.resolve("text.netascii");
    tftpHpa(out, "netascii", "text.txt").ok();
    // tftp-hpa turns CR LF back into LF and CR NUL back into CR: the file arrives as it is on the server.
    assertEquals(Files.readString(root.resolve("text.txt")), Files.readString(out));
    // And on the wire it is netascii (RFC 764): LF as CR LF, a bare CR as CR NUL.
    byte[] wire = RawClient.fetch(HOST, port, "text.txt", "netascii", Map.of());
    assertEquals("line one\r\nline two\r\0\r\nbare CR\r\0 in the middle\r\n\r\nend",
        new String(wire, StandardCharsets.US_ASCII));
  }

  @Test
  void fileNotFoundIsAnsweredFast() throws Exception {
    // pxelinux probes nine names per boot before pxelinux.cfg/default: each miss must cost nothing.
    List<String> probes = List.of("pxelinux.cfg/01-52-54-00-12-34-56", "pxelinux.cfg/0AD50064", "pxelinux.cfg/0AD5006",
        "pxelinux.cfg/0AD500", "pxelinux.cfg/0AD50", "pxelinux.cfg/0AD5", "pxelinux.cfg/0AD", "pxelinux.cfg/0A",
        "pxelinux.cfg/0");
    long t0 = System.nanoTime();
    for (String probe : probes) {
      TftpPacket reply = RawClient.request(HOST, port, probe, Map.of());
      ErrorPacketCheck.assertError(reply, ErrorCode.FILE_NOT_FOUND);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 2_000, "nine misses took " + ms + " ms");
    Cmd.Result r = tftpHpa(dir.resolve("nosuch"), "binary", "no-such-file.bin");
    assertTrue(r.output().contains("Error code 1"), r.output());
  }

  @Test
  void namesLeavingTheRootAreRefusedAndBackslashesAreSlashes() throws Exception {
    for (String hostile : List.of("../secret.txt", "pxelinux.cfg/../../secret.txt", "..\\secret.txt",
        "%2e%2e/secret.txt")) {
      TftpPacket reply = RawClient.request(HOST, port, hostile, Map.of());
      ErrorPacketCheck.assertError(reply, ErrorCode.ACCESS_VIOLATION);
    }
    // "/etc/passwd" means the boot root's etc/passwd (a leading slash is root-relative), which does not exist.
    ErrorPacketCheck.assertError(RawClient.request(HOST, port, "/etc/passwd", Map.of()), ErrorCode.FILE_NOT_FOUND);
    // PXE ROMs send backslashes: pxelinux.cfg\default is pxelinux.cfg/default.
    byte[] got = RawClient.fetch(HOST, port, "pxelinux.cfg\\default", "octet", Map.of());
    assertEquals(Files.readString(root.resolve("pxelinux.cfg/default")), new String(got, StandardCharsets.US_ASCII));
  }

  @Test
  void writeRequestsAreRefused() throws Exception {
    Files.writeString(dir.resolve("upload.txt"), "data");
    Cmd.Result r = Cmd.run(T, dir, "tftp", HOST, Integer.toString(port), "-c", "put", "upload.txt", "upload.txt");
    assertTrue(r.output().contains("Error code 2"), r.output());
    assertFalse(Files.exists(root.resolve("upload.txt")));
  }

  @Test
  void aPacketFromAnotherPortGetsErrorFiveAndTheTransferGoesOn() throws Exception {
    try (DatagramSocket client = RawClient.socket(); DatagramSocket stranger = RawClient.socket()) {
      client.send(RawClient.packet(new TftpPacket.ReadRequest("small.bin", "octet"), HOST, port));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      DatagramPacket first = RawClient.receive(client);
      TftpPacket.Data d1 = assertInstanceOf(TftpPacket.Data.class, RawClient.decode(first));
      body.write(d1.payloadBytes());
      InetSocketAddress tid = (InetSocketAddress) first.getSocketAddress();
      // The stranger ACKs the transfer's block: it is told off with ERROR 5 ...
      stranger.send(RawClient.packet(new TftpPacket.Ack(1), tid));
      ErrorPacketCheck.assertError(RawClient.decode(RawClient.receive(stranger)), ErrorCode.UNKNOWN_TRANSFER_ID);
      // ... and the real client finishes the transfer undisturbed.
      int block = 1;
      TftpPacket.Data d = d1;
      while (d.length() == 512) {
        client.send(RawClient.packet(new TftpPacket.Ack(block), tid));
        // A block already here may come again (the timer's resend, when this JVM paused past the RTO): skipped.
        do {
          d = assertInstanceOf(TftpPacket.Data.class, RawClient.decode(RawClient.receive(client)));
        } while (d.block() == block);
        assertEquals((block + 1) & 0xffff, d.block());
        block = d.block();
        body.write(d.payloadBytes());
      }
      client.send(RawClient.packet(new TftpPacket.Ack(block), tid));
      assertTrue(Arrays.equals(Files.readAllBytes(root.resolve("small.bin")), body.toByteArray()));
    }
  }

  @Test
  void duplicateAcksNeverCauseDuplicateSends() throws Exception {
    try (DatagramSocket client = RawClient.socket()) {
      client.send(RawClient.packet(new TftpPacket.ReadRequest("small.bin", "octet"), HOST, port));
      DatagramPacket first = RawClient.receive(client);
      InetSocketAddress tid = (InetSocketAddress) first.getSocketAddress();
      for (int block = 1; block <= 20; block++) {
        // Every ACK sent three times: each must be answered by at most one DATA (RFC 1123 §4.2.3.1).
        for (int i = 0; i < 3; i++) client.send(RawClient.packet(new TftpPacket.Ack(block), tid));
        TftpPacket.Data next = assertInstanceOf(TftpPacket.Data.class, RawClient.decode(RawClient.receive(client)));
        // Replies come in order on loopback: a duplicate of an earlier block would arrive before this one.
        assertEquals(block + 1, next.block(), "after ACK " + block + " came DATA " + next.block());
      }
      client.send(RawClient.packet(new TftpPacket.ErrorPacket(ErrorCode.NOT_DEFINED, "test done"), tid));
    }
  }

  @Test
  void aRequestRepeatedAfterItsTransferCompletedIsNotASecondTransfer() throws Exception {
    try (DatagramSocket client = RawClient.socket()) {
      Map<String, String> options = Map.of("blksize", "1468");
      byte[] first = RawClient.fetch(client, HOST, port, "exact.bin", "octet", options);
      assertEquals(Files.size(root.resolve("exact.bin")), first.length);
      // The same request from the same port, as a client whose first answer came after its timeout sends it: the
      // transfer it asked for is done, so no second one starts (it would resend its OACK to nobody until it gave up).
      client.send(RawClient.packet(new TftpPacket.ReadRequest("exact.bin", "octet", options), HOST, port));
      client.setSoTimeout(1_500);
      assertThrows(SocketTimeoutException.class, () -> client.receive(new DatagramPacket(new byte[65536], 65536)),
          "a late repeat is not answered");
      // Another request from that port (other options, like EDK2's real transfer after its size probe) is served.
      client.setSoTimeout(5_000);
      byte[] other = RawClient.fetch(client, HOST, port, "exact.bin", "octet", Map.of("blksize", "512"));
      assertEquals(first.length, other.length);
    }
  }

  @Test
  void errorEightAfterTheOackIsANormalEnd() throws Exception {
    Instant since = Instant.now();
    try (DatagramSocket client = RawClient.socket()) {
      // EDK2: ask for the size only, read it from the OACK, abort with ERROR 8, then ask again for real.
      client.send(RawClient.packet(new TftpPacket.ReadRequest("small.bin", "octet", Map.of("tsize", "0")), HOST, port));
      DatagramPacket reply = RawClient.receive(client);
      TftpPacket.OptionAck oack = assertInstanceOf(TftpPacket.OptionAck.class, RawClient.decode(reply));
      assertEquals(Long.toString(Files.size(root.resolve("small.bin"))), oack.options().get("tsize"));
      client.send(RawClient.packet(new TftpPacket.ErrorPacket(ErrorCode.OPTION_REFUSED, "User aborted the transfer"),
          (InetSocketAddress) reply.getSocketAddress()));
      int clientPort = client.getLocalPort();
      TftpTransferEvent end = awaitEvent(since,
          e -> e.clientPort() == clientPort && e.stage() != BootStage.TFTP_STARTED);
      assertEquals(BootStage.TFTP_COMPLETED, end.stage(), end.toString());
      assertEquals(8, end.errorCode());
    }
    byte[] again = RawClient.fetch(HOST, port, "small.bin", "octet", Map.of("blksize", "1468"));
    assertTrue(Arrays.equals(Files.readAllBytes(root.resolve("small.bin")), again));
  }

  @Test
  void twoHundredSimultaneousTransfersAllArriveIntact() throws Exception {
    String expected = Cmd.sha256(root.resolve("load.bin"));
    List<Process> clients = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      clients.add(Cmd.start(dir, "curl", "-sS", "--fail", "--tftp-blksize", "1468", "--max-time", "100", "-o",
          dir.resolve("load." + i).toString(), "tftp://" + HOST + ":" + port + "/load.bin"));
    }
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      Cmd.Result r = Cmd.await(clients.get(i), T, t0, "curl #" + i);
      if (r.exit() != 0) failures.add("#" + i + " exit " + r.exit() + ": " + r.output().strip());
      else if (!expected.equals(Cmd.sha256(dir.resolve("load." + i)))) failures.add("#" + i + " sha256 differs");
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void eventsAndMetricsDescribeEachTransfer() throws Exception {
    Instant since = Instant.now();
    try (DatagramSocket client = RawClient.socket()) {
      int clientPort = client.getLocalPort();
      byte[] got = RawClient.fetch(client, HOST, port, "exact.bin", "octet", Map.of("blksize", "1468", "tsize", "0"));
      assertEquals(2048, got.length);
      TftpTransferEvent started = awaitEvent(since,
          e -> e.clientPort() == clientPort && e.stage() == BootStage.TFTP_STARTED);
      TftpTransferEvent done = awaitEvent(since,
          e -> e.clientPort() == clientPort && e.stage() == BootStage.TFTP_COMPLETED);
      assertEquals("exact.bin", started.file());
      assertEquals(Map.of("blksize", "1468", "tsize", "2048"), done.options());
      assertEquals(2048, done.bytes());
      assertEquals(app.replicaId(), done.replicaId());
      assertEquals(HOST, done.clientIp());
      assertEquals(TftpApp.UNKNOWN_MAC, done.mac(), "no lease for 127.0.0.1");
    }
    try (DatagramSocket client = RawClient.socket()) {
      int clientPort = client.getLocalPort();
      client.send(RawClient.packet(new TftpPacket.ReadRequest("missing.bin", "octet"), HOST, port));
      RawClient.receive(client);
      // By file too: the new socket may have been given the port of the first one, whose events are newer than since.
      TftpTransferEvent failed = awaitEvent(since, e -> e.clientPort() == clientPort && "missing.bin".equals(e.file()));
      assertEquals(BootStage.TFTP_FAILED, failed.stage());
      assertEquals(1, failed.errorCode());
    }
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.host().adminUrl()
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    for (String line : List.of("pxebus_tftp_transfers_total{", "outcome=\"completed\"", "pxebus_tftp_bytes_total",
        "pxebus_tftp_transfers_active", "pxebus_tftp_errors_total{", "code=\"FILE_NOT_FOUND\"",
        "pxebus_tftp_retransmissions_total", "pxebus_eventloop_busy_polls_total{")) {
      assertTrue(metrics.contains(line), "no " + line + " in /metrics");
    }
    // The transfers above made their event loop poll before it slept (busy polling is on by default): each found
    // the next ACK or gave up and slept, so the two outcomes together count at least one.
    double polls = metrics.lines().filter(l -> l.startsWith("pxebus_eventloop_busy_polls_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    assertTrue(polls > 0, "no busy poll counted:\n" + metrics.lines()
        .filter(l -> l.contains("busy_poll")).collect(java.util.stream.Collectors.joining("\n")));
  }

  @Test
  void eventsCarryTheMacTheLeaseTopicKnows() throws Exception {
    String mac = "52:54:00:9a:bc:de";
    String clientIp = "127.0.0.2";
    try (EventPublisher publisher = EventPublisher.start(PublisherOptions.builder(kafka.bootstrapServers())
        .clientId("lease-writer").source("/test/dhcp-service").build(), new SimpleMeterRegistry())) {
      publisher.publish(new LeaseEvent(mac, null, clientIp, LeaseState.BOUND, "127.0.0.0/8", null, Instant.now(),
          Instant.now().plusSeconds(3600), "127.0.0.1"));
      assertTrue(publisher.flush(Duration.ofSeconds(30)), "lease not delivered");
    }
    // The replica learns the lease from its topic; fetch until a transfer event names the client's MAC.
    TftpTransferEvent withMac = Await.value(Duration.ofSeconds(30), () -> {
      try (DatagramSocket client = new DatagramSocket(0, InetAddress.getByName(clientIp))) {
        client.setSoTimeout(5_000);
        int clientPort = client.getLocalPort();
        Instant since = Instant.now();
        RawClient.fetch(client, HOST, port, "exact.bin", "octet", Map.of());
        TftpTransferEvent done = awaitEvent(since,
            e -> e.clientPort() == clientPort && e.stage() == BootStage.TFTP_COMPLETED);
        return mac.equals(done.mac()) ? Optional.of(done) : Optional.empty();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "a TFTP event carrying " + mac + " for " + clientIp);
    assertEquals(clientIp, withMac.clientIp());
  }

  /**
   * The first event matching {@code match} that happened at or after {@code since}: a client's port alone does not
   * name its transfer, since a new socket may be given the port an earlier test's client had, whose events are there.
   */
  static TftpTransferEvent awaitEvent(Instant since, java.util.function.Predicate<TftpTransferEvent> match) {
    return Await.value(Duration.ofSeconds(30), () -> events(since).stream().filter(match).findFirst(),
        "a matching TFTP event since " + since + " on " + Topics.BOOT_EVENTS.name());
  }

  /** Envelope times are kept to the millisecond: one before {@code since} rounds down. */
  private static List<TftpTransferEvent> events(Instant since) {
    Instant from = since.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minusMillis(1);
    List<TftpTransferEvent> out = new ArrayList<>();
    try (TestConsumer c = TestConsumer.fromBeginning(kafka, Topics.BOOT_EVENTS.name())) {
      List<ConsumerRecord<String, byte[]>> records = c.readToEnd(Duration.ofSeconds(10));
      for (ConsumerRecord<String, byte[]> r : records) {
        if (r.value() == null) continue;
        try {
          var envelope = EventCodec.get().decode(r.value(), BootStepEvent.class);
          if (envelope.time().isBefore(from)) continue;
          if (envelope.data() instanceof TftpTransferEvent t && app.replicaId().equals(t.replicaId())) out.add(t);
        } catch (EventDecodeException ignored) {
          // other tests' records
        }
      }
    }
    return out;
  }

  /** A minimal TFTP client over a plain socket, for the cases the real client programs cannot produce. */
  static final class RawClient {
    static DatagramSocket socket() throws Exception {
      DatagramSocket s = new DatagramSocket(0, InetAddress.getByName(HOST));
      s.setSoTimeout(5_000);
      return s;
    }

    static DatagramPacket packet(TftpPacket p, String host, int port) throws Exception {
      return packet(p, new InetSocketAddress(host, port));
    }

    static DatagramPacket packet(TftpPacket p, InetSocketAddress to) {
      byte[] b = TftpCodec.encode(p);
      return new DatagramPacket(b, b.length, to);
    }

    static DatagramPacket receive(DatagramSocket s) throws Exception {
      DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
      try {
        s.receive(p);
      } catch (SocketTimeoutException e) {
        ThreadDump.print("no reply within " + s.getSoTimeout() + " ms");
        throw new AssertionError("no reply within " + s.getSoTimeout() + " ms", e);
      }
      return p;
    }

    static TftpPacket decode(DatagramPacket p) throws Exception {
      return TftpCodec.decode(Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength()));
    }

    /** Sends one RRQ and returns the first reply. */
    static TftpPacket request(String host, int port, String name, Map<String, String> options) throws Exception {
      try (DatagramSocket s = socket()) {
        s.send(packet(new TftpPacket.ReadRequest(name, "octet", new LinkedHashMap<>(options)), host, port));
        return decode(receive(s));
      }
    }

    static byte[] fetch(String host, int port, String name, String mode, Map<String, String> options)
        throws Exception {
      try (DatagramSocket s = socket()) {
        return fetch(s, host, port, name, mode, options);
      }
    }

    /** A whole lock-step read; honours an OACK's blksize. */
    static byte[] fetch(DatagramSocket s, String host, int port, String name, String mode,
        Map<String, String> options) throws Exception {
      s.send(packet(new TftpPacket.ReadRequest(name, mode, new LinkedHashMap<>(options)), host, port));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      int blksize = 512;
      int expect = 1;
      while (true) {
        DatagramPacket p = receive(s);
        InetSocketAddress tid = (InetSocketAddress) p.getSocketAddress();
        TftpPacket t = decode(p);
        if (t instanceof TftpPacket.OptionAck o) {
          blksize = Integer.parseInt(o.options().getOrDefault("blksize", "512"));
          s.send(packet(new TftpPacket.Ack(0), tid));
          continue;
        }
        if (t instanceof TftpPacket.ErrorPacket e) throw new AssertionError("ERROR " + e.code() + ": " + e.message());
        TftpPacket.Data d = (TftpPacket.Data) t;
        if (d.block() == (expect & 0xffff)) {
          body.write(d.payloadBytes());
          expect++;
        }
        s.send(packet(new TftpPacket.Ack(d.block()), tid));
        if (d.block() == ((expect - 1) & 0xffff) && d.length() < blksize) return body.toByteArray();
      }
    }
  }

  static final class ErrorPacketCheck {
    static void assertError(TftpPacket reply, ErrorCode code) {
      TftpPacket.ErrorPacket e = assertInstanceOf(TftpPacket.ErrorPacket.class, reply, "expected ERROR " + code);
      assertEquals(code, e.code(), e.message());
    }
  }

  static Optional<String> none() {
    return Optional.empty();
  }
}
