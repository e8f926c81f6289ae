package dev.pxebus.dhcp.server;

import dev.pxebus.dhcp.codec.MessageType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Prometheus counters of dhcp-service: messages by type, drops by reason class, malformed packets. */
public final class DhcpMetrics {
  private final MeterRegistry registry;
  private final Counter malformed;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public DhcpMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.malformed = Counter.builder("pxebus.dhcp.malformed").description("packets that did not decode")
        .register(registry);
  }

  void malformed() {
    malformed.increment();
  }

  void received(MessageType t) {
    counter("pxebus.dhcp.received", "type", t.name()).increment();
  }

  void sent(MessageType t) {
    counter("pxebus.dhcp.sent", "type", t.name()).increment();
  }

  void dropped(String reason) {
    counter("pxebus.dhcp.dropped", "reason", reason).increment();
  }

  public double malformedCount() {
    return malformed.count();
  }

  private Counter counter(String name, String tag, String value) {
    return counters.computeIfAbsent(name + '|' + value,
        k -> Counter.builder(name).tag(tag, value).description(name.replace('.', ' ')).register(registry));
  }
}
