package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Option;

/** Field options of {@code hosts add|update}. */
final class HostFields implements Fields {
  @Option(names = "--hostname", paramLabel = "NAME", description = "host name handed out by DHCP")
  String hostname;

  @Option(names = "--profile", paramLabel = "PROFILE", description = "the profile it boots")
  String profile;

  @Option(names = "--reserved-ip", paramLabel = "IPV4", description = "address reserved for it (DHCP server mode)")
  String reservedIp;

  @Option(names = "--boot-once", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
      description = "boot the profile once, then local boot (--boot-once=false clears it)")
  Boolean bootOnce;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "set a label, repeatable")
  List<String> labels;

  @Option(names = "--unlabel", paramLabel = "KEY", description = "remove a label, repeatable")
  List<String> unlabels;

  @Override
  public boolean apply(ObjectNode doc) throws CatalogException {
    boolean given = Fields.text(doc, "hostname", hostname);
    given |= Fields.text(doc, "profile", profile);
    given |= Fields.text(doc, "reservedIp", reservedIp);
    if (bootOnce != null) {
      doc.put("bootOnce", bootOnce);
      given = true;
    }
    given |= Fields.pairs(doc, "labels", "--label", labels, unlabels);
    return given;
  }
}
