package dev.pxebus.tftp.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pxebus.tftp.boot.SafePath.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link SafePath}: the name rules (pure) and resolution against a real root with links and special files. */
class SafePathTest {
  /** Exactly {@link SafePath#MAX_NAME_BYTES} bytes, no segment over {@link SafePath#MAX_SEGMENT_BYTES}. */
  private static final String NAME_OF_1024 =
      "a".repeat(255) + "/" + "b".repeat(255) + "/" + "c".repeat(255) + "/" + "d".repeat(254) + "/" + "e";

  @TempDir static Path tmp;
  static BootRoot boot;

  @BeforeAll
  static void root() throws IOException {
    boot = BootRoot.create(tmp);
  }

  static Stream<Arguments> acceptedNames() {
    return Stream.of(
        Arguments.of("plain file", "pxelinux.0", "pxelinux.0"),
        Arguments.of("leading slash is root-relative (tftpd-hpa -s)", "/pxelinux.0", "pxelinux.0"),
        Arguments.of("backslash is a separator", "pxelinux.cfg\\default", "pxelinux.cfg/default"),
        Arguments.of("leading backslash", "\\pxelinux.0", "pxelinux.0"),
        Arguments.of("nested", "images/debian-12/vmlinuz", "images/debian-12/vmlinuz"),
        Arguments.of("pxelinux MAC probe", "pxelinux.cfg/01-52-54-00-12-34-56", "pxelinux.cfg/01-52-54-00-12-34-56"),
        Arguments.of("dot file", ".hidden", ".hidden"),
        Arguments.of("dots inside a segment", "a..b/c...d", "a..b/c...d"),
        Arguments.of("colon after the first character", "ipxe/52:54:00:12:34:56.ipxe", "ipxe/52:54:00:12:34:56.ipxe"),
        Arguments.of("space", "my file.bin", "my file.bin"),
        Arguments.of("segment of 255 bytes", "a".repeat(255), "a".repeat(255)),
        Arguments.of("name of 1024 bytes", NAME_OF_1024, NAME_OF_1024));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void acceptedNames(String label, String requested, String expected) {
    assertEquals(expected, assertInstanceOf(SafePath.Name.class, SafePath.name(requested), label).value(), label);
  }

  static Stream<Arguments> refusedNames() {
    return Stream.of(
        Arguments.of("null", null, Reason.EMPTY),
        Arguments.of("empty", "", Reason.EMPTY),
        Arguments.of("only a slash", "/", Reason.EMPTY),
        Arguments.of("only a backslash", "\\", Reason.EMPTY),
        Arguments.of("parent", "..", Reason.DOT_SEGMENT),
        Arguments.of("parent first", "../x", Reason.DOT_SEGMENT),
        Arguments.of("parent inside", "a/../b", Reason.DOT_SEGMENT),
        Arguments.of("parent last", "a/..", Reason.DOT_SEGMENT),
        Arguments.of("parent via backslash", "a\\..\\b", Reason.DOT_SEGMENT),
        Arguments.of("current", ".", Reason.DOT_SEGMENT),
        Arguments.of("current first", "./a", Reason.DOT_SEGMENT),
        Arguments.of("current inside", "a/./b", Reason.DOT_SEGMENT),
        Arguments.of("three dots", "...", Reason.DOT_SEGMENT),
        Arguments.of("four dots then slashes", "....//x", Reason.DOT_SEGMENT),
        Arguments.of("two leading slashes", "//etc/passwd", Reason.EMPTY_SEGMENT),
        Arguments.of("double slash inside", "a//b", Reason.EMPTY_SEGMENT),
        Arguments.of("trailing slash", "a/", Reason.EMPTY_SEGMENT),
        Arguments.of("UNC path", "\\\\server\\share", Reason.EMPTY_SEGMENT),
        Arguments.of("drive with backslash", "C:\\boot.ini", Reason.DRIVE_LETTER),
        Arguments.of("drive alone", "c:", Reason.DRIVE_LETTER),
        Arguments.of("drive after leading slash", "/C:/x", Reason.DRIVE_LETTER),
        Arguments.of("drive-relative", "C:foo", Reason.DRIVE_LETTER),
        Arguments.of("percent-encoded dots", "%2e%2e/x", Reason.PERCENT),
        Arguments.of("percent-encoded NUL", "a%00", Reason.PERCENT),
        Arguments.of("lone percent", "100%", Reason.PERCENT),
        Arguments.of("NUL", "a\0b", Reason.NUL_BYTE),
        Arguments.of("newline", "a\nb", Reason.CONTROL_CHARACTER),
        Arguments.of("tab", "a\tb", Reason.CONTROL_CHARACTER),
        Arguments.of("DEL", "a\u007fb", Reason.CONTROL_CHARACTER),
        Arguments.of("one dot leader", "\u2024\u2024/x", Reason.NON_ASCII),
        Arguments.of("fullwidth solidus", "..\uff0fx", Reason.NON_ASCII),
        Arguments.of("Latin-1 letter", "caf\u00e9", Reason.NON_ASCII),
        Arguments.of("name of 1025 bytes", NAME_OF_1024 + "e", Reason.TOO_LONG),
        Arguments.of("segment of 256 bytes", "a".repeat(256), Reason.TOO_LONG));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void refusedNames(String label, String requested, Reason reason) {
    SafePath.Refused r = assertInstanceOf(SafePath.Refused.class, SafePath.name(requested), label);
    assertEquals(reason, r.reason(), label + ": " + r.message());
    assertTrue(r.message().length() < 300, "messages stay short enough to log: " + r.message());
  }

  static Stream<Arguments> httpPaths() {
    return Stream.of(
        Arguments.of("plain", "/pxelinux.0", "pxelinux.0", null),
        Arguments.of("encoded space", "/my%20file.bin", "my file.bin", null),
        Arguments.of("plus is literal in a path", "/a+b", "a+b", null),
        Arguments.of("encoded backslash is a separator", "/pxelinux.cfg%5cdefault", "pxelinux.cfg/default", null),
        Arguments.of("encoded letters", "/%70xelinux.0", "pxelinux.0", null),
        Arguments.of("encoded dots", "/%2e%2e/x", null, Reason.DOT_SEGMENT),
        Arguments.of("upper-case encoded dots", "/%2E%2E/x", null, Reason.DOT_SEGMENT),
        Arguments.of("encoded slash after dots", "/..%2fx", null, Reason.DOT_SEGMENT),
        Arguments.of("encoded leading slash", "/%2fetc/passwd", null, Reason.EMPTY_SEGMENT),
        Arguments.of("double-encoded dots", "/%252e%252e/x", null, Reason.PERCENT),
        Arguments.of("double-encoded slash", "/..%252fx", null, Reason.PERCENT),
        Arguments.of("encoded NUL", "/a%00b", null, Reason.NUL_BYTE),
        Arguments.of("encoded newline", "/a%0ab", null, Reason.CONTROL_CHARACTER),
        Arguments.of("overlong UTF-8 dot", "/%c0%ae%c0%ae/x", null, Reason.NON_ASCII),
        Arguments.of("UTF-8 fullwidth dot", "/%ef%bc%8e%ef%bc%8e/x", null, Reason.NON_ASCII),
        Arguments.of("bad hex", "/%zz", null, Reason.BAD_ENCODING),
        Arguments.of("truncated escape", "/a%2", null, Reason.BAD_ENCODING),
        Arguments.of("percent at the end", "/a%", null, Reason.BAD_ENCODING),
        Arguments.of("IIS %u escape", "/%u002e%u002e/x", null, Reason.BAD_ENCODING),
        Arguments.of("fullwidth digits after %", "/%\uff12\uff45", null, Reason.BAD_ENCODING),
        Arguments.of("root", "/", null, Reason.EMPTY),
        Arguments.of("overlong raw path", "/" + "a".repeat(3 * 1024), null, Reason.TOO_LONG));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void httpPaths(String label, String raw, String expected, Reason reason) {
    SafePath.Checked c = SafePath.httpName(raw);
    if (reason == null) {
      assertEquals(expected, assertInstanceOf(SafePath.Name.class, c, label).value(), label);
    } else {
      assertEquals(reason, assertInstanceOf(SafePath.Refused.class, c, label).reason(), label);
    }
  }

  static Stream<Arguments> resolution() {
    return Stream.of(
        Arguments.of("regular file", "pxelinux.0", "pxelinux.0", null),
        Arguments.of("leading slash", "/pxelinux.0", "pxelinux.0", null),
        Arguments.of("backslash", "pxelinux.cfg\\default", "pxelinux.cfg/default", null),
        Arguments.of("empty file", "empty.bin", "empty.bin", null),
        Arguments.of("relative link inside", "link-in", "sub/file.bin", null),
        Arguments.of("absolute link inside", "link-in-abs", "sub/file.bin", null),
        Arguments.of("relative link out", "link-out", null, Reason.OUTSIDE_ROOT),
        Arguments.of("absolute link out", "link-out-abs", null, Reason.OUTSIDE_ROOT),
        Arguments.of("through a directory link out", "dir-out/secret.txt", null, Reason.OUTSIDE_ROOT),
        Arguments.of("sibling sharing the root's prefix", "sibling", null, Reason.OUTSIDE_ROOT),
        Arguments.of("directory", "sub", null, Reason.NOT_A_REGULAR_FILE),
        Arguments.of("directory link out", "dir-out", null, Reason.OUTSIDE_ROOT),
        Arguments.of("missing", "nope.bin", null, null),
        Arguments.of("dangling link", "dangling", null, null),
        Arguments.of("link loop", "loop", null, null),
        Arguments.of("file used as a directory", "pxelinux.0/x", null, null));
  }

  /** {@code expected} null and {@code reason} null: missing. */
  @ParameterizedTest(name = "{0}")
  @MethodSource
  void resolution(String label, String name, String expected, Reason reason) throws IOException {
    SafePath.Result r = SafePath.resolve(boot.root, name);
    if (expected != null) {
      SafePath.Found f = assertInstanceOf(SafePath.Found.class, r, label);
      assertEquals(boot.root.resolve(expected).toRealPath(), f.path(), label);
      assertEquals(Files.size(boot.root.resolve(expected)), f.size(), label);
    } else if (reason != null) {
      assertEquals(reason, assertInstanceOf(SafePath.Refused.class, r, label).reason(), label);
    } else {
      assertInstanceOf(SafePath.Missing.class, r, label);
    }
  }

  @Test
  void fifoIsNotServed() {
    assumeTrue(boot.hasFifo, "mkfifo is not available here");
    SafePath.Refused r = assertInstanceOf(SafePath.Refused.class, SafePath.resolve(boot.root, "fifo"));
    assertEquals(Reason.NOT_A_REGULAR_FILE, r.reason());
  }

  @Test
  void deviceIsNotServed() {
    assumeTrue(boot.hasDevice, "mknod needs root (CAP_MKNOD)");
    SafePath.Refused r = assertInstanceOf(SafePath.Refused.class, SafePath.resolve(boot.root, "null-device"));
    assertEquals(Reason.NOT_A_REGULAR_FILE, r.reason());
  }

  @Test
  void rootGivenThroughALinkStillServesItsFiles() throws IOException {
    Path alias = Files.createSymbolicLink(tmp.resolve("root-alias"), boot.root);
    SafePath.Found f = assertInstanceOf(SafePath.Found.class, SafePath.resolve(alias, "pxelinux.0"));
    assertEquals(boot.root.resolve("pxelinux.0").toRealPath(), f.path());
    assertEquals(Reason.OUTSIDE_ROOT,
        assertInstanceOf(SafePath.Refused.class, SafePath.resolve(alias, "link-out")).reason());
  }

  @Test
  void missingRootIsMissingNotAnError() {
    assertInstanceOf(SafePath.Missing.class, SafePath.resolve(tmp.resolve("no-such-root"), "pxelinux.0"));
  }

  @Test
  void unreadableFileIsRefused() throws IOException {
    assumeTrue(!"root".equals(System.getProperty("user.name")), "root reads every file");
    Path f = Files.writeString(boot.root.resolve("locked.bin"), "x");
    assertTrue(f.toFile().setReadable(false, false));
    try {
      assertEquals(Reason.UNREADABLE,
          assertInstanceOf(SafePath.Refused.class, SafePath.resolve(boot.root, "locked.bin")).reason());
    } finally {
      f.toFile().setReadable(true, false);
    }
  }
}
