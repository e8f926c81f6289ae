package dev.pxebus.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --help}: every key with its environment variable, default and meaning. */
class ServiceMainTest {

  @Test
  void usageListsEveryKeyWithItsEnvironmentVariableAndDefault() {
    List<ConfigKey> keys = new ArrayList<>(CommonConfig.keys(9099));
    keys.add(ConfigKey.of("test.required", null, "no default: the operator sets it"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ServiceMain.usage("test-service", keys, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertTrue(out.startsWith("usage: test-service [--config FILE]"), out);
    assertTrue(out.contains("PXEBUS_CONFIG"), "says where the file can also come from: " + out);
    for (ConfigKey k : keys) {
      String line = out.lines().filter(l -> l.trim().startsWith(k.name() + " ")).findFirst()
          .orElseThrow(() -> new AssertionError("no line for " + k.name() + " in\n" + out));
      String[] cells = line.trim().split("\\s+", 4);
      String shownDefault = k.defaultValue() == null || k.defaultValue().isEmpty() ? "(none)" : k.defaultValue();
      assertEquals(k.envName(), cells[1], line);
      assertEquals(shownDefault, cells[2], line);
      assertEquals(k.description(), cells[3], line);
    }
    assertTrue(out.contains("PXEBUS_ADMIN_PORT") && out.contains(" 9099 "), "the service's own admin port: " + out);
  }
}
