package dev.pxebus.dhcp;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.dhcp.DhcpConfig.Mode;
import dev.pxebus.dhcp.DhcpConfig.Pool;
import dev.pxebus.runtime.ConfigException;
import dev.pxebus.runtime.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Mode, interface and pool: proxyDHCP by default; server mode only with an explicit interface and pool. */
class DhcpConfigTest {

  private static DhcpConfig config(Map<String, String> values) {
    return DhcpConfig.from(Settings.of(DhcpConfig.keys(), values));
  }

  @Test
  void defaultIsProxyWithNoInterfaceAndNoPool() {
    DhcpConfig c = config(Map.of());
    assertAll(
        () -> assertEquals(Mode.PROXY, c.mode()),
        () -> assertEquals(Optional.empty(), c.iface()),
        () -> assertEquals(Optional.empty(), c.pool()),
        () -> assertEquals(Duration.ofSeconds(15), c.replicaStaleAfter()),
        () -> assertEquals(DhcpConfig.DEFAULT_ADMIN_PORT, c.common().adminPort()),
        () -> assertEquals("dhcp-service", c.common().service()),
        () -> assertEquals(Duration.ofMillis(50), c.common().eventLinger(), "its events gather for 50 ms"));
  }

  @Test
  void eventLingerIsConfigurableUpToOneSecond() {
    assertEquals(Duration.ofMillis(5), config(Map.of("events.linger", "5ms")).common().eventLinger());
    ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("events.linger", "2s")));
    assertTrue(e.getMessage().contains("events.linger"), e.getMessage());
  }

  /** A configuration that is accepted, and what it becomes. */
  private record Good(Map<String, String> values, Mode mode, Optional<String> iface, Optional<Pool> pool) {}

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of(named("server with interface and pool", new Good(
            Map.of("dhcp.mode", "server", "dhcp.interface", "eth1", "dhcp.pool", "10.0.0.100-10.0.0.199"),
            Mode.SERVER, Optional.of("eth1"), Optional.of(new Pool("10.0.0.100", "10.0.0.199"))))),
        Arguments.of(named("mode is case-insensitive", new Good(
            Map.of("dhcp.mode", "SERVER", "dhcp.interface", "eth1", "dhcp.pool", "10.0.0.1-10.0.0.1"),
            Mode.SERVER, Optional.of("eth1"), Optional.of(new Pool("10.0.0.1", "10.0.0.1"))))),
        Arguments.of(named("pool with blanks around the dash", new Good(
            Map.of("dhcp.mode", "server", "dhcp.interface", "eth1", "dhcp.pool", "192.168.7.10 - 192.168.7.20"),
            Mode.SERVER, Optional.of("eth1"), Optional.of(new Pool("192.168.7.10", "192.168.7.20"))))),
        Arguments.of(named("proxy names an interface", new Good(
            Map.of("dhcp.mode", "proxy", "dhcp.interface", "br0"),
            Mode.PROXY, Optional.of("br0"), Optional.empty()))),
        Arguments.of(named("full address space edges", new Good(
            Map.of("dhcp.mode", "server", "dhcp.interface", "eth1", "dhcp.pool", "0.0.0.0-255.255.255.255"),
            Mode.SERVER, Optional.of("eth1"), Optional.of(new Pool("0.0.0.0", "255.255.255.255"))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void acceptedConfigurations(Good c) {
    DhcpConfig config = config(c.values());
    assertEquals(c.mode(), config.mode());
    assertEquals(c.iface(), config.iface());
    assertEquals(c.pool(), config.pool());
  }

  /** A configuration that is refused, and what the message must say. */
  private record Refused(Map<String, String> values, List<String> mentions) {}

  static Stream<Arguments> refused() {
    List<String> needsBoth = List.of("dhcp.interface", "dhcp.pool");
    return Stream.of(
        Arguments.of(named("server without interface", new Refused(
            Map.of("dhcp.mode", "server", "dhcp.pool", "10.0.0.100-10.0.0.199"), needsBoth))),
        Arguments.of(named("server without pool", new Refused(
            Map.of("dhcp.mode", "server", "dhcp.interface", "eth1"), needsBoth))),
        Arguments.of(named("server without either", new Refused(Map.of("dhcp.mode", "server"), needsBoth))),
        Arguments.of(named("server with a blank interface", new Refused(
            Map.of("dhcp.mode", "server", "dhcp.interface", "  ", "dhcp.pool", "10.0.0.1-10.0.0.2"), needsBoth))),
        Arguments.of(named("unknown mode", new Refused(
            Map.of("dhcp.mode", "relay"), List.of("dhcp.mode", "relay", "[proxy, server]")))),
        Arguments.of(named("pool is a single address", new Refused(
            Map.of("dhcp.pool", "10.0.0.1"), List.of("dhcp.pool", "10.0.0.1", "not a range")))),
        Arguments.of(named("pool has a missing end", new Refused(
            Map.of("dhcp.pool", "10.0.0.1-"), List.of("dhcp.pool", "not a range")))),
        Arguments.of(named("pool has three parts", new Refused(
            Map.of("dhcp.pool", "10.0.0.1-10.0.0.2-10.0.0.3"), List.of("dhcp.pool", "not a range")))),
        Arguments.of(named("pool is a CIDR block", new Refused(
            Map.of("dhcp.pool", "10.0.0.0/24"), List.of("dhcp.pool", "not a range")))),
        Arguments.of(named("pool start is a host name", new Refused(
            Map.of("dhcp.pool", "localhost-10.0.0.2"), List.of("dhcp.pool", "'localhost' is not an IPv4 address")))),
        Arguments.of(named("pool end has three octets", new Refused(
            Map.of("dhcp.pool", "10.0.0.1-10.0.2"), List.of("dhcp.pool", "'10.0.2' is not an IPv4 address")))),
        Arguments.of(named("pool octet over 255", new Refused(
            Map.of("dhcp.pool", "10.0.0.1-10.0.0.300"), List.of("dhcp.pool", "'10.0.0.300' is not an IPv4 address")))),
        Arguments.of(named("pool is IPv6", new Refused(
            Map.of("dhcp.pool", "fd00::10-fd00::20"), List.of("dhcp.pool", "is not an IPv4 address")))),
        Arguments.of(named("pool reversed", new Refused(
            Map.of("dhcp.pool", "10.0.0.199-10.0.0.100"), List.of("dhcp.pool", "10.0.0.199-10.0.0.100",
                "first address is after the last")))),
        Arguments.of(named("reversed across an octet", new Refused(
            Map.of("dhcp.pool", "10.0.1.0-10.0.0.255"), List.of("dhcp.pool", "first address is after the last")))),
        Arguments.of(named("replica stale-after zero", new Refused(
            Map.of("dhcp.replica-stale-after", "0s"), List.of("dhcp.replica-stale-after", "'0s'")))),
        Arguments.of(named("replica stale-after without unit", new Refused(
            Map.of("dhcp.replica-stale-after", "15"), List.of("dhcp.replica-stale-after", "'15'")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedConfigurations(Refused c) {
    ConfigException e = assertThrows(ConfigException.class, () -> config(c.values()));
    for (String m : c.mentions()) {
      assertTrue(e.getMessage().contains(m), "mentions " + m + ": " + e.getMessage());
    }
  }
}
