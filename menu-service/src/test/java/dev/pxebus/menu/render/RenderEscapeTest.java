package dev.pxebus.menu.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The per-language escape and refusal rules on their own, as named table cases. */
class RenderEscapeTest {
  static Arguments escapes(String name, String in, String out) {
    return Arguments.of(name, in, out);
  }

  /** Expected message after "f: ". */
  static Arguments refuses(String name, String in, String message) {
    return Arguments.of(name, in, "refused: f: " + message);
  }

  static void check(BinaryOperator<String> escape, String in, String expected) {
    if (expected.startsWith("refused: ")) {
      MenuRenderException e = assertThrows(MenuRenderException.class, () -> escape.apply("f", in));
      assertEquals(expected.substring("refused: ".length()), e.getMessage());
    } else {
      assertEquals(expected, escape.apply("f", in));
    }
  }

  @Nested
  class Shared {
    static Stream<Arguments> text() {
      return Stream.of(
          escapes("plain", "Debian 12", "Debian 12"),
          escapes("tab becomes a space, ends trimmed", " \tDebian\t12 ", "Debian 12"),
          escapes("non-ASCII kept", "Débian — 12", "Débian — 12"),
          refuses("line feed", "a\nb", "contains U+000A LINE FEED (LF): control characters end or cut a line in every"
              + " boot menu language and none can escape them"),
          refuses("carriage return", "a\rb", "contains U+000D CARRIAGE RETURN (CR): control characters end or cut a "
              + "line in every boot menu language and none can escape them"),
          refuses("NUL", "a\u0000", "contains U+0000 NULL: control characters end or cut a line in every boot menu "
              + "language and none can escape them"),
          refuses("escape", "a\u001b[2J", "contains U+001B ESCAPE: control characters end or cut a line in every "
              + "boot menu language and none can escape them"),
          refuses("C1 control", "a\u0085", "contains U+0085 NEXT LINE (NEL): control characters end or cut a line in"
              + " every boot menu language and none can escape them"),
          refuses("RTL override", "abc\u202Eexe", "contains U+202E RIGHT-TO-LEFT OVERRIDE: invisible formatting "
              + "characters make a menu read differently from what it is"),
          refuses("zero width space", "a\u200Bb", "contains U+200B ZERO WIDTH SPACE: invisible formatting characters"
              + " make a menu read differently from what it is"),
          refuses("line separator", "a\u2028b", "contains U+2028 LINE SEPARATOR: a line break cannot be written into"
              + " a boot menu line"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("text")
    void text(String name, String in, String expected) {
      check(Values::text, in, expected);
    }

    static Stream<Arguments> paths() {
      return Stream.of(
          escapes("plain", "images/debian-12/vmlinuz", "images/debian-12/vmlinuz"),
          escapes("plus, tilde, at", "images/memtest86+/v~1@x", "images/memtest86+/v~1@x"),
          refuses("dot dot", "images/../etc", "\"images/../etc\" has a '..' segment: paths stay inside the boot root"),
          refuses("dot", "./vmlinuz", "\"./vmlinuz\" has a '.' segment: paths stay inside the boot root"),
          refuses("space", "my image/vmlinuz", "\"my image/vmlinuz\" contains a space: paths are [A-Za-z0-9._+~@-] "
              + "segments joined by '/'"),
          refuses("comma", "a,b", "\"a,b\" contains U+002C COMMA: paths are [A-Za-z0-9._+~@-] segments joined by '/'"),
          refuses("newline", "a\nb", "\"aU+000Ab\" contains U+000A LINE FEED (LF): paths are [A-Za-z0-9._+~@-] "
              + "segments joined by '/'"),
          refuses("absolute", "/vmlinuz", "\"/vmlinuz\" starts with '/': paths are relative to the boot root"),
          refuses("directory", "images/", "\"images/\" ends with '/': not a file"),
          refuses("empty segment", "images//vmlinuz", "\"images//vmlinuz\" has an empty segment (//)"),
          refuses("empty", "", "is empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void path(String name, String in, String expected) {
      check(Values::path, in, expected);
    }

    static Stream<Arguments> ids() {
      return Stream.of(
          escapes("plain", "debian-12.1_x", "debian-12.1_x"),
          refuses("space", "my image", "\"my image\" is not an id ([a-z0-9][a-z0-9._-]*)"),
          refuses("upper case", "Debian", "\"Debian\" is not an id ([a-z0-9][a-z0-9._-]*)"),
          refuses("leading dash", "-x", "\"-x\" is not an id ([a-z0-9][a-z0-9._-]*)"),
          refuses("local", "local", "\"local\" is reserved for the local-boot entry"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void id(String name, String in, String expected) {
      check(Values::id, in, expected);
    }
  }

  @Nested
  class Ipxe {
    static Stream<Arguments> args() {
      return Stream.of(
          escapes("plain", "console=ttyS0 quiet", "console=ttyS0 quiet"),
          escapes("spaces collapse as iPXE joins words", "a   b", "a b"),
          escapes("|| word", "a || b", "a ${}|| b"),
          escapes("&& word", "a && b", "a ${}&& b"),
          escapes("; word", "a ; b", "a ${}; b"),
          escapes("# word", "a #b", "a ${}#b"),
          escapes("# inside a word is text", "a#b", "a#b"),
          escapes("; inside a word is text", "a;b c||d", "a;b c||d"),
          escapes("$ without { is text", "$(reboot) $x", "$(reboot) $x"),
          escapes("quotes and braces are text", "'\"}{", "'\"}{"),
          refuses("settings expansion", "BOOTIF=${net0/mac}", "\"BOOTIF=${net0/mac}\" contains \"${\": iPXE expands "
              + "settings in it and has no escape for a literal \"${\""),
          refuses("unterminated expansion", "a${", "\"a${\" contains \"${\": iPXE expands settings in it and has no "
              + "escape for a literal \"${\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("args")
    void arg(String name, String in, String expected) {
      check(IpxeEscape::arg, in, expected);
    }

    @Test
    void aTitleStartingWithADashIsRefused() {
      check(IpxeEscape::title, "-- pxebus --",
          "refused: f: \"-- pxebus --\" starts with '-', which iPXE's menu command would read as an option");
      check(IpxeEscape::title, "pxebus -- menu", "pxebus -- menu");
    }

    @Test
    void aCommentIsNeitherSplitNorExpanded() {
      check(IpxeEscape::comment, "host ${x} || #", "host ${x} || #");
    }
  }

  @Nested
  class Pxelinux {
    @Test
    void aDirectiveValueIsLiteral() {
      check(PxelinuxEscape::line, "${x} $(y) 'a' \"b\" ; && # ^", "${x} $(y) 'a' \"b\" ; && # ^");
      check(PxelinuxEscape::line, "a\tb", "a b");
    }

    @Test
    void aMenuLabelCannotHoldTheHotkeyMarker() {
      check(PxelinuxEscape::menuLabel, "Debian ^12",
          "refused: f: \"Debian ^12\" contains '^', which menu.c32 takes as the hotkey marker (there is no escape for it)");
    }

    @Test
    void aValueLongerThanALineIsRefused() {
      check(PxelinuxEscape::line, "a".repeat(4000), "a".repeat(4000));
      check(PxelinuxEscape::line, "é".repeat(2001),
          "refused: f: is longer than 4000 bytes: pxelinux would read the rest of the line as a directive of its own");
    }
  }

  @Nested
  class Grub {
    static Stream<Arguments> words() {
      return Stream.of(
          escapes("bare", "images/debian-12/vmlinuz", "images/debian-12/vmlinuz"),
          escapes("space", "a b", "'a b'"),
          escapes("empty", "", "''"),
          escapes("single quote", "it's", "'it'\\''s'"),
          escapes("dollar", "$root", "'$root'"),
          escapes("braces", "}", "'}'"),
          escapes("semicolon", "a;b", "'a;b'"),
          escapes("non-ASCII", "é", "'é'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("words")
    void word(String name, String in, String expected) {
      check(GrubEscape::word, in, expected);
    }

    @Test
    void aLabelIsAlwaysSingleQuoted() {
      check(GrubEscape::label, "Rescue", "'Rescue'");
      check(GrubEscape::label, "Bob's '; reboot; '", "'Bob'\\''s '\\''; reboot; '\\'''");
      check(GrubEscape::label, "-x", "refused: f: \"-x\" starts with '-', which menuentry would read as an option");
      check(GrubEscape::label, "  ", "refused: f: is empty");
    }

    static Stream<Arguments> cmdlines() {
      return Stream.of(
          escapes("bare words", "console=ttyS0,115200n8 quiet ---", "console=ttyS0,115200n8 quiet ---"),
          escapes("double quotes group a kernel argument", "ds=\"nocloud;s=http://x/\" a", "'ds=nocloud;s=http://x/' a"),
          escapes("quoted part inside a word", "x=\"a b\"c", "'x=a bc'"),
          escapes("shell syntax stays text", "$(reboot) ${x} ; && || { } #",
              "'$(reboot)' '${x}' ';' '&&' '||' '{' '}' '#'"),
          escapes("empty", "   ", ""),
          refuses("single quote", "a'b", "\"a'b\" contains ': GRUB would pass it to the kernel behind a backslash, "
              + "changing the argument"),
          refuses("backslash", "a\\b", "\"a\\b\" contains \\: GRUB would pass it to the kernel behind a backslash, "
              + "changing the argument"),
          refuses("unbalanced double quote", "a=\"b", "\"a=\"b\" has an unbalanced '\"'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cmdlines")
    void cmdline(String name, String in, String expected) {
      check(GrubEscape::cmdline, in, expected);
    }

    @Test
    void kernelArgumentsSplitAsTheKernelSplitsThem() {
      assertEquals(List.of("a", "b c", "d=e f", ""), GrubEscape.kernelArgs("f", "a \"b c\" d=\"e f\" \"\""));
    }
  }
}
