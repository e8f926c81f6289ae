package dev.pxebus.catalog.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pxebus.events.catalog.HostEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A known machine, keyed by its MAC address.
 *
 * <pre>{
 *   "mac": "52-54-00-12-34-56",           required; any spelling {@link dev.pxebus.events.Mac} accepts, normalised to
 *                                         52:54:00:12:34:56
 *   "hostname": "lab-node-1",             optional, RFC 1123, normalised to lower case
 *   "labels": {"rack": "r1"},             optional, at most 32; what label selectors of groups match
 *   "reservedIp": "10.213.0.121",         optional, dotted-quad unicast IPv4, unique among hosts
 *   "profile": "debian-12-install",       optional, the id of a profile: the host's own, before any group
 *   "bootOnce": true                      optional, default false: boot the profile once, then from local disk
 * }</pre>
 */
public record HostSpec(
    String mac, String hostname, Map<String, String> labels, String reservedIp, String profile, boolean bootOnce)
    implements CatalogSpec {

  static final Set<String> FIELDS = Set.of("mac", "hostname", "labels", "reservedIp", "profile", "bootOnce");

  public HostSpec {
    Errors e = new Errors();
    mac = Check.mac(e, "mac", mac, true);
    hostname = Check.hostname(e, "hostname", hostname);
    labels = Check.labels(e, "labels", labels, Limits.LABELS_MAX);
    reservedIp = Check.ipv4(e, "reservedIp", reservedIp);
    profile = Check.id(e, "profile", profile, false);
    e.throwIfAny();
  }

  /** @throws ValidationException with every error found */
  public static HostSpec parse(JsonNode json) {
    Errors e = new Errors();
    Fields f = Fields.of(json, e, FIELDS);
    String mac = f.text("mac");
    String hostname = f.text("hostname");
    Map<String, String> labels = f.strings("labels", Limits.LABELS_MAX);
    String reservedIp = f.text("reservedIp");
    String profile = f.text("profile");
    Boolean bootOnce = f.bool("bootOnce");
    return e.build(() -> new HostSpec(mac, hostname, labels, reservedIp, profile, Boolean.TRUE.equals(bootOnce)));
  }

  @Override
  public EntityKind kind() {
    return EntityKind.HOST;
  }

  @Override
  public String key() {
    return mac;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("mac", mac);
    if (hostname != null) o.put("hostname", hostname);
    ObjectNode l = o.putObject("labels");
    labels.forEach(l::put);
    if (reservedIp != null) o.put("reservedIp", reservedIp);
    if (profile != null) o.put("profile", profile);
    o.put("bootOnce", bootOnce);
    return o;
  }

  @Override
  public HostEvent toEvent(long revision, Instant updated) {
    return new HostEvent(mac, hostname, labels, reservedIp, profile, bootOnce, revision, updated);
  }

  /** @throws ValidationException when the event does not hold a valid host */
  public static HostSpec fromEvent(HostEvent event) {
    if (event == null) throw ValidationException.of("", ErrorCode.REQUIRED, "the host event is missing");
    return new HostSpec(event.mac(), event.hostname(), event.labels(), event.reservedIp(), event.profile(),
        event.bootOnce());
  }
}
