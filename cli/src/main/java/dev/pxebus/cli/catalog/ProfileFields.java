package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** Field options of {@code profiles add|update}. */
final class ProfileFields implements Fields {
  @Option(names = "--image", paramLabel = "IMAGE", description = "the image it boots")
  String image;

  @Option(names = "--cmdline", paramLabel = "PARAMS", description = "kernel parameters added to the image's")
  String cmdline;

  @Option(names = "--menu-label", paramLabel = "TEXT", description = "the boot menu entry's text")
  String menuLabel;

  @Override
  public boolean apply(ObjectNode doc) {
    boolean given = Fields.text(doc, "image", image);
    given |= Fields.text(doc, "cmdline", cmdline);
    given |= Fields.text(doc, "menuLabel", menuLabel);
    return given;
  }
}
