package dev.pxebus.tftp.boot;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a file name a boot client asked for into a readable regular file under the boot root, or a refusal.
 * The one gate for both TFTP and HTTP: nothing outside the root, nothing that is not a regular file.
 *
 * <p>The rules, in the order they are applied to a name ({@link #name}):
 * <ol>
 *   <li>at most {@link #MAX_NAME_BYTES} bytes in all and {@link #MAX_SEGMENT_BYTES} per segment (Linux NAME_MAX);
 *   <li>printable ASCII only: no NUL, no control characters, nothing above 0x7e. RFC 1350 §2 makes a TFTP file
 *       name a netascii string, and no boot loader names its files otherwise; refusing the rest also removes
 *       Unicode look-alikes of {@code .} and {@code /} and overlong UTF-8 from the question;
 *   <li>no {@code %}: TFTP names are not URL-encoded (RFC 1350), so a percent sign in one is an attempt to smuggle
 *       an encoding past a later decoder. HTTP paths are percent-decoded exactly once first ({@link #httpName});
 *       a {@code %} left after that one decoding is double encoding and refused the same way;
 *   <li>a backslash is a separator: PXE ROMs and Windows-built menus ask for {@code pxelinux.cfg\default},
 *       meaning {@code pxelinux.cfg/default};
 *   <li>one leading {@code /} is dropped: many ROMs ask for {@code /pxelinux.0} meaning the root's
 *       {@code pxelinux.0}, as tftpd-hpa serves it with {@code -s}. Only one: {@code //etc/passwd} then has an
 *       empty segment and is refused;
 *   <li>no empty segments ({@code a//b}, a trailing {@code /}), no segment made only of dots ({@code .}, {@code ..},
 *       {@code ...}): they are never needed to name a boot file, so they are refused rather than normalised;
 *   <li>no Windows drive ({@code C:}, {@code C:\boot.ini}) as the first segment.
 * </ol>
 * Then, on the file system ({@link #resolve(Path, Name)}): the real path (all symbolic links resolved) must stay
 * under the real path of the root — a link inside the root to a file inside it is fine, one that leads out is
 * refused — and must be a readable regular file: directories, FIFOs, sockets and devices are refused.
 *
 * <p>Pure Java NIO, no Vert.x. {@link #resolve} touches the file system and blocks: call it off the event loop.
 * The returned path is real (no symbolic links), so opening it cannot be redirected by a link in the name; a link
 * swapped in by someone with write access to the root after the check is outside this class's reach.
 */
public final class SafePath {
  /** Longest name accepted, in bytes (after percent-decoding, for HTTP). */
  public static final int MAX_NAME_BYTES = 1024;
  /** Longest segment between separators, in bytes (Linux NAME_MAX). */
  public static final int MAX_SEGMENT_BYTES = 255;

  /** Why a name is refused. */
  public enum Reason {
    EMPTY,
    TOO_LONG,
    NUL_BYTE,
    CONTROL_CHARACTER,
    NON_ASCII,
    /** a {@code %} in a TFTP name, or left in an HTTP path after its one decoding (double encoding). */
    PERCENT,
    /** an HTTP path with a {@code %} not followed by two hex digits. */
    BAD_ENCODING,
    EMPTY_SEGMENT,
    DOT_SEGMENT,
    DRIVE_LETTER,
    /** the name, with its symbolic links resolved, leads out of the root. */
    OUTSIDE_ROOT,
    /** a directory, FIFO, socket or device. */
    NOT_A_REGULAR_FILE,
    UNREADABLE
  }

  /** The outcome of checking a name: a {@link Name} or a {@link Refused}. */
  public sealed interface Checked permits Name, Refused {}

  /** The outcome of resolving a name against the root: {@link Found}, {@link Missing} or {@link Refused}. */
  public sealed interface Result permits Found, Missing, Refused {}

  /**
   * A checked name: printable ASCII segments joined by {@code /}, relative to the root, without empty or dot
   * segments. Only {@link #name} and {@link #httpName} make one, so holding a Name means the rules were applied.
   */
  public static final class Name implements Checked {
    private final String value;

    private Name(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }

    public List<String> segments() {
      return Arrays.asList(value.split("/", -1));
    }

    /** The last segment: the file's own name. */
    public String fileName() {
      return value.substring(value.lastIndexOf('/') + 1);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Name n && n.value.equals(value);
    }

    @Override
    public int hashCode() {
      return value.hashCode();
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** A name refused, with the reason and a message naming what was wrong (safe to log; contains no file data). */
  public record Refused(Reason reason, String message) implements Checked, Result {}

  /** A readable regular file under the root: its real path and size. */
  public record Found(Path path, long size) implements Result {}

  /** Nothing by that name under the root. */
  public record Missing(String message) implements Result {}

  private SafePath() {}

  /** Checks a TFTP file name (as the RRQ carries it) and resolves it against the root. Blocks. */
  public static Result resolve(Path root, String requestedName) {
    Checked checked = name(requestedName);
    return checked instanceof Name n ? resolve(root, n) : (Refused) checked;
  }

  /** Checks a file name as TFTP carries it (no percent-decoding). Pure. */
  public static Checked name(String requested) {
    if (requested == null || requested.isEmpty()) return refused(Reason.EMPTY, "empty name");
    if (requested.length() > MAX_NAME_BYTES) {
      return refused(Reason.TOO_LONG, "name longer than " + MAX_NAME_BYTES + " bytes (" + requested.length() + ")");
    }
    for (int i = 0; i < requested.length(); i++) {
      char c = requested.charAt(i);
      if (c == 0) return refused(Reason.NUL_BYTE, "NUL byte at offset " + i);
      if (c < 0x20 || c == 0x7f) {
        return refused(Reason.CONTROL_CHARACTER, String.format("control character 0x%02x at offset %d", (int) c, i));
      }
      if (c > 0x7e) return refused(Reason.NON_ASCII, String.format("non-ASCII character U+%04X at offset %d", (int) c, i));
      if (c == '%') return refused(Reason.PERCENT, "'%' at offset " + i + ": file names are not URL-encoded");
    }
    String s = requested.replace('\\', '/');
    if (s.startsWith("/")) s = s.substring(1);
    if (s.isEmpty()) return refused(Reason.EMPTY, "empty name after the leading '/'");
    String[] segments = s.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String seg = segments[i];
      if (seg.isEmpty()) return refused(Reason.EMPTY_SEGMENT, "empty segment " + (i + 1) + " in '" + show(s) + "'");
      if (seg.chars().allMatch(ch -> ch == '.')) {
        return refused(Reason.DOT_SEGMENT, "dot segment '" + show(seg) + "' in '" + show(s) + "'");
      }
      if (seg.length() > MAX_SEGMENT_BYTES) {
        return refused(Reason.TOO_LONG, "segment " + (i + 1) + " longer than " + MAX_SEGMENT_BYTES + " bytes");
      }
    }
    String first = segments[0];
    if (first.length() >= 2 && first.charAt(1) == ':' && isAsciiLetter(first.charAt(0))) {
      return refused(Reason.DRIVE_LETTER, "Windows drive '" + first.substring(0, 2) + "'");
    }
    return new Name(s);
  }

  /**
   * Checks the path of an HTTP request target (no query): percent-decodes it exactly once (RFC 3986 §2.1; {@code +}
   * is a literal plus in a path), then applies the same rules as {@link #name}. An encoded {@code /} or {@code \}
   * is a separator like a literal one, so {@code ..%2f} is still a dot segment; a {@code %} produced by the
   * decoding ({@code %252e}) is refused as {@link Reason#PERCENT}. Pure.
   */
  public static Checked httpName(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) return refused(Reason.EMPTY, "empty path");
    if (rawPath.length() > 3 * MAX_NAME_BYTES) {
      return refused(Reason.TOO_LONG, "path longer than " + 3 * MAX_NAME_BYTES + " characters (" + rawPath.length() + ")");
    }
    StringBuilder decoded = new StringBuilder(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        int hi = i + 2 < rawPath.length() ? Character.digit(rawPath.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(rawPath.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0 || rawPath.charAt(i + 1) > 0x7e || rawPath.charAt(i + 2) > 0x7e) {
          return refused(Reason.BAD_ENCODING, "'%' at offset " + i + " is not followed by two hex digits");
        }
        // One byte per escape: a byte above 0x7f is (part of) non-ASCII UTF-8 and refused by name() below,
        // which also covers overlong encodings such as %c0%ae.
        decoded.append((char) (hi << 4 | lo));
        i += 2;
      } else {
        decoded.append(c);
      }
    }
    return name(decoded.toString());
  }

  /** Resolves a checked name against the root, following symbolic links. Blocks. */
  public static Result resolve(Path root, Name name) {
    Path realRoot;
    try {
      realRoot = root.toRealPath();
    } catch (IOException e) {
      return new Missing("boot root " + root + " is not accessible: " + e.getMessage());
    }
    Path candidate = realRoot;
    for (String seg : name.segments()) candidate = candidate.resolve(seg);
    // Defence in depth: Name already excludes dot segments and absolute forms.
    if (!candidate.normalize().startsWith(realRoot)) {
      return refused(Reason.OUTSIDE_ROOT, "'" + name + "' leaves the root");
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      return new Missing("no file '" + name + "'");
    } catch (AccessDeniedException e) {
      return refused(Reason.UNREADABLE, "'" + name + "': permission denied");
    } catch (IOException e) {
      // ENOTDIR (a segment is a file), ELOOP (a link cycle), a dangling link: nothing to serve by that name.
      return new Missing("no file '" + name + "': " + e.getMessage());
    }
    if (!real.startsWith(realRoot)) {
      return refused(Reason.OUTSIDE_ROOT, "'" + name + "' is a link leading out of the root");
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(real, BasicFileAttributes.class);
    } catch (IOException e) {
      return new Missing("no file '" + name + "': " + e.getMessage());
    }
    if (!attrs.isRegularFile()) {
      String kind = attrs.isDirectory() ? "a directory" : "not a regular file (FIFO, socket or device)";
      return refused(Reason.NOT_A_REGULAR_FILE, "'" + name + "' is " + kind);
    }
    if (!Files.isReadable(real)) return refused(Reason.UNREADABLE, "'" + name + "' is not readable");
    return new Found(real, attrs.size());
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static Refused refused(Reason reason, String message) {
    return new Refused(reason, message);
  }

  /** A name shortened for a log line. */
  private static String show(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
