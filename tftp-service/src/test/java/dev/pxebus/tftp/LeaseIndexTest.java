package dev.pxebus.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pxebus.events.boot.BootStage;
import dev.pxebus.events.boot.DhcpStepEvent;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which DHCP steps tell tftp-service a machine's address where no lease of ours does (proxyDHCP segments). */
class LeaseIndexTest {
  private static final String MAC = "52:54:00:12:34:56";

  static Stream<Arguments> steps() {
    return Stream.of(
        Arguments.of("our ACK gives yiaddr", BootStage.DHCP_ACK, null, "10.0.0.7", Optional.of("10.0.0.7")),
        Arguments.of("REQUEST to the router (option 50)", BootStage.DHCP_REQUEST, "10.0.0.8", null,
            Optional.of("10.0.0.8")),
        Arguments.of("the 4011 boot server's ACK (ciaddr)", BootStage.PROXY_ACK, "10.0.0.9", null,
            Optional.of("10.0.0.9")),
        Arguments.of("INFORM", BootStage.DHCP_INFORM, "10.0.0.10", null, Optional.of("10.0.0.10")),
        Arguments.of("a DISCOVER names no address", BootStage.DHCP_DISCOVER, null, null, Optional.empty()),
        Arguments.of("an OFFER is only a proposal", BootStage.DHCP_OFFER, null, "10.0.0.11", Optional.empty()),
        Arguments.of("a proxy OFFER has no address", BootStage.PROXY_OFFER, "0.0.0.0", "0.0.0.0", Optional.empty()),
        Arguments.of("a REQUEST without one", BootStage.DHCP_REQUEST, "0.0.0.0", null, Optional.empty()),
        Arguments.of("a NAK", BootStage.DHCP_NAK, "10.0.0.12", null, Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("steps")
  void theAddressADhcpStepShowsItsMachineTaking(String name, BootStage stage, String clientIp, String yourIp,
      Optional<String> expected) {
    DhcpStepEvent step = new DhcpStepEvent(MAC, stage, 42, clientIp, yourIp, "10.0.0.1", null,
        "PXEClient:Arch:00000:UNDI:002001", 0, null, null, null, null, null);
    assertEquals(expected, LeaseIndex.observedIp(step));
  }
}
