package dev.pxebus.dhcp.server;

import dev.pxebus.dhcp.codec.MessageType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Prometheus counters of dhcp-service: messages by type, drops by reason class, malformed packets. */
public final class DhcpMetrics {
  private final MeterRegistry registry;
  private final Counter malformed;
  // Looked up for every packet: keyed by the enum, no name built per call. Only the DHCP verticle's event loop
  // touches these two.
  private final Map<MessageType, Counter> received = new EnumMap<>(MessageType.class);
  private final Map<MessageType, Counter> sent = new EnumMap<>(MessageType.class);
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();

  public DhcpMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.malformed = Counter.builder("pxebus.dhcp.malformed").description("packets that did not decode")
        .register(registry);
  }

  void malformed() {
    malformed.increment();
  }

  void received(MessageType t) {
    received.computeIfAbsent(t, x -> Counter.builder("pxebus.dhcp.received").tag("type", x.name())
        .description("DHCP messages received, by type").register(registry)).increment();
  }

  void sent(MessageType t) {
    sent.computeIfAbsent(t, x -> Counter.builder("pxebus.dhcp.sent").tag("type", x.name())
        .description("DHCP messages sent, by type").register(registry)).increment();
  }

  void dropped(String reason) {
    dropped.computeIfAbsent(reason, r -> Counter.builder("pxebus.dhcp.dropped").tag("reason", r)
        .description("requests answered with silence, by reason").register(registry)).increment();
  }

  public double malformedCount() {
    return malformed.count();
  }
}
