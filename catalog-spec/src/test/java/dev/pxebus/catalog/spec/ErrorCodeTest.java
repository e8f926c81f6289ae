package dev.pxebus.catalog.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every named error has a table row that produces it, and the codes are the documented wire strings. */
class ErrorCodeTest {
  @Test
  void everyCodeHasACase() {
    Set<String> seen = new TreeSet<>();
    SpecParseTest.rejected().forEach(a -> {
      var r = (SpecParseTest.Rejected) ((org.junit.jupiter.api.Named<?>) a.get()[0]).getPayload();
      r.errors().forEach(e -> seen.add(e.substring(e.lastIndexOf(' ') + 1)));
    });
    CatalogRulesTest.cases().forEach(a -> {
      @SuppressWarnings("unchecked") List<String> errors = (List<String>) a.get()[1];
      errors.forEach(e -> seen.add(e.substring(e.lastIndexOf(' ') + 1)));
    });
    // unknown-blob is checked against the blob store by catalog-service, and has its case in its CatalogApiTest.
    seen.add(ErrorCode.UNKNOWN_BLOB.code());
    Set<String> all = Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(all, seen);
  }

  @Test
  void theWireStrings() {
    assertEquals(List.of("required", "wrong-type", "unknown-field", "too-long", "too-many", "unsafe-name", "bad-char",
        "bad-cmdline", "invalid-version", "bad-sha256", "bad-size", "unknown-arch", "invalid-mac", "invalid-uuid",
        "invalid-ip", "invalid-hostname", "invalid-label", "duplicate", "unknown-image", "unknown-profile", "in-use",
        "not-found", "arch-mismatch", "unknown-blob"), Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
  }
}
