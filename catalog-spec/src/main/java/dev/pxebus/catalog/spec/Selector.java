package dev.pxebus.catalog.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a group selects: a machine matches when it matches every part that is set. Written, as in
 * {@link dev.pxebus.events.catalog.GroupEvent#selector()}, as a flat object of strings:
 *
 * <pre>{
 *   "mac": "52:54:00:12:34:56",     any spelling Mac accepts, normalised
 *   "uuid": "4c4c4544-…",           SMBIOS/option 97 UUID, 8-4-4-4-12 or 32 hex digits, normalised to lower case
 *   "arch": "efi-x86_64",           a {@link ClientArch}, or its option 93 type ("7")
 *   "label.role": "worker"          a label the machine's host entry must have (at most 16)
 * }</pre>
 *
 * The empty selector is the default group's.
 */
public record Selector(String mac, ClientArch arch, String uuid, Map<String, String> labels) {
  public static final Selector NONE = new Selector(null, null, null, Map.of());
  static final String LABEL = "label.";

  public Selector {
    Errors e = new Errors();
    mac = Check.mac(e, "mac", mac, false);
    uuid = Check.uuid(e, "uuid", uuid);
    labels = Check.labels(e, "label", labels, Limits.SELECTOR_LABELS_MAX);
    e.throwIfAny();
  }

  /** From the flat form. @throws ValidationException with paths relative to the selector ({@code label.role}) */
  public static Selector of(Map<String, String> map) {
    if (map == null || map.isEmpty()) return NONE;
    Errors e = new Errors();
    String mac = null;
    String uuid = null;
    ClientArch arch = null;
    Map<String, String> labels = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : map.entrySet()) {
      String key = entry.getKey() == null ? "" : entry.getKey();
      String value = entry.getValue();
      switch (key) {
        case "mac" -> mac = value;
        case "uuid" -> uuid = value;
        case "arch" -> {
          if (Text.stripToNull(value) == null) {
            e.required("arch");
          } else {
            arch = ClientArch.parse(value).orElse(null);
            if (arch == null) {
              e.add("arch", ErrorCode.UNKNOWN_ARCH, Text.quote(value) + " is not a client architecture: bios, "
                  + "efi-ia32, efi-x86_64, efi-arm32, efi-arm64, or a DHCP option 93 type");
            }
          }
        }
        default -> {
          if (key.startsWith(LABEL)) labels.put(key.substring(LABEL.length()), value);
          else e.add(FieldPath.key("", key), ErrorCode.UNKNOWN_FIELD, "unknown selector " + Text.quote(key)
              + "; selectors are mac, uuid, arch and label.<key>");
        }
      }
    }
    if ((map.containsKey("mac") && Text.stripToNull(mac) == null)) e.required("mac");
    if ((map.containsKey("uuid") && Text.stripToNull(uuid) == null)) e.required("uuid");
    String m = mac;
    String u = uuid;
    ClientArch a = arch;
    return e.build(() -> new Selector(m, a, u, labels));
  }

  /** The flat form, as {@link #of} reads it and the group event carries it. */
  public Map<String, String> toMap() {
    Map<String, String> out = new LinkedHashMap<>();
    if (mac != null) out.put("mac", mac);
    if (uuid != null) out.put("uuid", uuid);
    if (arch != null) out.put("arch", arch.wire());
    labels.forEach((k, v) -> out.put(LABEL + k, v));
    return out;
  }

  /** The number of parts set: a group's specificity (see {@link GroupSelector}). */
  public int size() {
    return (mac == null ? 0 : 1) + (uuid == null ? 0 : 1) + (arch == null ? 0 : 1) + labels.size();
  }

  public boolean isEmpty() {
    return size() == 0;
  }

  /** Every part set holds for the machine; a part the machine does not report (no UUID, unknown arch) does not. */
  public boolean matches(Machine machine) {
    if (mac != null && !mac.equals(machine.mac())) return false;
    if (uuid != null && !uuid.equals(machine.uuid())) return false;
    if (arch != null && arch != machine.arch()) return false;
    for (Map.Entry<String, String> l : labels.entrySet()) {
      if (!l.getValue().equals(machine.labels().get(l.getKey()))) return false;
    }
    return true;
  }

  /** {@code mac=52:54:00:12:34:56, arch=efi-x86_64, label.role=worker}, or {@code (none)}. */
  public String describe() {
    if (isEmpty()) return "(none)";
    List<String> parts = new ArrayList<>();
    toMap().forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }
}
