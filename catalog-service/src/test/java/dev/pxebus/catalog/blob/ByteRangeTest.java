package dev.pxebus.catalog.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeTest {
  @ParameterizedTest(name = "{0}: ''{1}'' of {2} -> {3}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "none            | NULL            | 100 | Whole[]",
      "first byte      | bytes=0-0       | 100 | Part[first=0, last=0]",
      "closed          | bytes=10-19     | 100 | Part[first=10, last=19]",
      "open-ended      | bytes=90-       | 100 | Part[first=90, last=99]",
      "suffix          | bytes=-5        | 100 | Part[first=95, last=99]",
      "suffix > size   | bytes=-500      | 100 | Part[first=0, last=99]",
      "last clamped    | bytes=50-5000   | 100 | Part[first=50, last=99]",
      "huge number     | bytes=0-99999999999999999999999 | 100 | Part[first=0, last=99]",
      "case, spaces    | ' Bytes = 1-2 ' | 100 | Part[first=1, last=2]",
      "past the end    | bytes=100-      | 100 | Unsatisfiable[]",
      "zero suffix     | bytes=-0        | 100 | Unsatisfiable[]",
      "empty blob      | bytes=0-        | 0   | Unsatisfiable[]",
      "several         | bytes=0-1,5-6   | 100 | Whole[]",
      "reversed        | bytes=5-1       | 100 | Whole[]",
      "other unit      | items=0-1       | 100 | Whole[]",
      "garbage         | bytes=a-b       | 100 | Whole[]",
      "no dash         | bytes=5         | 100 | Whole[]",
      "negative        | bytes=--5       | 100 | Whole[]"})
  void parses(String name, String header, long size, String expected) {
    assertEquals(expected, ByteRange.parse(header, size).toString());
  }
}
