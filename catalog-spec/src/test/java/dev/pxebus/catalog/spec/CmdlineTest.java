package dev.pxebus.catalog.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Named.named;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A profile's command line over its image's: one row per merge rule, comparing the exact line. */
class CmdlineTest {
  private static Arguments row(String name, String image, String profile, String merged) {
    return Arguments.of(named(name, new String[] {image, profile}), merged);
  }

  static Stream<Arguments> merges() {
    return Stream.of(
        row("both empty", null, null, null),
        row("image only", "quiet splash", null, "quiet splash"),
        row("profile only", null, "console=ttyS0", "console=ttyS0"),
        row("new parameters follow the image's", "quiet", "ip=dhcp", "quiet ip=dhcp"),
        row("a parameter the profile names replaces the image's", "console=tty0 quiet", "console=ttyS0,115200n8",
            "quiet console=ttyS0,115200n8"),
        row("every image occurrence of it goes; a profile may name it twice", "console=tty0 console=ttyS1 quiet",
            "console=tty0 console=ttyS0", "quiet console=tty0 console=ttyS0"),
        row("a flag is a key too", "quiet splash", "quiet", "splash quiet"),
        row("a key is what comes before the first '='", "root=UUID=abcd ro", "root=/dev/sda1",
            "ro root=/dev/sda1"),
        row("quoted values stay whole", "foo=\"a b\" quiet", "bar=\"c  d\"", "foo=\"a b\" quiet bar=\"c  d\""),
        row("init arguments after -- are kept apart and appended", "quiet -- single", "ip=dhcp -- emergency",
            "quiet ip=dhcp -- single emergency"),
        row("a profile's init arguments only", "quiet", "-- single", "quiet -- single"));
  }

  @ParameterizedTest
  @MethodSource("merges")
  void mergesAProfileOverItsImage(String[] parts, String merged) {
    assertEquals(merged, Cmdline.merge(parts[0], parts[1]));
  }

  @Test
  void splitsLikeLinux() {
    assertEquals(List.of("a", "b=\"x y\"", "c"), Cmdline.split("  a  b=\"x y\"   c "));
    assertEquals("unbalanced double quote",
        assertThrows(IllegalArgumentException.class, () -> Cmdline.split("a=\"b")).getMessage());
  }

  @Test
  void aProfileBootsTheMergedLineAndShowsItsLabel() {
    ImageSpec image = SpecParseTest.debian();
    ProfileSpec profile = SpecParseTest.install();
    assertEquals("priority=critical auto=true console=ttyS0,115200n8", profile.effectiveCmdline(image));
    assertEquals("Install Debian 12 (unattended)", profile.label(image));
    assertEquals("Debian 12 netboot installer", new ProfileSpec("p", image.id(), null, null).label(image));
  }
}
