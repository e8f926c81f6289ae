package dev.pxebus.menu.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.menu.render.MenuModel.Entry;
import dev.pxebus.menu.render.MenuModel.LocalBoot;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operator templates: a file in the override directory replaces the built-in one; a broken one fails clearly. */
class RenderTemplateOverrideTest {
  @TempDir Path dir;
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    RenderFixtures.await(vertx.close());
  }

  private MenuRenderer renderer() {
    return RenderFixtures.await(MenuRenderer.create(vertx, Optional.of(dir)));
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  private static String text(io.vertx.core.Future<io.vertx.core.buffer.Buffer> f) {
    return RenderFixtures.await(f).toString(StandardCharsets.UTF_8);
  }

  @Test
  void anOperatorTemplateReplacesTheBuiltInOneOfItsName() throws IOException {
    write("menu.ipxe.peb", "#!ipxe\n# lab template, default {{ defaultId }}\nchain http://10.0.0.9/lab.ipxe\n");
    MenuRenderer renderer = renderer();

    assertEquals("#!ipxe\n# lab template, default debian-install\nchain http://10.0.0.9/lab.ipxe\n",
        text(renderer.render(MenuFormat.IPXE, RenderFixtures.hostProfile())));
    assertEquals("operator template " + dir.toAbsolutePath().resolve("menu.ipxe.peb"),
        renderer.templateOrigin(MenuFormat.IPXE));
    // the other formats keep the built-in templates
    assertEquals("built-in template grub.cfg.peb", renderer.templateOrigin(MenuFormat.GRUB));
    assertTrue(text(renderer.render(MenuFormat.GRUB, RenderFixtures.hostProfile())).contains("set timeout=5\n"));
  }

  @Test
  void anOperatorTemplateIsEscapedForItsLanguageToo() throws IOException {
    write("menu.ipxe.peb", "#!ipxe\n{% for e in entries %}item {{ e.id }} {{ e.label }} ({{ e.image }})\n{% endfor %}");
    MenuModel m = new MenuModel("t", List.of(new Entry("deb", "Debian && shell", "debian #12", "a/vmlinuz", List.of(),
        "")), "deb", 5, LocalBoot.EXIT, "", "");

    assertEquals("#!ipxe\nitem deb Debian ${}&& shell (debian ${}#12)\n", text(renderer().render(MenuFormat.IPXE, m)));
  }

  @Test
  void anUnsafeValuePrintedByAnOperatorTemplateFailsTheRender() throws IOException {
    write("menu.ipxe.peb", "#!ipxe\n# {{ entries[0].image }}\n");
    MenuModel m = new MenuModel("t", List.of(new Entry("deb", "Debian", "deb-${net0/mac}", "a/vmlinuz", List.of(),
        "")), "deb", 5, LocalBoot.EXIT, "", "");

    Throwable e = RenderFixtures.failure(renderer().render(MenuFormat.IPXE, m));
    assertInstanceOf(MenuRenderException.class, e);
    assertEquals("operator template " + dir.toAbsolutePath().resolve("menu.ipxe.peb") + " failed: a value "
        + "printed by the iPXE template: \"deb-${net0/mac}\" contains \"${\": iPXE expands settings in it and has no "
        + "escape for a literal \"${\"", e.getMessage());
  }

  @Test
  void aTemplateThatDoesNotParseFailsTheStartNamingTheFile() throws IOException {
    write("grub.cfg.peb", "set timeout={{ timeoutSeconds }}\n{% for e in entries %}\nmenuentry {{ e.label }} {\n}\n");

    Throwable e = RenderFixtures.failure(MenuRenderer.create(vertx, Optional.of(dir)));
    assertInstanceOf(MenuRenderException.class, e);
    String prefix = "operator template " + dir.toAbsolutePath().resolve("grub.cfg.peb") + " does not parse at line ";
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    assertTrue(e.getMessage().contains("endfor"), e.getMessage());
  }

  @Test
  void aMisspeltVariableFailsTheRenderNamingTheTemplateAndLine() throws IOException {
    write("pxelinux.cfg.peb", "DEFAULT menu.c32\nPROMPT 0\nTIMEOUT {{ timeoutTenth }}\n");
    MenuRenderer renderer = renderer();

    Throwable e = RenderFixtures.failure(renderer.render(MenuFormat.PXELINUX, RenderFixtures.hostProfile()));
    assertInstanceOf(MenuRenderException.class, e);
    String prefix = "operator template " + dir.toAbsolutePath().resolve("pxelinux.cfg.peb") + " failed at line 3: ";
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    assertTrue(e.getMessage().contains("timeoutTenth"), e.getMessage());
  }

  @Test
  void aMisspeltEntryFieldFailsTheRenderToo() throws IOException {
    write("grub.cfg.peb", "{% for e in entries %}menuentry {{ e.lable }} --id {{ e.id }} {\n}\n{% endfor %}");

    Throwable e = RenderFixtures.failure(renderer().render(MenuFormat.GRUB, RenderFixtures.hostProfile()));
    assertTrue(e.getMessage().contains("grub.cfg.peb failed at line 1: "), e.getMessage());
    assertTrue(e.getMessage().contains("lable"), e.getMessage());
  }

  @Test
  void aMissingTemplateDirectoryFailsTheStart() {
    Path missing = dir.resolve("nope");
    Throwable e = RenderFixtures.failure(MenuRenderer.create(vertx, Optional.of(missing)));
    assertEquals("template directory " + missing + " does not exist", e.getMessage());
  }

  @Test
  void twoRenderersInOneVertxKeepTheirOwnTemplates() throws IOException {
    // Vert.x caches compiled templates per Vert.x instance, by name: the renderers must not see each other's
    write("menu.ipxe.peb", "#!ipxe\nexit\n");
    MenuRenderer operator = renderer();
    MenuRenderer builtIn = RenderFixtures.await(MenuRenderer.create(vertx, Optional.empty()));

    assertEquals("#!ipxe\nexit\n", text(operator.render(MenuFormat.IPXE, RenderFixtures.localOnly())));
    assertTrue(text(builtIn.render(MenuFormat.IPXE, RenderFixtures.localOnly())).contains("\n:start\n"));
    assertEquals("#!ipxe\nexit\n", text(operator.render(MenuFormat.IPXE, RenderFixtures.localOnly())));
  }
}
