package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** Field options of {@code images add|update}. */
final class ImageFields implements Fields {
  /** {@code NAME:SHA256:SIZE}; the name may itself hold colons, the hash and size cannot. */
  private static final Pattern ARTIFACT = Pattern.compile("(.+):([^:]+):([0-9]+)");

  @Option(names = "--name", paramLabel = "TEXT", description = "display name")
  String name;

  @Option(names = "--version", paramLabel = "VERSION", description = "version text, e.g. 12.8")
  String version;

  @Option(names = "--arch", paramLabel = "ARCH", description = "x86_64 (amd64), i386, arm64 (aarch64) or arm32 (armhf)")
  String arch;

  @Option(names = "--cmdline", paramLabel = "PARAMS", description = "kernel parameters")
  String cmdline;

  @Option(names = "--kernel", paramLabel = "NAME:SHA256:SIZE",
      description = "the kernel, a stored blob (see `images import`)")
  String kernel;

  @Option(names = "--initrd", paramLabel = "NAME:SHA256:SIZE",
      description = "an initrd, repeatable, in order; replaces the image's list")
  List<String> initrds;

  @Option(names = "--no-initrds", description = "remove every initrd")
  boolean noInitrds;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "set a label, repeatable")
  List<String> labels;

  @Option(names = "--unlabel", paramLabel = "KEY", description = "remove a label, repeatable")
  List<String> unlabels;

  @Override
  public boolean apply(ObjectNode doc) throws CatalogException {
    boolean given = Fields.text(doc, "name", name);
    given |= Fields.text(doc, "version", version);
    given |= Fields.text(doc, "arch", arch);
    given |= Fields.text(doc, "cmdline", cmdline);
    if (kernel != null) {
      doc.set("kernel", artifact(doc, "--kernel", kernel));
      given = true;
    }
    if (noInitrds) {
      doc.remove("initrds");
      given = true;
    }
    if (initrds != null) {
      ArrayNode list = doc.putArray("initrds");
      for (String i : initrds) list.add(artifact(doc, "--initrd", i));
      given = true;
    }
    given |= Fields.pairs(doc, "labels", "--label", labels, unlabels);
    return given;
  }

  static ObjectNode artifact(ObjectNode doc, String option, String spec) throws CatalogException {
    Matcher m = ARTIFACT.matcher(spec);
    if (!m.matches()) {
      throw CatalogException.usage(option + " wants NAME:SHA256:SIZE (as `images import` prints), not '" + spec + "'");
    }
    return artifact(doc, m.group(1), m.group(2), Long.parseLong(m.group(3)));
  }

  static ObjectNode artifact(ObjectNode doc, String name, String sha256, long size) {
    return doc.objectNode().put("name", name).put("sha256", sha256).put("size", size);
  }
}
