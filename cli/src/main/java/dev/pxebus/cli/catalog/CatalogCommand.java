package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * What every catalog command shares: the service options, and its failure handling: a {@link CatalogException}
 * becomes one {@code pxebus: …} line on stderr and its exit code.
 */
abstract class CatalogCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  CatalogOptions catalog;

  // Not mixinStandardHelpOptions: its --version would clash with `images add --version`.
  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Override
  public final Integer call() {
    try {
      return execute(catalog.client());
    } catch (CatalogException e) {
      err().println("pxebus: " + e.getMessage());
      return e.exitCode();
    } finally {
      out().flush();
      err().flush();
    }
  }

  abstract int execute(CatalogClient client) throws CatalogException;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void printJson(JsonNode node) {
    try {
      out().println(CatalogClient.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that does not serialise: " + e.getMessage(), e);
    }
  }

  void printLines(Iterable<String> lines) {
    lines.forEach(out()::println);
  }

  /** {@code revision 7}, or nothing when the document has none. */
  static String revision(JsonNode doc) {
    JsonNode r = doc.path("revision");
    return r.isMissingNode() || r.isNull() ? "" : " (revision " + r.asText() + ")";
  }
}
