package dev.pxebus.tftp;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.runtime.ConfigException;
import dev.pxebus.runtime.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TftpConfigTest {

  private static TftpConfig config(Map<String, String> values) {
    return TftpConfig.from(Settings.of(TftpConfig.keys(), values));
  }

  @Test
  void defaults() {
    TftpConfig c = config(Map.of());
    assertAll(
        () -> assertEquals(Path.of("/var/lib/pxebus/boot"), c.root()),
        () -> assertEquals(69, c.tftpPort()),
        () -> assertEquals(Optional.empty(), c.advertiseAddress()),
        () -> assertEquals(Duration.ofSeconds(5), c.announceInterval()),
        () -> assertEquals(TftpConfig.DEFAULT_ADMIN_PORT, c.common().adminPort()),
        () -> assertEquals("tftp-service", c.common().service()),
        () -> assertEquals(Duration.ofNanos(200_000), c.busyPoll().spin()),
        () -> assertEquals(8, c.busyPoll().maxDemand()));
  }

  @Test
  void busyPollingCanBeTurnedOffOrTuned() {
    assertFalse(config(Map.of("tftp.busy-poll-us", "0")).busyPoll().enabled());
    TftpConfig c = config(Map.of("tftp.busy-poll-us", "75", "tftp.busy-poll-max-transfers", "2"));
    assertEquals(Duration.ofNanos(75_000), c.busyPoll().spin());
    assertEquals(2, c.busyPoll().maxDemand());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "port too large,        tftp.port,                 70000",
      "port not a number,     tftp.port,                 tftp",
      "interval zero,         replica.announce-interval, 0s",
      "interval without unit, replica.announce-interval, 5",
      "interval negative,     replica.announce-interval, -1s",
      "busy poll negative,    tftp.busy-poll-us,         -1",
      "busy poll over 10 ms,  tftp.busy-poll-us,         10001",
      "no transfers to poll,  tftp.busy-poll-max-transfers, 0"})
  void refused(String name, String key, String value) {
    ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of(key, value)));
    assertTrue(e.getMessage().contains("'" + key + "' = '" + value + "'"), e.getMessage());
  }
}
