package dev.pxebus.catalog.timeline;

import static dev.pxebus.catalog.timeline.TimelineFixtures.MAC;
import static dev.pxebus.catalog.timeline.TimelineFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.events.lease.LeaseState;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The exact JSON of a timeline and of a status, key order included: the documents of
 * {@code GET /hosts/{mac}/timeline} and {@code GET /hosts/{mac}}. On a change, the failure prints the new text.
 */
class TimelineJsonTest {
  private static final String ATTEMPT_1 = "3f1c9a7e-2b64-4d0a-9e51-7a8c2d4b6f10";
  private static final String ATTEMPT_2 = "5b7d1e3a-8c2f-4a6b-9d0e-1f3a5c7e9b20";

  private static Timelines twoBoots() {
    Timelines t = new Timelines();
    t.apply(TimelineFixtures.envelope("d4b2c8e0-7a1f-4c3d-8e5b-2f9a6c0d1e01", ATTEMPT_1, T0, TimelineFixtures.DHCP,
        TimelineFixtures.dhcp(MAC, BootStage.DHCP_ACK)), 2, 118);
    t.apply(TimelineFixtures.envelope("e7c3a1f9-4b2d-4e6a-8c0f-3d5b7a9c1e01", ATTEMPT_1, T0.plusMillis(412),
        TimelineFixtures.TFTP, TimelineFixtures.tftp(MAC, BootStage.TFTP_COMPLETED, "pxelinux.0", 42_430)), 2, 119);
    t.apply(TimelineFixtures.envelope("f2a8d6c4-9e1b-4f3a-a7d5-6c8e0b2a4d01", ATTEMPT_1, T0.plusMillis(1_206),
        TimelineFixtures.MENU, TimelineFixtures.menu(MAC, MenuSelection.HOST)), 2, 120);
    t.apply(TimelineFixtures.envelope("e7c3a1f9-4b2d-4e6a-8c0f-3d5b7a9c1e02", ATTEMPT_1, T0.plusMillis(5_873),
        TimelineFixtures.TFTP, TimelineFixtures.http(MAC, BootStage.HTTP_SERVED, "/images/debian-12-amd64/linux", 200,
            8_247_232)), 2, 121);
    t.apply(TimelineFixtures.envelope("d4b2c8e0-7a1f-4c3d-8e5b-2f9a6c0d1e02", ATTEMPT_2, T0.plusSeconds(300),
        TimelineFixtures.DHCP, TimelineFixtures.dhcp(MAC, BootStage.DHCP_DISCOVER)), 2, 122);
    t.applyLease(MAC, TimelineFixtures.lease(MAC, LeaseState.BOUND));
    return t;
  }

  private static void assertJson(String expected, JsonObject actual) {
    assertEquals(new JsonObject(expected).encodePrettily(), actual.encodePrettily());
  }

  @Test
  void timeline() {
    assertJson("""
        {
          "mac": "52:54:00:12:34:56",
          "attempts": [
            {
              "bootAttemptId": "5b7d1e3a-8c2f-4a6b-9d0e-1f3a5c7e9b20",
              "started": "2025-05-06T08:20:30.123456Z",
              "ended": "2025-05-06T08:20:30.123456Z",
              "outcome": "in-progress",
              "steps": [
                {
                  "id": "d4b2c8e0-7a1f-4c3d-8e5b-2f9a6c0d1e02",
                  "time": "2025-05-06T08:20:30.123456Z",
                  "stage": "DHCP_DISCOVER",
                  "source": "/pxebus/dhcp-service/lab-1",
                  "xid": 953657926,
                  "serverIp": "10.213.0.1",
                  "vendorClass": "PXEClient:Arch:00000:UNDI:002001",
                  "clientArch": 0,
                  "uuid": "8d4e2f6a-1b3c-4a5d-9e7f-0c1b2a3d4e5f"
                }
              ],
              "droppedSteps": 0
            },
            {
              "bootAttemptId": "3f1c9a7e-2b64-4d0a-9e51-7a8c2d4b6f10",
              "started": "2025-05-06T08:15:30.123456Z",
              "ended": "2025-05-06T08:15:35.996456Z",
              "outcome": "completed",
              "steps": [
                {
                  "id": "d4b2c8e0-7a1f-4c3d-8e5b-2f9a6c0d1e01",
                  "time": "2025-05-06T08:15:30.123456Z",
                  "stage": "DHCP_ACK",
                  "source": "/pxebus/dhcp-service/lab-1",
                  "xid": 953657926,
                  "yourIp": "10.213.0.121",
                  "serverIp": "10.213.0.1",
                  "vendorClass": "PXEClient:Arch:00000:UNDI:002001",
                  "clientArch": 0,
                  "uuid": "8d4e2f6a-1b3c-4a5d-9e7f-0c1b2a3d4e5f",
                  "bootFile": "pxelinux.0",
                  "nextServer": "10.213.0.1"
                },
                {
                  "id": "e7c3a1f9-4b2d-4e6a-8c0f-3d5b7a9c1e01",
                  "time": "2025-05-06T08:15:30.535456Z",
                  "stage": "TFTP_COMPLETED",
                  "source": "/pxebus/tftp-service/tftp-1",
                  "clientIp": "10.213.0.121",
                  "clientPort": 2070,
                  "replicaId": "tftp-1",
                  "file": "pxelinux.0",
                  "options": {"blksize": "1468", "tsize": "42430"},
                  "bytes": 42430,
                  "durationMs": 187,
                  "retransmissions": 0
                },
                {
                  "id": "f2a8d6c4-9e1b-4f3a-a7d5-6c8e0b2a4d01",
                  "time": "2025-05-06T08:15:31.329456Z",
                  "stage": "MENU_RENDERED",
                  "source": "/pxebus/menu-service/lab-1",
                  "format": "PXELINUX",
                  "path": "/pxelinux.cfg/01-52-54-00-12-34-56",
                  "selectedBy": "HOST",
                  "profile": "debian-12-install",
                  "arch": "0",
                  "uuid": "8d4e2f6a-1b3c-4a5d-9e7f-0c1b2a3d4e5f",
                  "bytes": 611
                },
                {
                  "id": "e7c3a1f9-4b2d-4e6a-8c0f-3d5b7a9c1e02",
                  "time": "2025-05-06T08:15:35.996456Z",
                  "stage": "HTTP_SERVED",
                  "source": "/pxebus/tftp-service/tftp-1",
                  "clientIp": "10.213.0.121",
                  "replicaId": "tftp-1",
                  "method": "GET",
                  "path": "/images/debian-12-amd64/linux",
                  "status": 200,
                  "bytes": 8247232,
                  "durationMs": 934
                }
              ],
              "droppedSteps": 0
            }
          ]
        }
        """, twoBoots().timelineJson(MAC, 10).orElseThrow());
  }

  @Test
  void status() {
    assertJson("""
        {
          "mac": "52:54:00:12:34:56",
          "lastSeen": "2025-05-06T08:20:30.123456Z",
          "lastStage": "DHCP_DISCOVER",
          "lastBootAttempt": "5b7d1e3a-8c2f-4a6b-9d0e-1f3a5c7e9b20",
          "lastLease": {
            "ip": "10.213.0.121",
            "state": "BOUND",
            "clientId": "01:52:54:00:12:34:56",
            "subnet": "10.213.0.0/24",
            "hostname": "lab-vm",
            "start": "2025-05-06T08:15:30.124Z",
            "expires": "2025-05-06T09:15:30.124Z",
            "server": "10.213.0.1"
          },
          "attempts": 2,
          "installed": []
        }
        """, twoBoots().statusJson(MAC).orElseThrow());
  }

  @Test
  void statusListsTheInstallationsNewestFirst() {
    Timelines t = twoBoots();
    t.apply(TimelineFixtures.envelope("a3b5c7d9-1e2f-4a6b-8c0d-2e4f6a8b0c01", ATTEMPT_1, T0.plusSeconds(60),
        TimelineFixtures.MENU, TimelineFixtures.installed(MAC)), 0, 100);
    t.apply(TimelineFixtures.envelope("a3b5c7d9-1e2f-4a6b-8c0d-2e4f6a8b0c02", ATTEMPT_2, T0.plusSeconds(600),
        TimelineFixtures.MENU, TimelineFixtures.installed(MAC)), 0, 101);
    var installed = t.statusJson(MAC).orElseThrow().getJsonArray("installed");
    assertEquals(2, installed.size());
    assertEquals(T0.plusSeconds(600).toString(), installed.getJsonObject(0).getString("time"));
    assertEquals("debian-12-install", installed.getJsonObject(1).getString("profile"));
    assertEquals("completed", t.timelineJson(MAC, 10).orElseThrow().getJsonArray("attempts").getJsonObject(0)
        .getString("outcome"), "an attempt that reported its installation completed");
  }

  @Test
  void statusWithoutALease() {
    Timelines t = new Timelines();
    t.apply(TimelineFixtures.envelope("d4b2c8e0-7a1f-4c3d-8e5b-2f9a6c0d1e02", ATTEMPT_2, T0, TimelineFixtures.DHCP,
        TimelineFixtures.dhcp(MAC, BootStage.DHCP_DISCOVER)), 0, 0);
    assertJson("""
        {
          "mac": "52:54:00:12:34:56",
          "lastSeen": "2025-05-06T08:15:30.123456Z",
          "lastStage": "DHCP_DISCOVER",
          "lastBootAttempt": "5b7d1e3a-8c2f-4a6b-9d0e-1f3a5c7e9b20",
          "lastLease": null,
          "attempts": 1,
          "installed": []
        }
        """, t.statusJson(MAC).orElseThrow());
  }
}
