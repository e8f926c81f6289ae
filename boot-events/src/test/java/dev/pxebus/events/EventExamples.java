package dev.pxebus.events;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.HttpFileEvent;
import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.events.boot.InstalledEvent;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.MenuSelection;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.catalog.Artifact;
import dev.pxebus.events.catalog.GroupEvent;
import dev.pxebus.events.catalog.HostEvent;
import dev.pxebus.events.catalog.ImageEvent;
import dev.pxebus.events.catalog.ProfileEvent;
import dev.pxebus.events.lease.LeaseEvent;
import dev.pxebus.events.lease.LeaseState;
import dev.pxebus.events.install.InstallState;
import dev.pxebus.events.replica.TftpReplicaEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One realistic, fully fixed example of every {@link EventType}, in its envelope: the boot of one BIOS machine
 * (52:54:00:12:34:56, qemu with its iPXE NIC ROM acting as a PXE 2.1 ROM, values as in
 * {@code shared/captures/bios-pxelinux.txt}) on the lab subnet 10.213.0.0/24, plus the catalog entries that boot
 * it. The HTTP example is the kernel fetch of that attempt as an HTTP-capable loader (lpxelinux.0, iPXE) makes it.
 * The same instances are the examples in {@code docs/events.md}; {@code EventsDocTest} keeps the two equal.
 */
public final class EventExamples {
  public static final String MAC = "52:54:00:12:34:56";
  public static final String BOOT_ATTEMPT = "3f1c9a7e-2b64-4d0a-9e51-7a8c2d4b6f10";
  /** Option 97 as the ROM sends it when qemu runs with {@code -uuid}. */
  public static final String UUID = "8d4e2f6a-1b3c-4a5d-9e7f-0c1b2a3d4e5f";
  public static final String CATALOG_SOURCE = "/pxebus/catalog-service/lab-1";
  public static final String DHCP_SOURCE = "/pxebus/dhcp-service/lab-1";
  public static final String TFTP_SOURCE = "/pxebus/tftp-service/tftp-1";
  public static final String MENU_SOURCE = "/pxebus/menu-service/lab-1";
  public static final String KERNEL_SHA256 = "9f2c4b7e1a0d3f8c6b5e2d1a4c7f0e3b8a6d9c2f5e1b4a7d0c3f6e9b2a5d8c1f";
  public static final String INITRD_SHA256 = "1e7a3c9f5b2d8e4a6c0f3b9d7e1a5c2f8b4d6e0a3c9f7b1d5e2a8c4f6b0d3e9a";

  /** When the catalog entries were last changed. */
  public static final Instant CATALOG_TIME = Instant.parse("2025-05-06T07:58:12.482913Z");
  /** When the ACK went out; the other boot steps follow it. */
  public static final Instant BOOT_TIME = Instant.parse("2025-05-06T08:15:30.123456Z");

  private static final Map<EventType, Envelope<?>> EXAMPLES = build();

  private EventExamples() {}

  /** The example of a type, if there is one (a missing one is a test failure, see EventCodecRoundTripTest). */
  public static Optional<Envelope<?>> find(EventType type) {
    return Optional.ofNullable(EXAMPLES.get(type));
  }

  /** The example of a type. */
  public static Envelope<?> of(EventType type) {
    return find(type).orElseThrow(() -> new AssertionError("EventExamples has no example of " + type));
  }

  /** Every example, in {@link EventType} order. */
  public static Map<EventType, Envelope<?>> all() {
    return EXAMPLES;
  }

  /** The example as it travels on the wire. */
  public static byte[] encoded(EventType type) {
    return EventCodec.get().encode(of(type));
  }

  /** The encoded example as a JSON tree, for wire-shape assertions and for building malformed variants. */
  public static JsonNode tree(EventType type) {
    try {
      return new ObjectMapper().readTree(encoded(type));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The encoded envelope pretty-printed, as it appears in docs/events.md. */
  public static String prettyJson(Envelope<?> envelope) {
    try {
      ObjectMapper plain = new ObjectMapper();
      DefaultIndenter lf = new DefaultIndenter("  ", "\n");
      DefaultPrettyPrinter pretty = new DefaultPrettyPrinter(
          Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
          .withObjectIndenter(lf).withArrayIndenter(lf);
      return plain.writer(pretty).writeValueAsString(plain.readTree(EventCodec.get().encode(envelope)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<EventType, Envelope<?>> build() {
    Map<EventType, Envelope<?>> m = new EnumMap<>(EventType.class);
    Artifact kernel = new Artifact("linux", KERNEL_SHA256, 8_247_232);
    Artifact initrd = new Artifact("initrd.gz", INITRD_SHA256, 41_232_384);

    m.put(EventType.IMAGE, catalog("c1a0e6d2-5f3b-4e8a-9d71-0b2c4e6f8a01", CATALOG_TIME,
        new ImageEvent("debian-12-amd64", "Debian 12 netboot installer", "12.10", "amd64", kernel, List.of(initrd),
            "priority=critical auto=true url=http://10.213.0.1:8080/preseed/debian-12.cfg",
            Map.of("os", "debian"), 3, CATALOG_TIME)));
    m.put(EventType.PROFILE, catalog("c1a0e6d2-5f3b-4e8a-9d71-0b2c4e6f8a02", CATALOG_TIME,
        new ProfileEvent("debian-12-install", "debian-12-amd64", "console=ttyS0,115200n8",
            "Install Debian 12 (unattended)", 2, CATALOG_TIME)));
    m.put(EventType.HOST, catalog("c1a0e6d2-5f3b-4e8a-9d71-0b2c4e6f8a03", CATALOG_TIME,
        new HostEvent(MAC, "lab-node-1", Map.of("rack", "r1", "role", "worker"), "10.213.0.121",
            "debian-12-install", true, 5, CATALOG_TIME)));
    m.put(EventType.GROUP, catalog("c1a0e6d2-5f3b-4e8a-9d71-0b2c4e6f8a04", CATALOG_TIME,
        new GroupEvent("uefi-workers", "UEFI workers", "debian-12-install",
            Map.of("arch", "7", "label.role", "worker"), 1, CATALOG_TIME)));

    m.put(EventType.LEASE, new Envelope<>("d4b2c8e0-7a1f-4c3d-8e5b-2f9a6c0d1e01", DHCP_SOURCE, EventType.LEASE,
        BOOT_TIME, MAC, null, Envelope.SCHEMA_VERSION,
        new LeaseEvent(MAC, "01:52:54:00:12:34:56", "10.213.0.121", LeaseState.BOUND, "10.213.0.0/24", "lab-node-1",
            BOOT_TIME, BOOT_TIME.plusSeconds(3600), "10.213.0.1")));

    m.put(EventType.DHCP_STEP, step("d4b2c8e0-7a1f-4c3d-8e5b-2f9a6c0d1e02", DHCP_SOURCE, BOOT_TIME,
        new DhcpStepEvent(MAC, BootStage.DHCP_ACK, 0x38d7aa46L, null, "10.213.0.121", "10.213.0.1", null,
            "PXEClient:Arch:00000:UNDI:002001", 0, UUID, null, "pxelinux.0", "10.213.0.1", null)));
    m.put(EventType.TFTP_TRANSFER, step("e7c3a1f9-4b2d-4e6a-8c0f-3d5b7a9c1e01", TFTP_SOURCE,
        BOOT_TIME.plusMillis(412),
        new TftpTransferEvent(MAC, BootStage.TFTP_COMPLETED, "10.213.0.121", 2070, "tftp-1", "pxelinux.0",
            Map.of("blksize", "1468", "tsize", "42430"), 42_430, 187, 0, null, null)));
    m.put(EventType.MENU_RENDERED, step("f2a8d6c4-9e1b-4f3a-a7d5-6c8e0b2a4d01", MENU_SOURCE,
        BOOT_TIME.plusMillis(1_206),
        new MenuRenderedEvent(MAC, BootStage.MENU_RENDERED, MenuFormat.PXELINUX,
            "/pxelinux.cfg/01-52-54-00-12-34-56", MenuSelection.HOST, "debian-12-install", null, "0", UUID, 611)));
    m.put(EventType.INSTALLED, step("a3b5c7d9-1e2f-4a6b-8c0d-2e4f6a8b0c01", MENU_SOURCE,
        BOOT_TIME.plusSeconds(412), new InstalledEvent(MAC, BootStage.INSTALLED, "debian-12-install", "10.213.0.121")));
    m.put(EventType.INSTALL_STATE, new Envelope<>("a3b5c7d9-1e2f-4a6b-8c0d-2e4f6a8b0c02", MENU_SOURCE,
        EventType.INSTALL_STATE, BOOT_TIME.plusSeconds(412), MAC, null, Envelope.SCHEMA_VERSION,
        new InstallState(MAC, BOOT_TIME.plusSeconds(412), "debian-12-install", "10.213.0.121")));
    m.put(EventType.HTTP_FILE, step("e7c3a1f9-4b2d-4e6a-8c0f-3d5b7a9c1e02", TFTP_SOURCE,
        BOOT_TIME.plusMillis(5_873),
        new HttpFileEvent(MAC, BootStage.HTTP_SERVED, "10.213.0.121", "tftp-1", "GET",
            "/images/debian-12-amd64/linux", 200, 8_247_232, 934, null)));

    m.put(EventType.TFTP_REPLICA, new Envelope<>("e7c3a1f9-4b2d-4e6a-8c0f-3d5b7a9c1e03", TFTP_SOURCE,
        EventType.TFTP_REPLICA, BOOT_TIME.plusSeconds(2), "tftp-1", null, Envelope.SCHEMA_VERSION,
        new TftpReplicaEvent("tftp-1", "lab-1", "10.213.0.1", 69, "http://10.213.0.1:8080", 3, 1_250_000, false,
            BOOT_TIME.plusSeconds(2))));
    return m;
  }

  private static <T extends PxebusEvent> Envelope<T> catalog(String id, Instant time, T data) {
    return new Envelope<>(id, CATALOG_SOURCE, EventType.of(data), time, data.key(), null, Envelope.SCHEMA_VERSION,
        data);
  }

  private static <T extends PxebusEvent> Envelope<T> step(String id, String source, Instant time, T data) {
    return new Envelope<>(id, source, EventType.of(data), time, data.key(), BOOT_ATTEMPT, Envelope.SCHEMA_VERSION,
        data);
  }
}
