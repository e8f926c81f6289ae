package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code pxebus <kind> list}: every entity matching the filters, all pages fetched (following {@code next}), or
 * one page with {@code --limit}.
 */
abstract class ListCommand extends CatalogCommand {
  @Option(names = "--json", description = "the result as JSON: {\"items\":[…],\"count\":n,\"total\":n,\"next\":…}")
  boolean json;

  @Option(names = "--limit", paramLabel = "N", description = "only one page of at most N (1 to 10000)")
  Integer limit;

  @Option(names = "--after", paramLabel = "KEY", description = "start after this key (the next page of a --limit list)")
  String after;

  @Option(names = "--page-size", paramLabel = "N",
      description = "fetch everything in requests of N items (default: the service's page size)")
  Integer pageSize;

  abstract Kind kind();

  /** Adds the kind's filter parameters. */
  abstract void filters(CatalogClient.Query query) throws CatalogException;

  @Override
  int execute(CatalogClient client) throws CatalogException {
    if (limit != null && limit < 1) throw CatalogException.usage("--limit must be at least 1");
    if (pageSize != null && pageSize < 1) throw CatalogException.usage("--page-size must be at least 1");
    if (limit != null && pageSize != null) throw CatalogException.usage("--limit is one page: --page-size goes without it");
    Kind kind = kind();
    List<JsonNode> items = new ArrayList<>();
    JsonNode total = null;
    String next;
    String from = after;
    while (true) {
      CatalogClient.Query q = new CatalogClient.Query();
      filters(q);
      q.add("limit", limit != null ? limit : pageSize).add("after", from);
      JsonNode page = client.get(kind.path(), q).body();
      page.path("items").forEach(items::add);
      total = page.get("total");
      JsonNode n = page.path("next");
      next = n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
      if (limit != null || next == null) break;
      if (next.equals(from)) {
        throw new CatalogException(ExitCodes.REFUSED, "catalog-service returned the page after " + from
            + " again; stopping with " + items.size() + " " + kind.plural());
      }
      from = next;
    }
    if (json) {
      ObjectNode doc = CatalogClient.MAPPER.createObjectNode();
      ArrayNode array = doc.putArray("items");
      items.forEach(array::add);
      doc.put("count", items.size());
      if (total != null) doc.set("total", total);
      if (next == null) doc.putNull("next");
      else doc.put("next", next);
      printJson(doc);
    } else if (items.isEmpty()) {
      out().println("no " + kind.plural());
    } else {
      printLines(Render.table(kind.columns(), items));
    }
    if (next != null) {
      err().println("pxebus: " + items.size() + (total == null ? "" : " of " + total.asText()) + " " + kind.plural()
          + " shown; the next page: --after " + next);
    }
    return ExitCodes.OK;
  }

  /** {@code k=v} filters, checked here so that a typo is a usage error, not a 400. */
  static void labels(CatalogClient.Query q, List<String> labels) throws CatalogException {
    if (labels == null) return;
    for (String l : labels) {
      if (l.indexOf('=') < 1) throw CatalogException.usage("--label wants key=value, not '" + l + "'");
      q.add("label", l);
    }
  }
}
