package dev.pxebus.cli.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.EventType;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.HttpFileEvent;
import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.lease.LeaseState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventLineTest {
  private static final String MAC = "52:54:00:12:34:56";
  private static final Instant T = Instant.parse("2026-12-01T09:00:00.123456Z");
  private static final String ATTEMPT = "3f2a91c0-5d3e-4c1b-9a77-0e5f3c2b1a00";

  private static <T extends PxebusEvent> Envelope<T> env(T data, String attempt) {
    return new Envelope<>("id-1", "/pxebus/test/1", EventType.of(data), T, data.key(), attempt, 1, data);
  }

  static Stream<Arguments> events() {
    return Stream.of(
        Arguments.of("DHCP discover", env(new DhcpStepEvent(MAC, BootStage.DHCP_DISCOVER, 42, null, null, "10.0.0.1",
                null, "PXEClient:Arch:00007:UNDI:003016", 7, null, null, null, null, null), ATTEMPT),
            "2026-12-01T09:00:00.123Z  52:54:00:12:34:56  3f2a91c0  DHCP_DISCOVER   xid=0x0000002a server=10.0.0.1 "
                + "vendorClass=PXEClient:Arch:00007:UNDI:003016 arch=7"),
        Arguments.of("DHCP NAK with a reason", env(new DhcpStepEvent(MAC, BootStage.DHCP_NAK, 0xdeadbeefL, "10.0.0.9",
                null, "10.0.0.1", "10.1.0.1", null, null, null, null, null, null, "address not in \"pool\""), ATTEMPT),
            "2026-12-01T09:00:00.123Z  52:54:00:12:34:56  3f2a91c0  DHCP_NAK        xid=0xdeadbeef clientIp=10.0.0.9 "
                + "server=10.0.0.1 relay=10.1.0.1 reason=\"address not in \\\"pool\\\"\""),
        Arguments.of("TFTP completed", env(new TftpTransferEvent(MAC, BootStage.TFTP_COMPLETED, "10.0.0.21", 2070,
                "tftp-1", "undionly.kpxe", Map.of("tsize", "70912", "blksize", "1432"), 70912, 84, 2, null, null), ATTEMPT),
            "2026-12-01T09:00:00.123Z  52:54:00:12:34:56  3f2a91c0  TFTP_COMPLETED  file=undionly.kpxe "
                + "client=10.0.0.21:2070 replica=tftp-1 bytes=70912 ms=84 retransmissions=2 blksize=1432 tsize=70912"),
        Arguments.of("TFTP failed", env(new TftpTransferEvent(MAC, BootStage.TFTP_FAILED, "10.0.0.21", 2070, "tftp-1",
                "pxelinux.cfg/default", null, 0, 3, 0, 1, "File not found"), ATTEMPT),
            "2026-12-01T09:00:00.123Z  52:54:00:12:34:56  3f2a91c0  TFTP_FAILED     file=pxelinux.cfg/default "
                + "client=10.0.0.21:2070 replica=tftp-1 bytes=0 ms=3 errorCode=1 error=\"File not found\""),
        Arguments.of("HTTP served", env(new HttpFileEvent(MAC, BootStage.HTTP_SERVED, "10.0.0.21", "tftp-1", "GET",
                "/images/debian-12/vmlinuz", 206, 1048576, 12, "bytes=0-1048575"), ATTEMPT),
            "2026-12-01T09:00:00.123Z  52:54:00:12:34:56  3f2a91c0  HTTP_SERVED     method=GET "
                + "path=/images/debian-12/vmlinuz status=206 bytes=1048576 ms=12 range=bytes=0-1048575 "
                + "client=10.0.0.21 replica=tftp-1"),
        Arguments.of("menu rendered", env(new MenuRenderedEvent(MAC, BootStage.MENU_RENDERED, MenuFormat.IPXE,
                "/boot.ipxe", MenuSelection.GROUP, "installer", "rack-a", "x86_64", null, 512), ATTEMPT),
            "2026-12-01T09:00:00.123Z  52:54:00:12:34:56  3f2a91c0  MENU_RENDERED   format=IPXE path=/boot.ipxe "
                + "selectedBy=GROUP profile=installer group=rack-a arch=x86_64 bytes=512"),
        Arguments.of("a short attempt id is shown whole", env(new DhcpStepEvent(MAC, BootStage.PROXY_ACK, 1, null,
                null, null, null, null, null, null, null, "ipxe.efi", "10.0.0.1", null), "a1"),
            "2026-12-01T09:00:00.123Z  52:54:00:12:34:56  a1        PROXY_ACK       xid=0x00000001 bootFile=ipxe.efi "
                + "nextServer=10.0.0.1"),
        Arguments.of("lease, without attempt", env(new LeaseEvent(MAC, "01:52:54:00:12:34:56", "10.0.0.21",
                LeaseState.BOUND, "10.0.0.0/24", "node1", Instant.parse("2026-12-01T09:00:00Z"),
                Instant.parse("2026-12-01T10:00:00Z"), "10.0.0.1"), null),
            "2026-12-01T09:00:00.123Z  52:54:00:12:34:56  -         LEASE_BOUND     ip=10.0.0.21 hostname=node1 "
                + "subnet=10.0.0.0/24 clientId=01:52:54:00:12:34:56 start=2026-12-01T09:00:00Z "
                + "expires=2026-12-01T10:00:00Z server=10.0.0.1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void humanLine(String name, Envelope<?> event, String expected) {
    assertEquals(expected, EventLine.human(event));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void jsonLineIsTheEncodedCloudEventOnOneLine(String name, Envelope<?> event, String ignored) throws Exception {
    byte[] encoded = EventCodec.get().encode(event);
    String line = EventLine.json(encoded);
    assertEquals(1, line.lines().count(), line);
    assertEquals(EventCodec.get().mapper().readTree(encoded), EventCodec.get().mapper().readTree(line));
  }

  @Test
  void prettyPrintedJsonBecomesOneLine() {
    assertEquals("{\"a\":1,\"b\":[1,2]}", EventLine.json("{\n  \"a\": 1,\n  \"b\": [1, 2]\n}".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalArgumentException.class, () -> EventLine.json("{oops".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void quoting() {
    assertEquals("plain", EventLine.quote("plain"));
    assertEquals("\"\"", EventLine.quote(""));
    assertEquals("\"two words\"", EventLine.quote("two words"));
    assertEquals("\"a\\nb\\tc\\\\d\\u0001\"", EventLine.quote("a\nb\tc\\d\u0001"));
  }
}
