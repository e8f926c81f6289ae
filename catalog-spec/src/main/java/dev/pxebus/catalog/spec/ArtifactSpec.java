package dev.pxebus.catalog.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pxebus.events.catalog.Artifact;
import java.util.Set;

/**
 * A file of an image: its name under {@code /images/<image>/}, and the content it must have (the SHA-256 the
 * artifact store keys it by, and the size), which a TFTP replica verifies before serving.
 *
 * <pre>{"name": "vmlinuz", "sha256": "9f2c…8c1f", "size": 8247232}</pre>
 */
public record ArtifactSpec(String name, String sha256, long size) {
  static final Set<String> FIELDS = Set.of("name", "sha256", "size");

  public ArtifactSpec {
    Errors e = new Errors();
    name = Check.fileName(e, "name", name);
    sha256 = Check.sha256(e, "sha256", sha256);
    size = Check.size(e, "size", size);
    e.throwIfAny();
  }

  public static ArtifactSpec parse(JsonNode json) {
    Errors e = new Errors();
    Fields f = Fields.of(json, e, FIELDS);
    String name = f.text("name");
    String sha256 = f.text("sha256");
    Long size = f.integer("size");
    if (size == null && !e.covers("size")) e.required("size");
    return e.build(() -> new ArtifactSpec(name, sha256, size == null ? 0 : size));
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", name);
    o.put("sha256", sha256);
    o.put("size", size);
    return o;
  }

  public Artifact toArtifact() {
    return new Artifact(name, sha256, size);
  }

  public static ArtifactSpec fromArtifact(Artifact a) {
    if (a == null) throw ValidationException.of("", ErrorCode.REQUIRED, "the artifact is missing");
    return new ArtifactSpec(a.name(), a.sha256(), a.size());
  }
}
