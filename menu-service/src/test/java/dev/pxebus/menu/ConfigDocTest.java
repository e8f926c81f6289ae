package dev.pxebus.menu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.runtime.ConfigKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md cannot drift from the code: the menu-service section has one table row per key of
 * {@link MenuConfig#keys()}, with its environment variable and its default, and no row for a key that does not exist.
 */
class ConfigDocTest {
  private static final String SERVICE = "menu-service";
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void everyKeyIsDocumentedWithItsEnvironmentVariableAndDefault() throws IOException {
    Map<String, List<String>> rows = tableRows(Files.readString(DOC, StandardCharsets.UTF_8));
    List<ConfigKey> keys = MenuConfig.keys();
    for (ConfigKey k : keys) {
      List<String> row = rows.get(k.name());
      assertTrue(row != null, DOC + ", section " + SERVICE + ": no table row for " + k.name());
      String shownDefault = k.defaultValue() == null || k.defaultValue().isEmpty() ? "(none)" : k.defaultValue();
      assertEquals(List.of(k.name(), k.envName(), shownDefault), row.subList(0, 3),
          DOC + ", section " + SERVICE + ": key, environment variable, default of " + k.name());
      assertTrue(row.size() > 3 && !row.get(3).isBlank(), "meaning of " + k.name() + " is empty");
    }
    List<String> extra = new ArrayList<>(rows.keySet());
    extra.removeAll(keys.stream().map(ConfigKey::name).toList());
    assertEquals(List.of(), extra, DOC + ", section " + SERVICE + ": rows for keys the service does not have");
  }

  /** The rows of the tables in the service's section ("## menu-service" up to the next "## "), by key. */
  private static Map<String, List<String>> tableRows(String doc) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    boolean inSection = false;
    for (String line : doc.split("\\R")) {
      if (line.startsWith("## ")) {
        inSection = line.substring(3).trim().equals(SERVICE);
        continue;
      }
      if (!inSection || !line.startsWith("|") || line.startsWith("|---") || line.startsWith("| key ")) continue;
      List<String> cells = Arrays.stream(line.substring(1, line.lastIndexOf('|')).split("\\|"))
          .map(c -> c.trim().replace("`", ""))
          .toList();
      assertTrue(rows.put(cells.get(0), cells) == null, "two rows for " + cells.get(0) + " in section " + SERVICE);
    }
    assertTrue(!rows.isEmpty(), DOC + " has no table in a section '## " + SERVICE + "'");
    return rows;
  }
}
