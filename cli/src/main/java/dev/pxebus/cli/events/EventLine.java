package dev.pxebus.cli.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pxebus.events.Envelope;
import dev.pxebus.events.EventCodec;
import dev.pxebus.events.PxebusEvent;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.HttpFileEvent;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.lease.LeaseEvent;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One event as one line of {@code pxebus events follow}. Pure.
 *
 * <p>Human form, columns separated by two spaces:
 * <pre>
 * 2026-12-01T09:00:00.123Z  52:54:00:12:34:56  3f2a91c0  DHCP_DISCOVER   xid=0x0000002a vendorClass=PXEClient:… arch=7
 * </pre>
 * time (UTC, milliseconds), MAC, the first {@value #ATTEMPT_CHARS} characters of the boot-attempt id ({@code -} when
 * there is none, e.g. a lease), the stage (a lease shows as {@code LEASE_<state>}), then the stage's details as
 * {@code name=value}, absent values left out and values with blanks quoted.
 */
public final class EventLine {
  /** Characters of the boot-attempt id shown: enough to tell the attempts of one machine apart. */
  public static final int ATTEMPT_CHARS = 8;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  /** Wide enough for the longest stage, {@code TFTP_COMPLETED}, and lease state, {@code LEASE_DECLINED}. */
  private static final int STAGE_WIDTH = 14;

  private EventLine() {}

  /** The human-readable line of a decoded event. */
  public static String human(Envelope<? extends PxebusEvent> e) {
    String attempt = e.bootAttemptId() == null || e.bootAttemptId().isEmpty() ? "-"
        : e.bootAttemptId().substring(0, Math.min(ATTEMPT_CHARS, e.bootAttemptId().length()));
    StringBuilder b = new StringBuilder(160);
    b.append(TIME.format(e.time())).append("  ").append(pad(e.subject(), 17)).append("  ")
        .append(pad(attempt, ATTEMPT_CHARS)).append("  ");
    String stage;
    Details d = new Details();
    PxebusEvent data = e.data();
    if (data instanceof DhcpStepEvent s) {
      stage = s.stage().name();
      d.add("xid", String.format("0x%08x", s.xid())).add("clientIp", s.clientIp()).add("yourIp", s.yourIp())
          .add("server", s.serverIp()).add("relay", s.relay()).add("vendorClass", s.vendorClass())
          .add("arch", s.clientArch()).add("uuid", s.uuid()).add("userClass", s.userClass())
          .add("bootFile", s.bootFile()).add("nextServer", s.nextServer()).add("reason", s.reason());
    } else if (data instanceof TftpTransferEvent s) {
      stage = s.stage().name();
      d.add("file", s.file()).add("client", s.clientIp() == null ? null : s.clientIp() + ":" + s.clientPort())
          .add("replica", s.replicaId()).add("bytes", s.bytes()).add("ms", s.durationMs());
      if (s.retransmissions() > 0) d.add("retransmissions", s.retransmissions());
      new TreeMap<>(s.options()).forEach(d::add);
      d.add("errorCode", s.errorCode()).add("error", s.error());
    } else if (data instanceof HttpFileEvent s) {
      stage = s.stage().name();
      d.add("method", s.method()).add("path", s.path()).add("status", s.status()).add("bytes", s.bytes())
          .add("ms", s.durationMs()).add("range", s.range()).add("client", s.clientIp()).add("replica", s.replicaId());
    } else if (data instanceof MenuRenderedEvent s) {
      stage = s.stage().name();
      d.add("format", s.format()).add("path", s.path()).add("selectedBy", s.selectedBy())
          .add("profile", s.profile()).add("group", s.group()).add("arch", s.arch()).add("uuid", s.uuid())
          .add("bytes", s.bytes());
    } else if (data instanceof dev.pxebus.events.boot.InstalledEvent s) {
      stage = s.stage().name();
      d.add("profile", s.profile()).add("client", s.clientIp());
    } else if (data instanceof LeaseEvent s) {
      stage = "LEASE_" + s.state().name();
      d.add("ip", s.ip()).add("hostname", s.hostname()).add("subnet", s.subnet()).add("clientId", s.clientId())
          .add("start", s.start()).add("expires", s.expires()).add("server", s.server());
    } else {
      // Not a machine event: the follow command never reads such topics, but show it rather than fail.
      stage = e.type().name();
      d.add("type", e.type().type());
    }
    b.append(d.isEmpty() ? stage : pad(stage, STAGE_WIDTH)).append(d.isEmpty() ? "" : "  " + d);
    return b.toString();
  }

  /**
   * The record value (the CloudEvent as encoded) as one line of JSON: re-serialised compactly, so that a writer
   * that pretty-printed it still yields one object per line.
   *
   * @throws IllegalArgumentException if the value is not JSON (a decoded event always is)
   */
  public static String json(byte[] value) {
    try {
      JsonNode node = EventCodec.get().mapper().readTree(value);
      return EventCodec.get().mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  /** {@code name=value} pairs, in the order added, skipping absent values. */
  private static final class Details {
    private final StringJoiner out = new StringJoiner(" ");
    private boolean empty = true;

    Details add(String name, Object value) {
      if (value == null) return this;
      String v = value.toString();
      out.add(name + "=" + quote(v));
      empty = false;
      return this;
    }

    boolean isEmpty() {
      return empty;
    }

    @Override
    public String toString() {
      return out.toString();
    }

    /** Quoted when a reader splitting on blanks would get it wrong: blanks, quotes, or nothing at all. */
    static String quote(String v) {
      boolean plain = !v.isEmpty();
      for (int i = 0; i < v.length() && plain; i++) {
        char c = v.charAt(i);
        if (Character.isWhitespace(c) || c == '"' || c == '\\' || Character.isISOControl(c)) plain = false;
      }
      if (plain) return v;
      StringBuilder b = new StringBuilder(v.length() + 2).append('"');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        switch (c) {
          case '"', '\\' -> b.append('\\').append(c);
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (Character.isISOControl(c)) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
          }
        }
      }
      return b.append('"').toString();
    }
  }

  /** For tests: quoting as applied to detail values. */
  static String quote(String v) {
    return Details.quote(v);
  }
}
