package dev.pxebus.cli.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pxebus.cli.Pxebus;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.EventType;
import dev.pxebus.events.Topics;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.runtime.kafka.EventPublisher;
import dev.pxebus.runtime.kafka.PublisherOptions;
import dev.pxebus.testing.Await;
import dev.pxebus.testing.KafkaBrokerExtension;
import dev.pxebus.testing.KafkaEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code pxebus events follow} against the shared real broker: events published by the services' own
 * {@link EventPublisher}, a record that is no event written raw next to them. Every test follows one random MAC, so
 * the other tests' events on the shared topic do not show.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EventsFollowTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2026-12-01T09:00:00.123Z");

  private EventPublisher publisher;
  private String mac;
  private String other;
  private String attempt;

  @BeforeEach
  void publisher(KafkaEndpoint kafka) throws Exception {
    publisher = EventPublisher.start(PublisherOptions.builder(kafka.bootstrapServers()).clientId("events-follow-test")
        .source("/pxebus/test/events-follow").build(), new SimpleMeterRegistry());
    // The publisher creates the registry's topics with their partition counts; the follower waits for them.
    publisher.topicsReady().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    mac = randomMac();
    other = randomMac();
    attempt = UUID.randomUUID().toString();
  }

  @AfterEach
  void close() {
    if (publisher != null) publisher.close(Duration.ofSeconds(10));
  }

  private static String randomMac() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("02:ef:%02x:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  /** A follow command running in the background, as in a terminal until Ctrl-C. */
  private static final class Following {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final Thread thread;
    final CompletableFuture<Integer> exit = new CompletableFuture<>();

    Following(String... args) {
      CommandLine cli = new CommandLine(new Pxebus());
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      thread = new Thread(() -> exit.complete(cli.execute(args)), "follow-under-test");
      thread.start();
    }

    List<String> lines() {
      return out.toString().lines().toList();
    }

    int exit() throws Exception {
      return exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
      return "--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Following follow(KafkaEndpoint kafka, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "events";
    all[1] = "follow";
    all[2] = "--bootstrap";
    all[3] = kafka.bootstrapServers();
    System.arraycopy(args, 0, all, 4, args.length);
    return new Following(all);
  }

  private static void awaitFollowing(Following f) {
    Await.until(DEADLINE, () -> f.err.toString().contains("pxebus: following "), () -> "the follower to start: " + f);
  }

  private void publishGarbage(KafkaEndpoint kafka) throws Exception {
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.BOOT_EVENTS.name(), mac, "{\"not\": \"a cloudevent\"".getBytes(
          StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
    }
  }

  private <T extends BootStepEvent> Envelope<T> at(long millis, T data) {
    return new Envelope<>(UUID.randomUUID().toString(), "/pxebus/test/events-follow", EventType.of(data),
        T0.plusMillis(millis), data.key(), attempt, Envelope.SCHEMA_VERSION, data);
  }

  /** A boot: discover, TFTP of the loader, the menu; and one event of another machine in between. */
  private List<Envelope<? extends BootStepEvent>> boot() {
    return List.of(
        at(0, new DhcpStepEvent(mac, BootStage.DHCP_DISCOVER, 0x1234, null, null, "10.0.0.1", null,
            "PXEClient:Arch:00007:UNDI:003016", 7, null, null, null, null, null)),
        at(5, new DhcpStepEvent(other, BootStage.DHCP_DISCOVER, 0x99, null, null, null, null, null, null, null, null,
            null, null, null)),
        at(40, new TftpTransferEvent(mac, BootStage.TFTP_COMPLETED, "10.0.0.21", 2070, "tftp-1", "ipxe.efi",
            Map.of("blksize", "1432"), 1024000, 310, 0, null, null)),
        at(900, new MenuRenderedEvent(mac, BootStage.MENU_RENDERED, MenuFormat.IPXE, "/boot.ipxe",
            MenuSelection.DEFAULT_MENU, null, null, "efi-x86_64", null, 2048)));
  }

  private String expectedHuman() {
    String a = attempt.substring(0, 8);
    return String.join("\n",
        "2026-12-01T09:00:00.123Z  " + mac + "  " + a + "  DHCP_DISCOVER   xid=0x00001234 server=10.0.0.1 "
            + "vendorClass=PXEClient:Arch:00007:UNDI:003016 arch=7",
        "2026-12-01T09:00:00.163Z  " + mac + "  " + a + "  TFTP_COMPLETED  file=ipxe.efi client=10.0.0.21:2070 "
            + "replica=tftp-1 bytes=1024000 ms=310 blksize=1432",
        "2026-12-01T09:00:01.023Z  " + mac + "  " + a + "  MENU_RENDERED   format=IPXE path=/boot.ipxe "
            + "selectedBy=DEFAULT_MENU arch=efi-x86_64 bytes=2048");
  }

  @Test
  void printsOneHumanLinePerEventOfTheMachineAndSkipsWhatIsNoEvent(KafkaEndpoint kafka) throws Exception {
    Following f = follow(kafka, "--mac", mac.replace(':', '-').toUpperCase());
    awaitFollowing(f);
    publishGarbage(kafka);
    boot().forEach(publisher::publish);

    Await.until(DEADLINE, () -> f.lines().size() >= 3, () -> "three lines: " + f);
    assertEquals(expectedHuman(), String.join("\n", f.lines()));
    assertTrue(f.err.toString().lines().anyMatch(l -> l.matches("pxebus: skipped record pxebus\\.boot\\.events/\\d+@\\d+ "
        + "\\(key " + mac + "\\): not a CloudEvents JSON document: .*")), f::toString);

    f.thread.interrupt(); // as Ctrl-C's shutdown hook stops it: the poll ends and the consumer is closed
    assertEquals(0, f.exit(), f::toString);
    assertTrue(f.err.toString().contains("pxebus: 1 record(s) skipped: not readable as events"), f::toString);
    assertFalse(f.out.toString().contains(other), "another machine's event is not shown");
  }

  @Test
  void jsonFromTheBeginningIsTheEncodedCloudEventsOnePerLine(KafkaEndpoint kafka) throws Exception {
    publishGarbage(kafka);
    List<Envelope<? extends BootStepEvent>> boot = boot();
    boot.forEach(publisher::publish);
    assertTrue(publisher.flush(DEADLINE), () -> "not published: " + publisher.stats());

    Following f = follow(kafka, "--mac", mac, "--json", "--from-beginning", "--count", "3");
    assertEquals(0, f.exit(), () -> "stops by itself after 3 events: " + f);
    List<String> lines = f.lines();
    assertEquals(3, lines.size(), f::toString);
    List<Envelope<? extends BootStepEvent>> mine = boot.stream().filter(e -> e.subject().equals(mac)).toList();
    for (int i = 0; i < 3; i++) {
      JsonNode printed = EventCodec.get().mapper().readTree(lines.get(i));
      assertEquals(EventCodec.get().mapper().readTree(EventCodec.get().encode(mine.get(i))), printed, lines.get(i));
    }
    assertTrue(f.err.toString().contains("pxebus: skipped record pxebus.boot.events/"), f::toString);
  }

  @Test
  void anUnreachableBrokerIsExitCodeThree() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Following f = new Following("events", "follow", "--bootstrap", "127.0.0.1:" + port, "--connect-timeout", "2");
    assertEquals(FollowCommand.EXIT_UNREACHABLE, f.exit(), f::toString);
    assertEquals("pxebus: cannot reach Kafka at 127.0.0.1:" + port + ": no answer within 2 s", f.err.toString().strip());
    assertEquals("", f.out.toString());
  }

  @Test
  void aBadMacIsAUsageError() throws Exception {
    Following f = new Following("events", "follow", "--mac", "52:54:00", "--bootstrap", "127.0.0.1:1");
    assertEquals(FollowCommand.EXIT_USAGE, f.exit(), f::toString);
    assertTrue(f.err.toString().startsWith("pxebus: --mac: not a MAC address"), f::toString);
  }
}
