package dev.pxebus.menu.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pxebus.events.boot.MenuFormat;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every format × outcome rendered by the built-in templates, compared byte for byte with
 * {@code src/test/resources/golden/<format>/<case>.txt}. After a deliberate template change, rewrite them with
 * {@code -Dpxebus.golden.update=true} and review the diff.
 */
class RenderGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static Vertx vertx;
  private static MenuRenderer renderer;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    renderer = RenderFixtures.await(MenuRenderer.create(vertx, Optional.empty()));
  }

  @AfterAll
  static void stop() {
    RenderFixtures.await(vertx.close());
  }

  static Stream<Arguments> cases() {
    Stream<Arguments> all = Stream.of(MenuFormat.values()).flatMap(f -> RenderFixtures.ALL_FORMATS.keySet().stream()
        .sorted().map(c -> Arguments.of(f, c)));
    Stream<Arguments> ipxe = RenderFixtures.IPXE_ONLY.keySet().stream().sorted()
        .map(c -> Arguments.of(MenuFormat.IPXE, c));
    return Stream.concat(all, ipxe);
  }

  static MenuModel model(String name) {
    MenuModel m = RenderFixtures.ALL_FORMATS.get(name);
    return m != null ? m : RenderFixtures.IPXE_ONLY.get(name);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void rendersTheGoldenText(MenuFormat format, String name) throws IOException {
    String actual = RenderFixtures.await(renderer.render(format, model(name))).toString(StandardCharsets.UTF_8);
    Path golden = GOLDEN.resolve(RenderFixtures.dir(format)).resolve(name + ".txt");
    if (Boolean.getBoolean("pxebus.golden.update")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual, golden.toString());
  }
}
