package dev.pxebus.dhcp.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.events.replica.TftpReplicaEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** next-server and HTTP base for a new boot client: replica, else configured, else this server. */
class BootTargetTest {
  private static final int LOCAL = Ip4.parse("10.0.0.1");
  private static final String TEMPLATE = "http://{server}:8069";

  private static TftpReplicaEvent replica(String id, String address, String http, int active) {
    return new TftpReplicaEvent(id, "host-" + id, address, 69, http, active, 0, false, Instant.EPOCH);
  }

  record Case(List<TftpReplicaEvent> live, Optional<String> nextServer, String server, String http) {}

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(named("no replica, nothing configured: this server", new Case(List.of(), Optional.empty(),
            "10.0.0.1", "http://10.0.0.1:8069"))),
        Arguments.of(named("no replica: the configured next server", new Case(List.of(), Optional.of("10.0.0.9"),
            "10.0.0.9", "http://10.0.0.9:8069"))),
        Arguments.of(named("the first (least-loaded) replica, with its own HTTP URL", new Case(List.of(
            replica("a", "10.0.0.21", "http://10.0.0.21:8069/", 1), replica("b", "10.0.0.22", "", 5)),
            Optional.of("10.0.0.9"), "10.0.0.21", "http://10.0.0.21:8069"))),
        Arguments.of(named("a replica without an HTTP URL gets the template", new Case(List.of(
            replica("b", "10.0.0.22", "", 0)), Optional.empty(), "10.0.0.22", "http://10.0.0.22:8069"))),
        Arguments.of(named("replicas on 0.0.0.0 or a host name are passed over", new Case(List.of(
            replica("any", "0.0.0.0", "", 0), replica("named", "tftp.lab", "", 0),
            replica("c", "10.0.0.23", "http://10.0.0.23:8069", 3)), Optional.empty(), "10.0.0.23",
            "http://10.0.0.23:8069"))),
        Arguments.of(named("only unusable replicas: the configured next server", new Case(List.of(
            replica("any", "0.0.0.0", "", 0)), Optional.of("10.0.0.9"), "10.0.0.9", "http://10.0.0.9:8069"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void choose(Case c) {
    BootTarget.Target t = BootTarget.choose(c.live(), c.nextServer().map(Ip4::parse), LOCAL, TEMPLATE);
    assertEquals(c.server(), Ip4.text(t.server()), t.why());
    assertEquals(c.http(), t.httpBase(), t.why());
  }
}
