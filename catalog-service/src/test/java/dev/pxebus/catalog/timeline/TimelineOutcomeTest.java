package dev.pxebus.catalog.timeline;

import static dev.pxebus.catalog.timeline.TimelineFixtures.MAC;
import static dev.pxebus.catalog.timeline.TimelineFixtures.T0;
import static dev.pxebus.catalog.timeline.TimelineFixtures.dhcp;
import static dev.pxebus.catalog.timeline.TimelineFixtures.http;
import static dev.pxebus.catalog.timeline.TimelineFixtures.menu;
import static dev.pxebus.catalog.timeline.TimelineFixtures.menuPath;
import static dev.pxebus.catalog.timeline.TimelineFixtures.tftp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.HttpFileEvent;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.events.boot.TftpTransferEvent;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The outcome rule of {@link Outcome}, one named case per way an attempt can end. */
class TimelineOutcomeTest {
  private static final BootStepEvent DISCOVER = dhcp(MAC, BootStage.DHCP_DISCOVER);
  private static final BootStepEvent OFFER = dhcp(MAC, BootStage.DHCP_OFFER);
  private static final BootStepEvent REQUEST = dhcp(MAC, BootStage.DHCP_REQUEST);
  private static final BootStepEvent ACK = dhcp(MAC, BootStage.DHCP_ACK);
  private static final BootStepEvent NAK = dhcp(MAC, BootStage.DHCP_NAK);
  private static final BootStepEvent NBP = tftp(MAC, BootStage.TFTP_COMPLETED, "pxelinux.0", 42_430);
  private static final BootStepEvent NBP_MISSING = tftp(MAC, BootStage.TFTP_FAILED, "pxelinux.0", 0);
  private static final BootStepEvent CFG_PROBE_MISS = tftp(MAC, BootStage.TFTP_FAILED, "pxelinux.cfg/C0A8", 0);
  private static final BootStepEvent MENU = menu(MAC, MenuSelection.HOST);
  private static final BootStepEvent MENU_FETCHED =
      tftp(MAC, BootStage.TFTP_COMPLETED, menuPath(MAC).substring(1), 611);
  private static final BootStepEvent KERNEL_STARTED = tftp(MAC, BootStage.TFTP_STARTED, "debian/linux", 8_247_232);
  private static final BootStepEvent KERNEL_TFTP = tftp(MAC, BootStage.TFTP_COMPLETED, "debian/linux", 8_247_232);
  private static final BootStepEvent KERNEL = http(MAC, BootStage.HTTP_SERVED, "/images/debian-12-amd64/linux", 200,
      8_247_232);
  private static final BootStepEvent KERNEL_404 = http(MAC, BootStage.HTTP_FAILED, "/images/debian-12-amd64/linux",
      404, 0);
  private static final BootStepEvent INITRD_FAILED = tftp(MAC, BootStage.TFTP_FAILED, "debian/initrd.gz", 0);
  private static final BootStepEvent KERNEL_HEAD = new HttpFileEvent(MAC, BootStage.HTTP_SERVED, "10.213.0.121",
      "tftp-1", "HEAD", "/images/debian-12-amd64/linux", 200, 0, 1, null);
  private static final BootStepEvent SIZE_PROBE = new TftpTransferEvent(MAC, BootStage.TFTP_COMPLETED, "10.213.0.121",
      2071, "tftp-1", "debian/linux", Map.of("tsize", "8247232"), 0, 3, 0, 8,
      "client ended after the option acknowledgement (size probe)");

  static Stream<Arguments> outcomes() {
    return Stream.of(
        Arguments.of("a whole boot: DHCP, pxelinux, a missed config probe, the menu, kernel and initrd",
            TimelineFixtures.boot(MAC, "a", T0, i -> "s" + i).stream().map(Envelope::data).toList(), false,
            "completed"),
        Arguments.of("the menu, then the kernel over TFTP", List.of(DISCOVER, ACK, NBP, MENU, KERNEL_TFTP), false,
            "completed"),
        Arguments.of("the menu chose the local disk", List.of(DISCOVER, ACK, NBP, menu(MAC, MenuSelection.LOCAL_BOOT)),
            false, "completed"),
        Arguments.of("only DHCP so far, latest attempt", List.of(DISCOVER, OFFER, REQUEST), false, "in-progress"),
        Arguments.of("only DHCP, and the machine started again", List.of(DISCOVER, OFFER), true, "abandoned"),
        Arguments.of("NAK last", List.of(DISCOVER, OFFER, REQUEST, NAK), false, "failed"),
        Arguments.of("NAK last, even with a newer attempt", List.of(REQUEST, NAK), true, "failed"),
        Arguments.of("boot file missing", List.of(DISCOVER, ACK, NBP_MISSING), false, "failed"),
        Arguments.of("a failure followed by a retry is no failure", List.of(DISCOVER, ACK, NBP_MISSING, NBP), false,
            "in-progress"),
        Arguments.of("a config probe miss before the menu is no failure", List.of(ACK, NBP, CFG_PROBE_MISS, MENU),
            false, "in-progress"),
        Arguments.of("the menu fetched, nothing after it", List.of(ACK, NBP, MENU, MENU_FETCHED), false,
            "in-progress"),
        Arguments.of("the kernel transfer still running", List.of(ACK, NBP, MENU, KERNEL_STARTED), false,
            "in-progress"),
        Arguments.of("kernel over HTTP refused", List.of(ACK, NBP, MENU, KERNEL_404), false, "failed"),
        Arguments.of("kernel fetched, initrd failed last", List.of(ACK, NBP, MENU, KERNEL_TFTP, INITRD_FAILED), false,
            "failed"),
        Arguments.of("a HEAD request downloads nothing", List.of(ACK, NBP, MENU, KERNEL_HEAD), false, "in-progress"),
        Arguments.of("a TFTP size probe downloads nothing", List.of(ACK, NBP, MENU, SIZE_PROBE), false,
            "in-progress"),
        Arguments.of("a kernel fetched before the menu does not count", List.of(ACK, KERNEL, MENU), false,
            "in-progress"),
        Arguments.of("a file downloaded without any menu proves nothing", List.of(DISCOVER, ACK, NBP, KERNEL), true,
            "abandoned"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outcomes")
  void outcome(String name, List<BootStepEvent> steps, boolean newerAttempt, String expected) {
    Timelines t = new Timelines();
    for (int i = 0; i < steps.size(); i++) {
      t.apply(TimelineFixtures.envelope("s" + i, "a", T0.plusMillis(i), "/pxebus/test/x", steps.get(i)), 0, i);
    }
    if (newerAttempt) {
      t.apply(TimelineFixtures.envelope("next", "b", T0.plusSeconds(60), "/pxebus/test/x", DISCOVER), 0, steps.size());
    }
    var attempts = t.timelineJson(MAC, 10).orElseThrow().getJsonArray("attempts");
    assertEquals(expected, attempts.getJsonObject(attempts.size() - 1).getString("outcome"));
    if (newerAttempt) assertEquals("in-progress", attempts.getJsonObject(0).getString("outcome"), "the newer one");
  }
}
