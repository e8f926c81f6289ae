package dev.pxebus.menu.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.menu.render.MenuModel.Entry;
import dev.pxebus.menu.render.MenuModel.LocalBoot;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GRUB's own parser, {@code grub-script-check} (Debian package {@code grub-common}), accepts every GRUB menu the
 * renderer writes, hostile labels and command lines included. Outside CI the test is skipped when the tool is
 * missing; under CI ({@code CI=true}) a missing tool fails it.
 */
class RenderGrubScriptCheckTest {
  private static final String TOOL = "grub-script-check";
  private static Vertx vertx;
  private static MenuRenderer renderer;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    boolean present = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, TOOL)));
    if (!"true".equals(System.getenv("CI"))) assumeTrue(present, TOOL + " is not installed (apt-get install grub-common)");
    else if (!present) throw new IllegalStateException(TOOL + " is missing on CI: apt-get install grub-common");
    vertx = Vertx.vertx();
    renderer = RenderFixtures.await(MenuRenderer.create(vertx, Optional.empty()));
  }

  @AfterAll
  static void stop() {
    if (vertx != null) RenderFixtures.await(vertx.close());
  }

  static Stream<String> cases() {
    return RenderFixtures.ALL_FORMATS.keySet().stream().sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void goldenMenusParse(String name) throws Exception {
    assertEquals("", check(render(RenderFixtures.ALL_FORMATS.get(name))));
  }

  @Test
  void hostileLabelsAndCommandLinesParse() throws Exception {
    List<Entry> entries = List.of(
        new Entry("a", "Bob's '; reboot; ' } menuentry x {", "i", "k/vmlinuz", List.of("k/initrd"),
            "x=$(reboot) ${root} ; && || { } # \"ds=a b;c\""),
        new Entry("b", "Débian #1 ^ $root \\ \"quoted\"", "i", "k/vmlinuz", List.of(), "name=é"));
    assertEquals("", check(render(new MenuModel("t", entries, "a", 5, LocalBoot.EXIT, "", "c'; }"))));
  }

  @Test
  void theCheckerRejectsWhatAnUnescapedLabelWouldGive() throws Exception {
    // the control: without escaping, a quote in a label breaks the file, and grub-script-check says so
    assertNotEquals("", check("menuentry 'Bob's menu' --id a {\n  linux /k\n}\n"));
  }

  private static String render(MenuModel model) {
    return RenderFixtures.await(renderer.render(MenuFormat.GRUB, model)).toString(StandardCharsets.UTF_8);
  }

  /** "" when grub-script-check accepts the config, else its output. */
  private static String check(String config) throws IOException, InterruptedException {
    Path file = Files.createTempFile(tmp, "grub", ".cfg");
    Files.writeString(file, config, StandardCharsets.UTF_8);
    Process p = new ProcessBuilder(TOOL, file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timed out";
    }
    return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out + "\n" + config;
  }
}
