package dev.pxebus.catalog.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pxebus.events.catalog.Artifact;
import dev.pxebus.events.catalog.ImageEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A boot image: a kernel and its initrds (each named and pinned by SHA-256), the architecture it runs on and its
 * base kernel command line.
 *
 * <pre>{
 *   "id": "debian-12-amd64",            required, {@code [a-z0-9][a-z0-9._-]{0,62}}
 *   "name": "Debian 12 netboot",        display text, at most 128; defaults to the id
 *   "version": "12.10",                 optional, {@code [A-Za-z0-9][A-Za-z0-9._+~:-]*}, at most 64
 *   "arch": "x86_64",                   required, a {@link CpuArch} (aliases such as amd64 normalise)
 *   "kernel": {artifact},               required, an {@link ArtifactSpec}
 *   "initrds": [{artifact}, …],         optional, at most 16, in load order
 *   "cmdline": "priority=critical",     optional, printable ASCII, at most 2047
 *   "labels": {"os": "debian"}          optional, at most 32
 * }</pre>
 *
 * File names are unique within an image (they share {@code /images/<id>/}).
 */
public record ImageSpec(
    String id,
    String name,
    String version,
    CpuArch arch,
    ArtifactSpec kernel,
    List<ArtifactSpec> initrds,
    String cmdline,
    Map<String, String> labels) implements CatalogSpec {

  static final Set<String> FIELDS = Set.of("id", "name", "version", "arch", "kernel", "initrds", "cmdline", "labels");

  public ImageSpec {
    Errors e = new Errors();
    id = Check.id(e, "id", id, true);
    name = Check.text(e, "name", name, Limits.NAME_MAX);
    if (name == null && !e.covers("name")) name = id;
    version = Check.version(e, "version", version);
    if (arch == null) e.required("arch");
    if (kernel == null) e.required("kernel");
    initrds = initrds(e, kernel, initrds);
    cmdline = Check.cmdline(e, "cmdline", cmdline);
    labels = Check.labels(e, "labels", labels, Limits.LABELS_MAX);
    e.throwIfAny();
  }

  private static List<ArtifactSpec> initrds(Errors e, ArtifactSpec kernel, List<ArtifactSpec> initrds) {
    if (initrds == null || initrds.isEmpty()) return List.of();
    if (initrds.size() > Limits.INITRDS_MAX) {
      e.add("initrds", ErrorCode.TOO_MANY, "initrds has " + initrds.size() + " entries, at most " + Limits.INITRDS_MAX);
      return List.of();
    }
    Map<String, String> seen = new HashMap<>();
    if (kernel != null) seen.put(kernel.name(), "kernel");
    List<ArtifactSpec> out = new ArrayList<>(initrds.size());
    for (int i = 0; i < initrds.size(); i++) {
      ArtifactSpec a = initrds.get(i);
      String at = FieldPath.index("initrds", i);
      if (a == null) {
        e.required(at);
        continue;
      }
      String first = seen.putIfAbsent(a.name(), at);
      if (first != null) {
        e.add(at + ".name", ErrorCode.DUPLICATE, "file name " + Text.quote(a.name()) + " is already used by " + first);
      }
      out.add(a);
    }
    return Collections.unmodifiableList(out);
  }

  /** @throws ValidationException with every error found */
  public static ImageSpec parse(JsonNode json) {
    Errors e = new Errors();
    Fields f = Fields.of(json, e, FIELDS);
    String id = f.text("id");
    String name = f.text("name");
    String version = f.text("version");
    CpuArch arch = arch(e, f.text("arch"));
    ArtifactSpec kernel = f.object("kernel", ArtifactSpec::parse);
    List<ArtifactSpec> initrds = f.list("initrds", Limits.INITRDS_MAX, ArtifactSpec::parse);
    String cmdline = f.text("cmdline");
    Map<String, String> labels = f.strings("labels", Limits.LABELS_MAX);
    return e.build(() -> new ImageSpec(id, name, version, arch, kernel, initrds, cmdline, labels));
  }

  private static CpuArch arch(Errors e, String raw) {
    if (Text.stripToNull(raw) == null) return null; // reported by the constructor (or as wrong-type already)
    CpuArch a = CpuArch.parse(raw).orElse(null);
    if (a == null) {
      e.add("arch", ErrorCode.UNKNOWN_ARCH, Text.quote(raw) + " is not an architecture: x86_64 (amd64), i386, arm64 "
          + "(aarch64) or arm32 (armhf)");
    }
    return a;
  }

  @Override
  public EntityKind kind() {
    return EntityKind.IMAGE;
  }

  @Override
  public String key() {
    return id;
  }

  /** The file of this image served as {@code /images/<id>/<file>}, if there is one. */
  public Optional<ArtifactSpec> file(String fileName) {
    if (kernel.name().equals(fileName)) return Optional.of(kernel);
    return initrds.stream().filter(a -> a.name().equals(fileName)).findFirst();
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", id);
    o.put("name", name);
    if (version != null) o.put("version", version);
    o.put("arch", arch.wire());
    o.set("kernel", kernel.toJson());
    ArrayNode list = o.putArray("initrds");
    initrds.forEach(a -> list.add(a.toJson()));
    if (cmdline != null) o.put("cmdline", cmdline);
    ObjectNode l = o.putObject("labels");
    labels.forEach(l::put);
    return o;
  }

  @Override
  public ImageEvent toEvent(long revision, Instant updated) {
    List<Artifact> files = initrds.stream().map(ArtifactSpec::toArtifact).toList();
    return new ImageEvent(id, name, version, arch.wire(), kernel.toArtifact(), files, cmdline, labels, revision,
        updated);
  }

  /** @throws ValidationException when the event does not hold a valid image */
  public static ImageSpec fromEvent(ImageEvent event) {
    if (event == null) throw ValidationException.of("", ErrorCode.REQUIRED, "the image event is missing");
    Errors e = new Errors();
    CpuArch arch = arch(e, event.arch());
    ArtifactSpec kernel = null;
    if (event.kernel() != null) {
      try {
        kernel = ArtifactSpec.fromArtifact(event.kernel());
      } catch (ValidationException x) {
        e.addAll("kernel", x);
      }
    }
    List<ArtifactSpec> initrds = new ArrayList<>();
    boolean tooMany = event.initrds().size() > Limits.INITRDS_MAX;
    if (tooMany) {
      e.add("initrds", ErrorCode.TOO_MANY, "initrds has " + event.initrds().size() + " entries, at most "
          + Limits.INITRDS_MAX);
    }
    for (int i = 0; i < event.initrds().size() && !tooMany; i++) {
      try {
        initrds.add(ArtifactSpec.fromArtifact(event.initrds().get(i)));
      } catch (ValidationException x) {
        e.addAll(FieldPath.index("initrds", i), x);
        initrds.add(null);
      }
    }
    ArtifactSpec k = kernel;
    return e.build(() -> new ImageSpec(event.id(), event.name(), event.version(), arch, k, initrds, event.cmdline(),
        event.labels()));
  }
}
