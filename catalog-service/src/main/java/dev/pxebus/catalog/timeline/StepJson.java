package dev.pxebus.catalog.timeline;

import dev.pxebus.events.boot.BootStepEvent;
import dev.pxebus.events.boot.DhcpStepEvent;
import dev.pxebus.events.boot.HttpFileEvent;
import dev.pxebus.events.boot.InstalledEvent;
import dev.pxebus.events.boot.MenuRenderedEvent;
import dev.pxebus.events.boot.TftpTransferEvent;
import dev.pxebus.events.lease.LeaseEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.TreeMap;

/**
 * A step of a timeline as JSON: the envelope id (to find the event on the topic), when, what and who said so, then the fields of the record that carried it under
 * the record's own names (as on the topic, without the MAC and stage already given). Null fields are left out,
 * like the event codec does.
 */
final class StepJson {
  private StepJson() {}

  static JsonObject of(Timelines.Step s) {
    JsonObject j = new JsonObject()
        .put("id", s.id())
        .put("time", s.time().toString())
        .put("stage", s.data().stage().name())
        .put("source", s.source());
    if (s.attemptInferred()) j.put("attemptInferred", true);
    details(j, s.data());
    return j;
  }

  private static void details(JsonObject j, BootStepEvent e) {
    if (e instanceof DhcpStepEvent d) {
      j.put("xid", d.xid());
      opt(j, "clientIp", d.clientIp());
      opt(j, "yourIp", d.yourIp());
      opt(j, "serverIp", d.serverIp());
      opt(j, "relay", d.relay());
      opt(j, "vendorClass", d.vendorClass());
      opt(j, "clientArch", d.clientArch());
      opt(j, "uuid", d.uuid());
      opt(j, "userClass", d.userClass());
      opt(j, "bootFile", d.bootFile());
      opt(j, "nextServer", d.nextServer());
      opt(j, "reason", d.reason());
    } else if (e instanceof TftpTransferEvent t) {
      opt(j, "clientIp", t.clientIp());
      j.put("clientPort", t.clientPort());
      opt(j, "replicaId", t.replicaId());
      opt(j, "file", t.file());
      // Sorted: the record holds an immutable map whose iteration order changes from one JVM to the next.
      if (!t.options().isEmpty()) j.put("options", new JsonObject(new TreeMap<String, Object>(t.options())));
      j.put("bytes", t.bytes());
      j.put("durationMs", t.durationMs());
      j.put("retransmissions", t.retransmissions());
      opt(j, "errorCode", t.errorCode());
      opt(j, "error", t.error());
    } else if (e instanceof HttpFileEvent h) {
      opt(j, "clientIp", h.clientIp());
      opt(j, "replicaId", h.replicaId());
      opt(j, "method", h.method());
      opt(j, "path", h.path());
      j.put("status", h.status());
      j.put("bytes", h.bytes());
      j.put("durationMs", h.durationMs());
      opt(j, "range", h.range());
    } else if (e instanceof MenuRenderedEvent m) {
      j.put("format", m.format().name());
      opt(j, "path", m.path());
      opt(j, "selectedBy", m.selectedBy() == null ? null : m.selectedBy().name());
      opt(j, "profile", m.profile());
      opt(j, "group", m.group());
      opt(j, "arch", m.arch());
      opt(j, "uuid", m.uuid());
      j.put("bytes", m.bytes());
    } else if (e instanceof InstalledEvent i) {
      opt(j, "profile", i.profile());
      opt(j, "clientIp", i.clientIp());
    }
  }

  static JsonObject lease(LeaseEvent l) {
    JsonObject j = new JsonObject();
    opt(j, "ip", l.ip());
    j.put("state", l.state().name());
    opt(j, "clientId", l.clientId());
    opt(j, "subnet", l.subnet());
    opt(j, "hostname", l.hostname());
    opt(j, "start", text(l.start()));
    opt(j, "expires", text(l.expires()));
    opt(j, "server", l.server());
    return j;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static void opt(JsonObject j, String key, Object value) {
    if (value != null) j.put(key, value);
  }
}
