package dev.pxebus.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ByteRange#parse} against RFC 9110 §14, for a file of 1000 bytes unless the case says otherwise. */
class ByteRangeTest {
  private static final ByteRange WHOLE = ByteRange.WHOLE;
  private static final ByteRange NONE = ByteRange.UNSATISFIABLE;

  private static ByteRange part(long first, long last) {
    return new ByteRange.Part(first, last);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no header", null, 1000, WHOLE),
        Arguments.of("first-last", "bytes=0-499", 1000, part(0, 499)),
        Arguments.of("second half", "bytes=500-999", 1000, part(500, 999)),
        Arguments.of("open-ended", "bytes=500-", 1000, part(500, 999)),
        Arguments.of("suffix", "bytes=-200", 1000, part(800, 999)),
        Arguments.of("suffix longer than the file", "bytes=-5000", 1000, part(0, 999)),
        Arguments.of("last past the end is clamped", "bytes=900-5000", 1000, part(900, 999)),
        Arguments.of("single byte", "bytes=0-0", 1000, part(0, 0)),
        Arguments.of("last byte", "bytes=999-999", 1000, part(999, 999)),
        Arguments.of("unit is case-insensitive", "Bytes=0-9", 1000, part(0, 9)),
        Arguments.of("blanks around the header", "  bytes=0-9  ", 1000, part(0, 9)),
        Arguments.of("huge last position", "bytes=10-99999999999999999999999", 1000, part(10, 999)),
        Arguments.of("first at the size", "bytes=1000-", 1000, NONE),
        Arguments.of("first past the size", "bytes=5000-6000", 1000, NONE),
        Arguments.of("huge first position", "bytes=99999999999999999999999-", 1000, NONE),
        Arguments.of("zero suffix", "bytes=-0", 1000, NONE),
        Arguments.of("any range of an empty file", "bytes=0-", 0, NONE),
        Arguments.of("suffix of an empty file", "bytes=-10", 0, NONE),
        Arguments.of("several ranges", "bytes=0-9,20-29", 1000, WHOLE),
        Arguments.of("several ranges, one unsatisfiable", "bytes=0-9,5000-", 1000, WHOLE),
        Arguments.of("last before first (invalid)", "bytes=9-0", 1000, WHOLE),
        Arguments.of("other unit", "items=0-9", 1000, WHOLE),
        Arguments.of("no unit", "0-9", 1000, WHOLE),
        Arguments.of("no dash", "bytes=10", 1000, WHOLE),
        Arguments.of("only a dash", "bytes=-", 1000, WHOLE),
        Arguments.of("negative first", "bytes=--5", 1000, WHOLE),
        Arguments.of("signs", "bytes=+1-+5", 1000, WHOLE),
        Arguments.of("blanks inside", "bytes=0 - 9", 1000, WHOLE),
        Arguments.of("hex", "bytes=0x10-0x20", 1000, WHOLE),
        Arguments.of("empty", "", 1000, WHOLE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parse(String label, String header, long size, ByteRange expected) {
    assertEquals(expected, ByteRange.parse(header, size), label);
  }

  @Test
  void headerValues() {
    ByteRange.Part p = new ByteRange.Part(0, 99);
    assertEquals(100, p.length());
    assertEquals("bytes 0-99/1000", p.contentRange(1000));
    assertEquals("bytes */1000", new ByteRange.Unsatisfiable().contentRange(1000));
  }
}
