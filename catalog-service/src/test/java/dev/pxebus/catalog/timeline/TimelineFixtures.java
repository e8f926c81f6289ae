package dev.pxebus.catalog.timeline;

import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventType;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.HttpFileEvent;
import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.lease.LeaseState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Boot steps for the timeline tests, shaped like what the services publish: the BIOS pxelinux boot of the lab
 * machine of docs/events.md (qemu's NIC ROM, subnet 10.213.0.0/24, server 10.213.0.1).
 */
final class TimelineFixtures {
  static final String MAC = "52:54:00:12:34:56";
  static final Instant T0 = Instant.parse("2025-05-06T08:15:30.123456Z");
  static final String DHCP = "/pxebus/dhcp-service/lab-1";
  static final String TFTP = "/pxebus/tftp-service/tftp-1";
  static final String MENU = "/pxebus/menu-service/lab-1";
  static final String UUID = "8d4e2f6a-1b3c-4a5d-9e7f-0c1b2a3d4e5f";
  static final long XID = 953657926L;

  private TimelineFixtures() {}

  static Envelope<BootStepEvent> envelope(String id, String attempt, Instant time, String source, BootStepEvent data) {
    return new Envelope<>(id, source, EventType.of(data), time, data.key(), attempt, Envelope.SCHEMA_VERSION, data);
  }

  static DhcpStepEvent dhcp(String mac, BootStage stage) {
    boolean reply = stage == BootStage.DHCP_OFFER || stage == BootStage.DHCP_ACK || stage == BootStage.PROXY_OFFER
        || stage == BootStage.PROXY_ACK || stage == BootStage.DHCP_NAK;
    boolean offersBoot = reply && stage != BootStage.DHCP_NAK;
    return new DhcpStepEvent(mac, stage, XID, stage == BootStage.DHCP_REQUEST ? "10.213.0.121" : null,
        offersBoot && stage != BootStage.PROXY_OFFER ? "10.213.0.121" : null, "10.213.0.1", null,
        "PXEClient:Arch:00000:UNDI:002001", 0, UUID, null, offersBoot ? "pxelinux.0" : null,
        offersBoot ? "10.213.0.1" : null, stage == BootStage.DHCP_NAK ? "requested address not available" : null);
  }

  static TftpTransferEvent tftp(String mac, BootStage stage, String file, long size) {
    boolean failed = stage == BootStage.TFTP_FAILED;
    Map<String, String> options = failed ? Map.of() : Map.of("blksize", "1468", "tsize", Long.toString(size));
    long bytes = stage == BootStage.TFTP_COMPLETED ? size : 0;
    return new TftpTransferEvent(mac, stage, "10.213.0.121", 2070, "tftp-1", file, options, bytes,
        stage == BootStage.TFTP_COMPLETED ? 187 : 0, 0, failed ? 1 : null, failed ? "File not found" : null);
  }

  static HttpFileEvent http(String mac, BootStage stage, String path, int status, long bytes) {
    return new HttpFileEvent(mac, stage, "10.213.0.121", "tftp-1", "GET", path, status, bytes, 934, null);
  }

  static MenuRenderedEvent menu(String mac, MenuSelection selectedBy) {
    return new MenuRenderedEvent(mac, BootStage.MENU_RENDERED, MenuFormat.PXELINUX, menuPath(mac), selectedBy,
        selectedBy == MenuSelection.LOCAL_BOOT ? null : "debian-12-install", null, "0", UUID, 611);
  }

  static dev.pxebus.events.boot.InstalledEvent installed(String mac) {
    return new dev.pxebus.events.boot.InstalledEvent(mac, BootStage.INSTALLED, "debian-12-install", "10.213.0.121");
  }

  static String menuPath(String mac) {
    return "/pxelinux.cfg/01-" + mac.replace(':', '-');
  }

  static LeaseEvent lease(String mac, LeaseState state) {
    return new LeaseEvent(mac, "01:" + mac, "10.213.0.121", state, "10.213.0.0/24", "lab-vm",
        Instant.parse("2025-05-06T08:15:30.124Z"), Instant.parse("2025-05-06T09:15:30.124Z"), "10.213.0.1");
  }

  /**
   * One whole boot as the services publish it, in order: DHCP discover, offer, request, ack; pxelinux.0 over TFTP;
   * pxelinux probing its config by UUID (missing), the menu rendered and fetched; kernel and initrd over HTTP.
   *
   * @param ids makes the envelope id of the n-th step (0-based)
   */
  static List<Envelope<BootStepEvent>> boot(String mac, String attempt, Instant start, Function<Integer, String> ids) {
    List<Envelope<BootStepEvent>> steps = new ArrayList<>();
    Object[][] plan = {
        {0, DHCP, dhcp(mac, BootStage.DHCP_DISCOVER)},
        {12, DHCP, dhcp(mac, BootStage.DHCP_OFFER)},
        {1_013, DHCP, dhcp(mac, BootStage.DHCP_REQUEST)},
        {1_015, DHCP, dhcp(mac, BootStage.DHCP_ACK)},
        {1_120, TFTP, tftp(mac, BootStage.TFTP_STARTED, "pxelinux.0", 42_430)},
        {1_307, TFTP, tftp(mac, BootStage.TFTP_COMPLETED, "pxelinux.0", 42_430)},
        {1_840, TFTP, tftp(mac, BootStage.TFTP_FAILED, "pxelinux.cfg/" + UUID, 0)},
        {1_862, MENU, menu(mac, MenuSelection.HOST)},
        {1_870, TFTP, tftp(mac, BootStage.TFTP_COMPLETED, menuPath(mac).substring(1), 611)},
        {6_807, TFTP, http(mac, BootStage.HTTP_SERVED, "/images/debian-12-amd64/linux", 200, 8_247_232)},
        {9_112, TFTP, http(mac, BootStage.HTTP_SERVED, "/images/debian-12-amd64/initrd.gz", 200, 41_232_384)},
    };
    for (int i = 0; i < plan.length; i++) {
      steps.add(envelope(ids.apply(i), attempt, start.plusMillis((Integer) plan[i][0]), (String) plan[i][1],
          (BootStepEvent) plan[i][2]));
    }
    return steps;
  }
}
