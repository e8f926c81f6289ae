package dev.pxebus.tftp.server;

import dev.pxebus.tftp.codec.ErrorCode;
import dev.pxebus.tftp.transfer.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus metrics of the TFTP server, shared by its event-loop instances: active transfers, bytes, transfers by
 * outcome, errors by code and direction, retransmissions, malformed packets.
 */
public final class TftpServerMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger active = new AtomicInteger();
  private final LongAdder bytesTotal = new LongAdder();
  private final Counter bytes;
  private final Counter retransmissions;
  private final Counter malformed;
  private final Counter spurious;
  private final Map<String, Counter> byKey = new ConcurrentHashMap<>();

  public TftpServerMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("pxebus.tftp.transfers.active", active, AtomicInteger::get)
        .description("TFTP transfers under way").register(registry);
    bytes = Counter.builder("pxebus.tftp.bytes").description("TFTP payload bytes sent (first sends only)")
        .baseUnit("bytes").register(registry);
    retransmissions = Counter.builder("pxebus.tftp.retransmissions")
        .description("TFTP packets sent again (timeout or window rollback)").register(registry);
    malformed = Counter.builder("pxebus.tftp.packets.malformed")
        .description("TFTP packets that did not decode; logged at debug and dropped").register(registry);
    spurious = Counter.builder("pxebus.tftp.timeouts.spurious")
        .description("TFTP timeouts whose resent block had arrived (the client answered both copies); "
            + "the timer learns the longer round trip from each").register(registry);
  }

  void started() {
    active.incrementAndGet();
  }

  void ended(Outcome outcome) {
    active.decrementAndGet();
    counter("pxebus.tftp.transfers", "outcome", outcome.kind().name().toLowerCase(), "TFTP transfers by outcome")
        .increment();
  }

  void refused(ErrorCode code) {
    counter("pxebus.tftp.transfers", "outcome", "refused", "TFTP transfers by outcome").increment();
    errorSent(code);
  }

  void bytes(long n) {
    bytes.increment(n);
    bytesTotal.add(n);
  }

  void retransmission() {
    retransmissions.increment();
  }

  void malformed() {
    malformed.increment();
  }

  /** Timeouts of a finished transfer that proved spurious: its client answered the block twice, so both arrived. */
  void spuriousTimeouts(int n) {
    if (n > 0) {
      spurious.increment(n);
    }
  }

  /** A read request repeated after its transfer had completed: ignored (see TftpServerVerticle#recent). */
  void lateRepeat() {
    counter("pxebus.tftp.requests.ignored", "reason", "late-repeat",
        "read requests ignored: repeats of a request whose transfer had completed").increment();
  }

  /** A window handed to the kernel as one UDP GSO send ({@code refused}: the kernel would not, see TransferDriver). */
  void segmentedSend(boolean refused) {
    counter("pxebus.tftp.segmented.sends", "outcome", refused ? "refused" : "sent",
        "windows of DATA handed to the kernel as one UDP GSO send, by outcome").increment();
  }

  void errorSent(ErrorCode code) {
    counter("pxebus.tftp.errors", "code", code.name(), "TFTP ERROR packets by code and direction", "direction",
        "sent").increment();
  }

  void errorReceived(ErrorCode code) {
    counter("pxebus.tftp.errors", "code", code.name(), "TFTP ERROR packets by code and direction", "direction",
        "received").increment();
  }

  /** Transfers under way now. */
  public int active() {
    return active.get();
  }

  /** Payload bytes sent since start (first sends), for the replica's bytes-per-second. */
  public long bytesSent() {
    return bytesTotal.sum();
  }

  private Counter counter(String name, String tag, String value, String description, String... more) {
    String key = name + '|' + tag + '=' + value + '|' + String.join(",", more);
    return byKey.computeIfAbsent(key, k -> Counter.builder(name).tag(tag, value).tags(more)
        .description(description).register(registry));
  }
}
