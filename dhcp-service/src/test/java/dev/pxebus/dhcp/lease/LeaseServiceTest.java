package dev.pxebus.dhcp.lease;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Named.named;

import dev.pxebus.dhcp.codec.DhcpOption;
import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.dhcp.codec.MessageType;
import dev.pxebus.dhcp.codec.OptionCode;
import dev.pxebus.dhcp.lease.LeaseRecord.State;
import dev.pxebus.dhcp.lease.LeaseService.Context;
import dev.pxebus.dhcp.lease.LeaseService.Decision;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Address assignment as RFC 2131 has the server do it (§4.3: DISCOVER, REQUEST in its SELECTING / INIT-REBOOT /
 * RENEWING / REBINDING forms, DECLINE, RELEASE, INFORM; §4.4 client states as the server sees them). Pure: packets
 * built here go in, decisions come out, the clock is {@link Context#nowMillis()} and only moves when a test moves it.
 */
class LeaseServiceTest {
  static final long T0 = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();
  static final Duration LEASE = Duration.ofHours(1);
  static final Duration LEASE_B = Duration.ofHours(2);
  static final Duration HOLD = Duration.ofSeconds(30);
  static final Duration QUARANTINE = Duration.ofMinutes(10);

  /** The server's address on subnet A, the interface requests arrive on; also its server identifier (54). */
  static final int SERVER = ip("10.0.0.1");
  static final int OTHER_SERVER = ip("10.0.0.2");
  static final int ROUTER_A = ip("10.0.0.1");
  static final int DNS = ip("10.0.0.53");
  /** A relay agent on subnet B (behind a router, RFC 2131 §4.1 giaddr). */
  static final int RELAY_B = ip("10.0.1.1");
  static final int FIRST = ip("10.0.0.100");

  static final Client A = client("52:54:00:00:00:0a");
  static final Client B = client("52:54:00:00:00:0b");
  static final Client C = client("52:54:00:00:00:0c");
  static final Client D = client("52:54:00:00:00:0d");
  static final Client E = client("52:54:00:00:00:0e");
  static final Client F = client("52:54:00:00:00:0f");
  static final Client G = client("52:54:00:00:00:10");
  /** The machine with a reservation in the reservation tests. */
  static final Client R = client("52:54:00:00:00:99");

  /** 10.0.0.0/24 on the server's interface: the dynamic range is 10.0.0.100 and the {@code pool - 1} after it. */
  static Subnet subnetA(int pool) {
    return new Subnet(ip("10.0.0.0"), 24, List.of(new Subnet.Range(FIRST, FIRST + pool - 1)), List.of(),
        Optional.of(ROUTER_A), List.of(DNS), Optional.of("lab.example"), LEASE);
  }

  /** 10.0.1.0/24 behind {@link #RELAY_B}, with a longer lease so replies show which subnet answered. */
  static final Subnet SUBNET_B = new Subnet(ip("10.0.1.0"), 24,
      List.of(new Subnet.Range(ip("10.0.1.100"), ip("10.0.1.104"))), List.of(), Optional.of(RELAY_B), List.of(),
      Optional.empty(), LEASE_B);

  // ============================================================================================ DISCOVER → OFFER

  @Test
  void offerComesFromThePoolWithLeaseTimesAndSubnetOptions() {
    Lab lab = new Lab(10);
    Decision d = lab.send(A.discover().xid(0xCAFE));
    DhcpPacket offer = reply(d, MessageType.OFFER);
    assertAll(
        () -> assertEquals(FIRST, offer.yiaddr(), "yiaddr: the first address of the pool"),
        () -> assertEquals(DhcpPacket.BOOTREPLY, offer.op()),
        () -> assertEquals(0xCAFE, offer.xid(), "xid echoed"),
        () -> assertEquals(A.mac(), LeaseService.mac(offer), "chaddr echoed"),
        () -> assertEquals(0, offer.ciaddr(), "§4.3.1 table 3: OFFER has ciaddr 0"),
        () -> assertEquals(0, offer.giaddr()),
        () -> assertEquals(SERVER, ipOpt(offer, OptionCode.SERVER_ID), "54"),
        () -> assertEquals(3600, u32(offer, OptionCode.LEASE_TIME), "51"),
        () -> assertEquals(1800, u32(offer, OptionCode.RENEWAL_TIME), "58: T1 = 0.5 × lease (§4.4.5)"),
        () -> assertEquals(3150, u32(offer, OptionCode.REBINDING_TIME), "59: T2 = 0.875 × lease (§4.4.5)"),
        () -> assertEquals(ip("255.255.255.0"), ipOpt(offer, OptionCode.SUBNET_MASK), "1"),
        () -> assertEquals(ip("10.0.0.255"), ipOpt(offer, OptionCode.BROADCAST_ADDRESS), "28"),
        () -> assertEquals(ROUTER_A, ipOpt(offer, OptionCode.ROUTER), "3"),
        () -> assertEquals(DNS, ipOpt(offer, OptionCode.DNS_SERVERS), "6"),
        () -> assertEquals(Optional.of("lab.example"), text(offer, OptionCode.DOMAIN_NAME), "15"),
        () -> assertTrue(d.journal().isEmpty(), "an offer is not journalled"));
  }

  @Test
  void anOfferIsHeldForItsClientUntilTheHoldLapses() {
    Lab lab = new Lab(1);
    int x = lab.offered(A.discover());

    silent(lab.send(B.discover()), "no free address");
    silent(lab.send(B.discover().requested(x)), "no free address");
    lab.advance(HOLD.minusMillis(1));
    silent(lab.send(B.discover()), "no free address");

    lab.advance(Duration.ofMillis(1));
    assertEquals(x, lab.offered(B.discover()), "§4.3.1: after offerHold the address may be offered again");
    assertEquals(x, ack(lab.send(B.selecting(x))).yiaddr());
  }

  @Test
  void theSameClientRediscoveringGetsTheSameAddress() {
    Lab lab = new Lab(10);
    int x = lab.offered(A.discover());
    lab.offered(B.discover());
    assertEquals(x, lab.offered(A.discover().xid(2)), "within the hold");
    lab.advance(HOLD.minusSeconds(1));
    assertEquals(x, lab.offered(A.discover().xid(3)), "a re-DISCOVER renews the hold");
    lab.advance(HOLD.minusSeconds(1));
    assertEquals(x, ack(lab.send(A.selecting(x))).yiaddr(), "so the offer is still good");
    lab.advance(Duration.ofMinutes(5));
    assertEquals(x, lab.offered(A.discover().xid(4)), "§4.3.1: a bound client is offered its current binding");
    lab.advance(LEASE.multipliedBy(3));
    assertEquals(x, lab.offered(A.discover().xid(5)), "§4.3.1: else its expired binding's address, if free");
  }

  @Test
  void aBoundClientThatRediscoversAndLetsTheOfferLapseKeepsItsLease() {
    Lab lab = new Lab(1);
    int x = lab.bind(A);
    assertEquals(x, lab.offered(A.discover()), "offered its own lease");
    lab.advance(HOLD.plusSeconds(1));
    silent(lab.send(B.discover()), "no free address");
    silent(lab.send(B.discover().requested(x)), "no free address");
    nak(lab.send(B.renewing(x)));
    lab.svc.expire(lab.now);
    silent(lab.send(B.discover()), "no free address"); // expire() dropped the lapsed offer, not the lease
    assertEquals(List.of(A.key()), lab.svc.activeLeases(lab.now).stream().map(LeaseRecord::clientKey).toList());
    assertEquals(x, ack(lab.send(A.renewing(x))).yiaddr());
  }

  /** DISCOVER with option 50: honoured when the address is free and in the range (§4.3.1), otherwise ignored. */
  private record AskCase(int requested, int expected) {}

  static Stream<Arguments> requestedAddressInDiscover() {
    int next = FIRST + 2; // .100 is bound to B, .101 offered to C
    return Stream.of(
        Arguments.of(named("free and in the range: honoured", new AskCase(ip("10.0.0.105"), ip("10.0.0.105")))),
        Arguments.of(named("last address of the range: honoured", new AskCase(ip("10.0.0.109"), ip("10.0.0.109")))),
        Arguments.of(named("bound to another client: ignored", new AskCase(FIRST, next))),
        Arguments.of(named("held in another client's offer: ignored", new AskCase(FIRST + 1, next))),
        Arguments.of(named("in the subnet, outside the range: ignored", new AskCase(ip("10.0.0.50"), next))),
        Arguments.of(named("the router's address: ignored", new AskCase(ROUTER_A, next))),
        Arguments.of(named("the broadcast address: ignored", new AskCase(ip("10.0.0.255"), next))),
        Arguments.of(named("on another served subnet: ignored", new AskCase(ip("10.0.1.100"), next))),
        Arguments.of(named("on no served subnet: ignored", new AskCase(ip("192.168.7.10"), next))),
        Arguments.of(named("reserved for another machine: ignored", new AskCase(ip("10.0.0.106"), next))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestedAddressInDiscover")
  void requestedAddressInDiscover(AskCase c) {
    Lab lab = new Lab(10);
    lab.svc.setReservations(List.of(new Reservation(R.mac(), ip("10.0.0.106"), Optional.empty(), "test")));
    assertEquals(FIRST, lab.bind(B));
    assertEquals(FIRST + 1, lab.offered(C.discover()));
    assertEquals(c.expected(), lab.offered(A.discover().requested(c.requested())));
  }

  // ============================================================================================ REQUEST, SELECTING

  /** What a REQUEST should get: a reply type (null = silence) and a reason fragment. */
  private record Outcome(MessageType type, String reason) {
    static Outcome ack() {
      return new Outcome(MessageType.ACK, "");
    }

    static Outcome nak(String reason) {
      return new Outcome(MessageType.NAK, reason);
    }

    static Outcome silence(String reason) {
      return new Outcome(null, reason);
    }
  }

  /** A request built from the address the scenario set up, and what it should get. */
  private record RequestCase(Function<Integer, Req> request, Outcome outcome) {}

  private static Arguments row(String name, Function<Integer, Req> request, Outcome outcome) {
    return Arguments.of(named(name, new RequestCase(request, outcome)));
  }

  static Stream<Arguments> selecting() {
    return Stream.of(
        row("54 = this server, 50 = the offered address: ACK", x -> A.selecting(x), Outcome.ack()),
        row("54 = this server, 50 = another free address: NAK", x -> A.selecting(x + 5),
            Outcome.nak("was not offered")),
        row("54 = this server, 50 = the address offered to another client: NAK", x -> A.selecting(x + 1),
            Outcome.nak("was not offered")),
        row("54 = this server, 50 on no served subnet: NAK", x -> A.selecting(ip("192.168.7.10")),
            Outcome.nak("was not offered")),
        row("54 = this server, no option 50: NAK", x -> A.request().serverId(SERVER),
            Outcome.nak("without option 50")),
        row("54 = another server: silence (§4.3.2: the client chose that server)",
            x -> A.request().serverId(OTHER_SERVER).requested(x), Outcome.silence("chose server 10.0.0.2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selecting")
  void selecting(RequestCase c) {
    Lab lab = new Lab(10);
    int x = lab.offered(A.discover());
    assertEquals(x + 1, lab.offered(B.discover()));
    Decision d = lab.send(c.request().apply(x));
    expect(d, c.outcome(), x, lab);
  }

  @Test
  void selectingAnotherServerFreesOurOfferForOtherClients() {
    Lab lab = new Lab(1);
    int x = lab.offered(A.discover());
    silent(lab.send(B.discover()), "no free address");
    silent(lab.send(A.request().serverId(OTHER_SERVER).requested(x)), "chose server");
    assertEquals(x, lab.offered(B.discover()), "freed at once, not after offerHold");
    assertEquals(x, ack(lab.send(B.selecting(x))).yiaddr());
  }

  @Test
  void selectingAnotherServerKeepsTheClientsExistingLease() {
    // A bound client rebooted into INIT, was offered its lease again and then took another server's offer: the
    // offer goes, the lease (a binding until it expires or is released) does not.
    Lab lab = new Lab(1);
    int x = lab.bind(A);
    assertEquals(x, lab.offered(A.discover()));
    silent(lab.send(A.request().serverId(OTHER_SERVER).requested(x)), "chose server");
    silent(lab.send(B.discover()), "no free address");
    assertEquals(x, ack(lab.send(A.renewing(x))).yiaddr());
  }

  @Test
  void aLateSelectingRequestForAnAddressGivenToAnotherClientIsNaked() {
    // A's offer lapsed, B was offered the address and bound it; A's REQUEST arrives late. ACKing it would bind one
    // address to two clients (§4.3.1: the offered address is the server's to reuse once the hold is over).
    Lab lab = new Lab(1);
    int x = lab.offered(A.discover());
    lab.advance(HOLD.plusSeconds(1));
    assertEquals(x, lab.bind(B));
    nak(lab.send(A.selecting(x)));
    assertEquals(x, ack(lab.send(B.renewing(x))).yiaddr(), "B keeps it");
  }

  @Test
  void aSelectingRequestAfterTheHoldLapsedIsAckedWhileTheAddressIsStillFree() {
    Lab lab = new Lab(1);
    int x = lab.offered(A.discover());
    lab.advance(HOLD.multipliedBy(3));
    assertEquals(x, ack(lab.send(A.selecting(x))).yiaddr());
  }

  @Test
  void theLeaseIsTheSubnetsUnlessTheClientAsksForLess() {
    Lab lab = new Lab(10);
    int x = lab.offered(A.discover());
    DhcpPacket shorter = ack(lab.send(A.selecting(x).leaseTime(600)));
    assertEquals(List.of(600L, 300L, 525L), leaseTimes(shorter), "51/58/59 for a 600 s lease");
    assertEquals(lab.now + 600_000, lab.journal.get(A.key()).expiresMillis());

    DhcpPacket longer = ack(lab.send(A.renewing(x).leaseTime(86_400)));
    assertEquals(List.of(3600L, 1800L, 3150L), leaseTimes(longer), "never more than the subnet's lease");
  }

  // ============================================================================================ REQUEST, INIT-REBOOT

  static Stream<Arguments> initReboot() {
    return Stream.of(
        row("known client, its own address: ACK", x -> A.initReboot(x), Outcome.ack()),
        row("known client, another address of the pool: NAK", x -> A.initReboot(ip("10.0.0.107")),
            Outcome.nak("but the client's address is 10.0.0.100")),
        row("known client, the address of another client: NAK", x -> A.initReboot(x + 1),
            Outcome.nak("but the client's address is")),
        row("known client, address on a wrong subnet: NAK", x -> A.initReboot(ip("192.168.7.10")),
            Outcome.nak("is not on 10.0.0.0/24")),
        row("known client relayed from subnet B asking its subnet-A address: NAK",
            x -> A.initReboot(x).giaddr(RELAY_B), Outcome.nak("is not on 10.0.1.0/24")),
        row("unknown client: silence (§4.3.2 MUST remain silent)", x -> C.initReboot(ip("10.0.0.107")),
            Outcome.silence("no record here")),
        row("unknown client asking a bound address: silence", x -> C.initReboot(x),
            Outcome.silence("no record here")),
        row("unknown client, address on a wrong subnet: NAK (§4.3.2)", x -> C.initReboot(ip("192.168.7.10")),
            Outcome.nak("is not on 10.0.0.0/24")),
        row("no server id, no ciaddr, no option 50: silence", x -> A.request(),
            Outcome.silence("neither server id, ciaddr nor option 50")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("initReboot")
  void initReboot(RequestCase c) {
    Lab lab = new Lab(10);
    int x = lab.bind(A);
    assertEquals(x + 1, lab.bind(B));
    lab.advance(Duration.ofMinutes(10));
    expect(lab.send(c.request().apply(x)), c.outcome(), x, lab);
  }

  @Test
  void initRebootOfAnExpiredLeaseAnotherClientTookIsNaked() {
    Lab lab = new Lab(1);
    int x = lab.bind(A);
    lab.advance(LEASE.plusMinutes(1));
    assertEquals(x, lab.bind(B));
    nak(lab.send(A.initReboot(x)));
  }

  // ============================================================================================ RENEWING / REBINDING

  /** A renewal at {@code after} past the binding at T0 (A has .100, B has .101). */
  private record RenewCase(Duration after, Function<Integer, Req> request, Outcome outcome) {}

  private static Arguments renew(String name, Duration after, Function<Integer, Req> request, Outcome outcome) {
    return Arguments.of(named(name, new RenewCase(after, request, outcome)));
  }

  static Stream<Arguments> renewing() {
    Duration t1 = LEASE.dividedBy(2);
    Duration t2 = LEASE.multipliedBy(7).dividedBy(8);
    return Stream.of(
        renew("RENEWING its own address at T1: ACK, extended", t1, x -> A.renewing(x), Outcome.ack()),
        renew("REBINDING (broadcast) its own address at T2: ACK, extended", t2, x -> A.rebinding(x), Outcome.ack()),
        renew("RENEWING with option 54 absent and 50 present is still RENEWING", t1,
            x -> A.renewing(x).requested(x), Outcome.ack()),
        renew("RENEWING the address bound to another client: NAK", t1, x -> A.renewing(x + 1),
            Outcome.nak("belongs to another client")),
        renew("RENEWING after the lease expired, nobody took it: ACK, same address", LEASE.plusHours(3),
            x -> A.renewing(x), Outcome.ack()),
        renew("RENEWING exactly at expiry: ACK", LEASE, x -> A.renewing(x), Outcome.ack()),
        renew("RENEWING a subnet address outside the pool: NAK", t1, x -> A.renewing(ip("10.0.0.50")),
            Outcome.nak("does not hand out")),
        renew("RENEWING the router's address: NAK", t1, x -> A.renewing(ROUTER_A),
            Outcome.nak("does not hand out")),
        renew("RENEWING a free address reserved for another machine: NAK", t1, x -> A.renewing(ip("10.0.0.108")),
            Outcome.nak("reserved for another machine")),
        renew("the reserved machine RENEWING its address it has no record of: ACK", t1,
            x -> R.renewing(ip("10.0.0.108")), Outcome.ack()),
        renew("RENEWING an address on no served subnet: silence", t1, x -> A.renewing(ip("192.168.7.10")),
            Outcome.silence("on no subnet served here")),
        renew("unknown client RENEWING a bound address: NAK", t1, x -> C.renewing(x),
            Outcome.nak("belongs to another client")),
        renew("unknown client RENEWING a free pool address: ACK (adopted, e.g. after a failover)", t1,
            x -> C.renewing(ip("10.0.0.107")), Outcome.ack()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renewing")
  void renewing(RenewCase c) {
    Lab lab = new Lab(10);
    lab.svc.setReservations(List.of(new Reservation(R.mac(), ip("10.0.0.108"), Optional.empty(), "test")));
    int x = lab.bind(A);
    assertEquals(x + 1, lab.bind(B));
    lab.advance(c.after());
    Decision d = lab.send(c.request().apply(x));
    expect(d, c.outcome(), x, lab);
    if (c.outcome().type() == MessageType.ACK) {
      LeaseRecord r = d.journal().get(0);
      assertEquals(lab.now, r.startMillis(), "the lease starts again now");
      assertEquals(lab.now + LEASE.toMillis(), r.expiresMillis(), "expiry extended by a whole lease");
      assertEquals(d.reply().orElseThrow().ciaddr(), d.reply().orElseThrow().yiaddr(),
          "§4.3.1 table 3: ACK echoes ciaddr");
    }
  }

  @Test
  void renewingAfterExpiryIsNakedWhenAnotherClientTookTheAddress() {
    Lab lab = new Lab(1);
    int x = lab.bind(A);
    lab.advance(LEASE.plusMinutes(1));
    lab.svc.expire(lab.now);
    assertEquals(x, lab.bind(B));
    nak(lab.send(A.renewing(x)));
    nak(lab.send(A.rebinding(x)));
  }

  @Test
  void anUnexpiredLeaseIsNeverGivenToAnother() {
    Lab lab = new Lab(1);
    int x = lab.bind(A);
    lab.advance(LEASE.minusMillis(1));
    silent(lab.send(B.discover()), "no free address");
    lab.advance(Duration.ofMillis(1));
    assertEquals(x, lab.offered(B.discover()), "expired (expiresMillis <= now): free");
  }

  // ============================================================================================ DECLINE

  @Test
  void aDeclinedAddressIsQuarantinedAndTheClientGetsAnother() {
    Lab lab = new Lab(3);
    int x = lab.offered(A.discover());
    Decision d = lab.send(A.decline(x));
    assertTrue(d.reply().isEmpty(), "§4.3.3: no reply to DECLINE");
    long until = lab.now + QUARANTINE.toMillis();
    assertEquals(List.of(
        new LeaseRecord(A.key(), A.mac(), x, State.DECLINED, lab.now, until, ""),
        new LeaseRecord("declined:10.0.0.100", A.mac(), x, State.DECLINED, lab.now, until, "")), d.journal());

    int y = lab.offered(A.discover());
    assertNotEquals(x, y, "the declining client gets a different address");
    assertEquals(y, ack(lab.send(A.selecting(y))).yiaddr());
    int z = lab.bind(B);
    assertFalse(Set.of(x, y).contains(z));
    silent(lab.send(C.discover()), "no free address");
    silent(lab.send(C.discover().requested(x)), "no free address");
    nak(lab.send(C.renewing(x)));

    lab.advance(QUARANTINE.minusMillis(1));
    silent(lab.send(C.discover()), "no free address");
    lab.advance(Duration.ofMillis(1));
    assertEquals(x, lab.offered(C.discover()), "quarantine over");
  }

  @Test
  void theQuarantineLapsesThroughExpireToo() {
    Lab lab = new Lab(1);
    int x = lab.offered(A.discover());
    lab.send(A.decline(x));
    lab.advance(QUARANTINE);
    lab.svc.expire(lab.now);
    assertEquals(x, lab.offered(B.discover()));
  }

  @Test
  void aDeclineOfAnAddressAnotherClientHoldsIsIgnored() {
    Lab lab = new Lab(2);
    int x = lab.bind(B);
    silent(lab.send(A.decline(x)), "which this client does not hold");
    assertEquals(x, ack(lab.send(B.renewing(x))).yiaddr());
    assertNotEquals(x, lab.offered(C.discover()));
  }

  // ============================================================================================ RELEASE

  @Test
  void aReleaseFreesTheAddressAndItsClientGetsItBackFirst() {
    Lab lab = new Lab(10);
    int x = lab.bind(A);
    lab.advance(Duration.ofMinutes(5));
    Decision d = lab.send(A.release(x));
    assertTrue(d.reply().isEmpty(), "§4.3.4: no reply to RELEASE");
    LeaseRecord r = d.journal().get(0);
    assertEquals(List.of(State.RELEASED, x, lab.now), List.of(r.state(), r.ip(), r.expiresMillis()));
    assertTrue(lab.svc.activeLeases(lab.now).isEmpty());

    lab.advance(Duration.ofMinutes(5));
    assertEquals(x, lab.offered(A.discover()), "affinity: the client that released it gets it back");
  }

  @Test
  void othersReuseAReleasedAddressOnlyWhenNoNeverUsedAddressIsFree() {
    Lab lab = new Lab(5);
    int a = lab.bind(A);
    lab.bind(B);
    lab.bind(C);
    lab.bind(D);
    int e = lab.offered(E.discover()); // the last address; the pool's cursor wraps to the first
    silent(lab.send(E.request().serverId(OTHER_SERVER).requested(e)), "chose server");
    lab.send(A.release(a));

    assertEquals(e, lab.offered(F.discover()), "a free address nobody held comes before A's released one");
    assertEquals(a, lab.offered(G.discover()), "when nothing else is free, A's released address is reused");
  }

  @Test
  void aReleaseOfAnAddressTheClientDoesNotHoldIsIgnored() {
    Lab lab = new Lab(10);
    int x = lab.bind(A);
    int y = lab.bind(B);
    silent(lab.send(A.release(y)), "does not hold");
    silent(lab.send(C.release(x)), "does not hold");
    assertEquals(2, lab.svc.activeLeases(lab.now).size());
  }

  // ============================================================================================ INFORM

  @Test
  void informIsAckedWithConfigurationButNoLease() {
    Lab lab = new Lab(10);
    int mine = ip("10.0.0.42"); // configured by hand, outside the pool
    Decision d = lab.send(A.inform(mine));
    DhcpPacket ack = reply(d, MessageType.ACK);
    assertAll(
        () -> assertEquals(0, ack.yiaddr(), "§4.3.5: no yiaddr"),
        () -> assertEquals(mine, ack.ciaddr(), "ciaddr echoed"),
        () -> assertTrue(ack.option(OptionCode.LEASE_TIME).isEmpty(), "§4.3.5: no lease time"),
        () -> assertTrue(ack.option(OptionCode.RENEWAL_TIME).isEmpty()),
        () -> assertTrue(ack.option(OptionCode.REBINDING_TIME).isEmpty()),
        () -> assertEquals(SERVER, ipOpt(ack, OptionCode.SERVER_ID)),
        () -> assertEquals(ip("255.255.255.0"), ipOpt(ack, OptionCode.SUBNET_MASK)),
        () -> assertEquals(ROUTER_A, ipOpt(ack, OptionCode.ROUTER)),
        () -> assertTrue(d.journal().isEmpty(), "nothing to journal"));
    silent(lab.send(A.inform(ip("192.168.7.10"))), "on no subnet served here");
  }

  // ============================================================================================ reservations

  @Test
  void theReservedMachineAlwaysGetsItsAddressEvenOutsideTheRange() {
    Lab lab = new Lab(10);
    int reserved = ip("10.0.0.20");
    lab.svc.setReservations(List.of(new Reservation("52-54-00-00-00-99", reserved, Optional.of("node-7"), "test")));

    DhcpPacket offer = reply(lab.send(R.discover().requested(ip("10.0.0.105")).hostname("whatever")),
        MessageType.OFFER);
    assertEquals(reserved, offer.yiaddr(), "reservation wins over option 50");
    assertEquals(Optional.of("node-7"), text(offer, OptionCode.HOSTNAME), "12 from the reservation");

    Decision d = lab.send(R.selecting(reserved).hostname("whatever"));
    DhcpPacket ack = ack(d);
    assertEquals(reserved, ack.yiaddr());
    assertEquals(Optional.of("node-7"), text(ack, OptionCode.HOSTNAME));
    assertEquals("node-7", d.journal().get(0).hostname());

    lab.advance(Duration.ofMinutes(40));
    assertEquals(reserved, ack(lab.send(R.renewing(reserved))).yiaddr());
    assertEquals(reserved, ack(lab.send(R.initReboot(reserved))).yiaddr());
    lab.send(R.release(reserved));
    lab.advance(LEASE.multipliedBy(5));
    assertEquals(reserved, lab.offered(R.discover()), "released and long gone: still its address");
  }

  @Test
  void noOtherClientEverGetsAReservedAddress() {
    Lab lab = new Lab(4);
    int reserved = FIRST; // inside the range, where the pool's walk starts
    lab.svc.setReservations(List.of(new Reservation(R.mac(), reserved, Optional.empty(), "test")));

    Set<Integer> given = new HashSet<>();
    for (Client c : List.of(A, B, C)) given.add(lab.bind(c));
    assertEquals(Set.of(FIRST + 1, FIRST + 2, FIRST + 3), given);
    silent(lab.send(D.discover()), "no free address");
    silent(lab.send(D.discover().requested(reserved)), "no free address");
    nak(lab.send(D.renewing(reserved)));
    silent(lab.send(D.initReboot(reserved)), "no record here");
    nak(lab.send(A.initReboot(reserved)));
    nak(lab.send(A.selecting(reserved)));

    assertEquals(reserved, lab.bind(R), "its machine gets it");
  }

  @Test
  void aReservationOfABoundAddressTakesEffectWhenTheLeaseMovesOrEnds() {
    Lab lab = new Lab(10);
    int x = lab.bind(A);
    assertEquals(x, lab.offered(A.discover()), "a bound client that rediscovers is offered its lease");
    lab.svc.setReservations(List.of(new Reservation(R.mac(), x, Optional.of("node-r"), "catalog")));
    lab.advance(HOLD.plusSeconds(1));

    int y = lab.offered(A.discover());
    assertNotEquals(x, y, "A is moved off the now reserved address");
    // A's lease on x runs until A takes y or it ends; R is told nothing, and the log says why.
    Decision held = lab.send(R.discover());
    silent(held, "reserved address held: 10.0.0.100, reserved for " + R.mac() + ", is held by client ");
    assertTrue(held.reason().contains(", leased until "), held.reason());
    DhcpPacket nak = nak(lab.send(A.renewing(x)));
    assertEquals(Optional.of("renewal of 10.0.0.100, which is reserved for another machine"),
        text(nak, OptionCode.MESSAGE));

    assertEquals(y, ack(lab.send(A.selecting(y))).yiaddr());
    assertEquals(x, lab.bind(R), "free now: its machine gets it");
  }

  @Test
  void aClientsOwnHostnameIsEchoedWhenValidAndNoReservationNamesIt() {
    Lab lab = new Lab(10);
    assertEquals(Optional.of("node-1.lab"), text(reply(lab.send(A.discover().hostname("node-1.lab")),
        MessageType.OFFER), OptionCode.HOSTNAME));
    assertEquals(Optional.empty(), text(reply(lab.send(B.discover().hostname("bad name;rm")), MessageType.OFFER),
        OptionCode.HOSTNAME), "not a host name: dropped");
  }

  // ============================================================================================ client identity

  /** Two requests' identities; whether the server must treat them as one client (§4.2: 61 wins over chaddr). */
  private record IdentityCase(Client first, Client second, boolean same) {}

  static Stream<Arguments> clientIdentity() {
    return Stream.of(
        Arguments.of(named("same chaddr, no 61: same client", new IdentityCase(A, A, true))),
        Arguments.of(named("different chaddrs, same 61: same client",
            new IdentityCase(A.withId("\u0001node-1"), B.withId("\u0001node-1"), true))),
        Arguments.of(named("same chaddr, different 61: different clients",
            new IdentityCase(A.withId("\u0001node-1"), A.withId("\u0001node-2"), false))),
        Arguments.of(named("same chaddr, 61 on the first only: different clients",
            new IdentityCase(A.withId("\u0001node-1"), A, false))),
        Arguments.of(named("different chaddrs, no 61: different clients", new IdentityCase(A, B, false))),
        Arguments.of(named("an empty 61 is no identifier: chaddr decides", new IdentityCase(A.withId(""), A, true))),
        // A PXE chain: EDK2 (no 61) then its iPXE (61 = type 1 + MAC) is one machine; so the other way round.
        Arguments.of(named("no 61, then 61 = hardware type + chaddr (firmware, then iPXE): same client",
            new IdentityCase(A, A.withId(hardwareId(A.mac())), true))),
        Arguments.of(named("61 = hardware type + chaddr, then none: same client",
            new IdentityCase(A.withId(hardwareId(A.mac())), A, true))),
        Arguments.of(named("61 = hardware type + another MAC: not chaddr's client",
            new IdentityCase(A, A.withId(hardwareId(B.mac())), false))),
        Arguments.of(named("61 = another hardware type + chaddr: not chaddr's client",
            new IdentityCase(A, A.withId("\u0006" + hardwareId(A.mac()).substring(1)), false))));
  }

  /** Option 61 as iPXE sends it: hardware type 1 (Ethernet), then the MAC. */
  private static String hardwareId(String mac) {
    StringBuilder b = new StringBuilder("\u0001");
    for (String octet : mac.split(":")) b.append((char) Integer.parseInt(octet, 16));
    return b.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clientIdentity")
  void clientIdentity(IdentityCase c) {
    Lab lab = new Lab(10);
    int x = lab.bind(c.first());
    Decision again = lab.send(c.second().discover());
    Decision reboot = lab.send(c.second().initReboot(x));
    if (c.same()) {
      assertEquals(x, reply(again, MessageType.OFFER).yiaddr());
      assertEquals(x, ack(reboot).yiaddr());
    } else {
      assertNotEquals(x, reply(again, MessageType.OFFER).yiaddr());
      silent(reboot, "no record here");
    }
  }

  @Test
  void theClientIdentifierIsEchoed() {
    Lab lab = new Lab(10);
    Client a = A.withId("\u0001node-1");
    DhcpPacket offer = reply(lab.send(a.discover()), MessageType.OFFER);
    assertEquals(Optional.of("\u0001node-1"), text(offer, OptionCode.CLIENT_ID), "RFC 6842");
    assertEquals(Optional.of("\u0001node-1"), text(nak(lab.send(a.initReboot(ip("192.168.7.10")))),
        OptionCode.CLIENT_ID));
  }

  // ============================================================================================ relayed requests

  /** A DISCOVER with this giaddr: the subnet it must be served from (§4.3.1), or null for silence. */
  private record RelayCase(int giaddr, Subnet expected, String reason) {}

  static Stream<Arguments> relayed() {
    return Stream.of(
        Arguments.of(named("no giaddr: the receiving interface's subnet",
            new RelayCase(0, subnetA(10), ""))),
        Arguments.of(named("giaddr = the relay on subnet B: subnet B", new RelayCase(RELAY_B, SUBNET_B, ""))),
        Arguments.of(named("giaddr = any address of subnet B: subnet B",
            new RelayCase(ip("10.0.1.77"), SUBNET_B, ""))),
        Arguments.of(named("giaddr on subnet A (a relay on the server's own segment): subnet A",
            new RelayCase(ip("10.0.0.254"), subnetA(10), ""))),
        Arguments.of(named("giaddr on no configured subnet: silence",
            new RelayCase(ip("172.16.0.1"), null, "relayed from 172.16.0.1, which is on no subnet served here"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("relayed")
  void relayed(RelayCase c) {
    Lab lab = new Lab(10);
    Decision d = lab.send(A.discover().giaddr(c.giaddr()));
    if (c.expected() == null) {
      silent(d, c.reason());
      silent(lab.send(A.selecting(FIRST).giaddr(c.giaddr())), c.reason());
      silent(lab.send(A.initReboot(FIRST).giaddr(c.giaddr())), c.reason());
      return;
    }
    DhcpPacket offer = reply(d, MessageType.OFFER);
    Subnet s = c.expected();
    assertTrue(s.assignable(offer.yiaddr()), Ip4.text(offer.yiaddr()) + " from " + s.cidr());
    assertEquals(c.giaddr(), offer.giaddr(), "giaddr kept");
    assertEquals(s.router().orElseThrow(), ipOpt(offer, OptionCode.ROUTER));
    assertEquals(s.leaseTime().toSeconds(), u32(offer, OptionCode.LEASE_TIME));
    assertEquals(SERVER, ipOpt(offer, OptionCode.SERVER_ID), "54: the receiving interface's address");

    DhcpPacket ack = ack(lab.send(A.selecting(offer.yiaddr()).giaddr(c.giaddr())));
    assertEquals(offer.yiaddr(), ack.yiaddr());
    assertEquals(c.giaddr(), ack.giaddr(), "giaddr kept");
    DhcpPacket nak = nak(lab.send(A.selecting(offer.yiaddr() + 1).giaddr(c.giaddr())));
    assertEquals(c.giaddr(), nak.giaddr(), "§4.3.2: a NAK keeps giaddr too");
  }

  @Test
  void aConfiguredServerIdIsOption54OnEveryReply() {
    int configured = ip("10.9.9.9");
    LeaseService svc = new LeaseService(List.of(subnetA(10)),
        new LeaseService.Options(HOLD, QUARANTINE, Optional.of(configured)), List.of());
    Context ctx = new Context(T0, SERVER, "eth0");
    DhcpPacket offer = reply(svc.replyFor(ctx, A.discover().build()), MessageType.OFFER);
    assertEquals(configured, ipOpt(offer, OptionCode.SERVER_ID));
    silent(svc.replyFor(ctx, A.request().serverId(SERVER).requested(offer.yiaddr()).build()), "chose server");
    assertEquals(configured, ipOpt(nak(svc.replyFor(ctx, A.initReboot(ip("192.168.7.1")).build())),
        OptionCode.SERVER_ID));
  }

  // ============================================================================================ exhaustion

  @Test
  void aFourthClientOnAPoolOfThreeGetsSilence() {
    Lab lab = new Lab(3);
    Set<Integer> given = new HashSet<>();
    for (Client c : List.of(A, B, C)) given.add(lab.bind(c));
    assertEquals(Set.of(FIRST, FIRST + 1, FIRST + 2), given);
    silent(lab.send(D.discover()), "no free address in 10.0.0.0/24");
    lab.send(B.release(FIRST + 1));
    assertEquals(FIRST + 1, lab.offered(D.discover()), "a released address is free again");
  }

  // ============================================================================================ restart

  @Test
  void afterARestartBoundClientsRenewToTheSameAddresses() {
    Lab lab = new Lab(10);
    int a = lab.bind(A);
    int b = lab.bind(B.withId("\u0001node-b"));
    int c = lab.bind(C);
    lab.send(C.release(c));
    lab.advance(Duration.ofMinutes(20));

    Lab after = lab.restart();
    assertEquals(2, after.svc.activeLeases(after.now).size());
    assertEquals(a, ack(after.send(A.renewing(a))).yiaddr());
    assertEquals(b, ack(after.send(B.withId("\u0001node-b").initReboot(b))).yiaddr());
    assertEquals(c, after.offered(C.discover()), "affinity survives too");
  }

  @Test
  void afterARestartNewClientsNeverGetAStillBoundAddress() {
    Lab lab = new Lab(5);
    Set<Integer> bound = Set.of(lab.bind(A), lab.bind(B));
    Lab after = lab.restart();
    Set<Integer> given = new HashSet<>();
    for (Client c : List.of(C, D, E)) given.add(after.bind(c));
    assertTrue(Collections.disjoint(bound, given), bound + " vs " + given);
    silent(after.send(F.discover()), "no free address");
  }

  @Test
  void afterARestartAQuarantinedAddressStaysQuarantined() {
    Lab lab = new Lab(2);
    int x = lab.offered(A.discover());
    lab.send(A.decline(x));
    lab.advance(Duration.ofMinutes(1));

    Lab after = lab.restart();
    int y = after.bind(B);
    assertNotEquals(x, y);
    silent(after.send(C.discover()), "no free address");
    nak(after.send(C.renewing(x)));
    after.advance(QUARANTINE);
    assertEquals(x, after.offered(C.discover()), "the quarantine still ends when it was going to");
  }

  /** Journal states where one address appears in two clients' latest records; which one is current. */
  private record RecoveryCase(Function<Lab, Integer> history, Client holder) {}

  static Stream<Arguments> recoveryOrder() {
    return Stream.of(
        Arguments.of(named("A's lease expired (no EXPIRED record yet) and B bound the address",
            new RecoveryCase(lab -> {
              int x = lab.bind(A);
              lab.advance(LEASE.plusMinutes(1));
              lab.bind(B);
              return x;
            }, B))),
        Arguments.of(named("the address was quarantined, the quarantine ran out and B bound it",
            new RecoveryCase(lab -> {
              int x = lab.offered(A.discover());
              lab.send(A.decline(x));
              lab.advance(QUARANTINE.plusMinutes(1));
              lab.bind(B);
              return x;
            }, B))),
        Arguments.of(named("A's lease expired and C declined the address (quarantine still running)",
            new RecoveryCase(lab -> {
              int x = lab.bind(A);
              lab.advance(LEASE.plusMinutes(1));
              lab.offered(C.discover());
              lab.send(C.decline(x));
              return x;
            }, null))));
  }

  /** The journal hands back a map's values: the outcome may not depend on their order. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("recoveryOrder")
  void recoveryDoesNotDependOnTheOrderOfTheRecords(RecoveryCase c) {
    for (boolean reversed : List.of(false, true)) {
      Lab lab = new Lab(1);
      int x = c.history().apply(lab);
      List<LeaseRecord> records = new ArrayList<>(lab.journal.values());
      records.sort((p, q) -> Long.compare(p.startMillis(), q.startMillis()));
      if (reversed) Collections.reverse(records);
      Lab after = new Lab(lab.subnets, records, lab.now);
      String order = reversed ? "latest first" : "oldest first";

      silent(after.send(G.discover()), "no free address");
      nak(after.send(G.renewing(x)));
      nak(after.send(A.renewing(x)));
      if (c.holder() != null) {
        assertEquals(x, ack(after.send(c.holder().renewing(x))).yiaddr(), order);
        assertEquals(List.of(c.holder().key()),
            after.svc.activeLeases(after.now).stream().map(LeaseRecord::clientKey).toList(), order);
      } else {
        assertTrue(after.svc.activeLeases(after.now).isEmpty(), order);
      }
    }
  }

  // ============================================================================================ invariants

  /**
   * Seeded random traffic from 50 clients over a pool of 12 (and two reservations) with the clock advancing and
   * a restart from the journal now and then: no address is ever held (bound, unexpired, per the ACKs seen) by two
   * clients, and every address handed out is in the pool or the client's reservation.
   */
  @Test
  void noAddressIsEverHeldByTwoClients() {
    Random rnd = new Random(2131L);
    int pool = 12;
    Subnet subnet = new Subnet(ip("10.0.0.0"), 24, List.of(new Subnet.Range(FIRST, FIRST + pool - 1)), List.of(),
        Optional.of(ROUTER_A), List.of(), Optional.empty(), Duration.ofMinutes(10));
    Set<Integer> inPool = new HashSet<>();
    for (int i = 0; i < pool; i++) inPool.add(FIRST + i);
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Client c = client(String.format("52:54:00:00:01:%02x", i));
      clients.add(i % 3 == 0 ? c.withId("\u0001client-" + i) : c);
    }
    Map<String, Integer> reservedFor = Map.of(clients.get(1).mac(), FIRST + 5, clients.get(2).mac(), ip("10.0.0.20"));
    List<Reservation> reservations = reservedFor.entrySet().stream()
        .map(e -> new Reservation(e.getKey(), e.getValue(), Optional.empty(), "test")).toList();
    LeaseService.Options options = new LeaseService.Options(HOLD, Duration.ofMinutes(2), Optional.empty());

    Map<String, LeaseRecord> journal = new HashMap<>();
    LeaseService svc = new LeaseService(List.of(subnet), options, List.of());
    svc.setReservations(reservations);
    long now = T0;
    record Held(int ip, long until) {}
    Map<Integer, Held> held = new HashMap<>(); // client index -> what its latest ACK granted
    Map<Integer, Integer> lastOffer = new HashMap<>();
    Map<Integer, Integer> lastAck = new HashMap<>();
    Map<MessageType, Integer> seen = new HashMap<>();
    int acksAfterExpiry = 0;

    for (int step = 0; step < 5000; step++) {
      now += rnd.nextInt(15_000);
      if (step % 1000 == 999) {
        List<LeaseRecord> recovered = new ArrayList<>(journal.values());
        Collections.shuffle(recovered, rnd);
        svc = new LeaseService(List.of(subnet), options, recovered);
        svc.setReservations(reservations);
      }
      if (rnd.nextInt(5) == 0) svc.expire(now).forEach(r -> journal.put(r.clientKey(), r));

      int i = rnd.nextInt(clients.size());
      Client c = clients.get(i);
      Integer offered = lastOffer.get(i);
      Integer acked = lastAck.get(i);
      int action = rnd.nextInt(12);
      Req req;
      if (action < 4 || (action < 7 && offered == null) || (action >= 7 && acked == null)) {
        req = rnd.nextInt(4) == 0 ? c.discover().requested(FIRST + rnd.nextInt(pool + 2)) : c.discover();
      } else if (action < 6) {
        req = c.selecting(offered);
      } else if (action == 6) {
        req = rnd.nextBoolean() ? c.request().serverId(OTHER_SERVER).requested(offered) : c.decline(offered);
      } else {
        req = switch (action) {
          case 7 -> c.renewing(acked);
          case 8 -> c.rebinding(acked);
          case 9 -> c.initReboot(acked);
          case 10 -> c.release(acked);
          default -> c.renewing(FIRST + rnd.nextInt(pool)); // a confused or foreign client
        };
      }
      DhcpPacket packet = req.xid(step).build();
      Decision d = svc.replyFor(new Context(now, SERVER, "eth0"), packet);
      d.journal().forEach(r -> journal.put(r.clientKey(), r));
      String where = "step " + step + ", client " + i + ", " + packet.messageType() + " " + packet + " -> " + d;

      for (LeaseRecord r : d.journal()) {
        if (r.clientKey().equals(c.key()) && (r.state() == State.RELEASED || r.state() == State.DECLINED)) {
          held.remove(i);
        }
      }
      if (d.reply().isPresent()) {
        DhcpPacket p = d.reply().get();
        MessageType t = p.messageType();
        seen.merge(t, 1, Integer::sum);
        int y = p.yiaddr();
        if (t == MessageType.OFFER || t == MessageType.ACK) {
          boolean reserved = reservedFor.containsValue(y);
          assertTrue(reserved ? Integer.valueOf(y).equals(reservedFor.get(c.mac())) : inPool.contains(y),
              "handed out " + Ip4.text(y) + " which is neither in the pool nor this client's reservation; " + where);
          for (Map.Entry<Integer, Held> h : held.entrySet()) {
            if (h.getKey() != i && h.getValue().ip() == y && h.getValue().until() > now) {
              fail(Ip4.text(y) + " is held by client " + h.getKey() + " until " + h.getValue().until() + "; " + where);
            }
          }
        }
        if (t == MessageType.OFFER) lastOffer.put(i, y);
        if (t == MessageType.ACK) {
          Held before = held.get(i);
          if (before != null && before.ip() == y && before.until() <= now) acksAfterExpiry++;
          held.put(i, new Held(y, now + u32(p, OptionCode.LEASE_TIME) * 1000));
          lastAck.put(i, y);
          assertEquals(List.of(y), d.journal().stream().filter(r -> r.state() == State.BOUND)
              .map(LeaseRecord::ip).toList(), "an ACK journals its binding; " + where);
        }
        if (t == MessageType.NAK) assertEquals(0, y, where);
      } else {
        seen.merge(packet.messageType(), 1, Integer::sum);
      }
      List<Integer> active = svc.activeLeases(now).stream().map(LeaseRecord::ip).toList();
      assertEquals(new HashSet<>(active).size(), active.size(), "the server's own bound leases collide; " + where);
    }
    for (MessageType t : List.of(MessageType.OFFER, MessageType.ACK, MessageType.NAK, MessageType.DECLINE,
        MessageType.RELEASE)) {
      assertTrue(seen.getOrDefault(t, 0) > 20, "the random traffic should exercise " + t + ": " + seen);
    }
    assertTrue(acksAfterExpiry > 0, "some lease should be renewed after it expired: " + seen);
  }

  // ============================================================================================ malformed input

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(named("op = 2 (a BOOTREPLY)", A.discover().op(DhcpPacket.BOOTREPLY)), "not a BOOTREQUEST (op 2)"),
        Arguments.of(named("htype = 6 (IEEE 802)", A.discover().htype(6)), "hardware type 6/length 6 is not Ethernet"),
        Arguments.of(named("hlen = 8", A.discover().hlen(8)), "hardware type 1/length 8 is not Ethernet"),
        Arguments.of(named("message type missing (a BOOTP request)", A.discover().without(OptionCode.MESSAGE_TYPE)),
            "message type UNKNOWN is not one a server answers"),
        Arguments.of(named("message type 53 two bytes long", A.discover().without(OptionCode.MESSAGE_TYPE)
            .option(OptionCode.MESSAGE_TYPE, new byte[] {1, 1})), "message type UNKNOWN"),
        Arguments.of(named("message type 99", A.discover().without(OptionCode.MESSAGE_TYPE)
            .option(OptionCode.MESSAGE_TYPE, new byte[] {99})), "message type UNKNOWN"),
        Arguments.of(named("a client sending OFFER", new Req(MessageType.OFFER, A)), "message type OFFER"),
        Arguments.of(named("a client sending ACK", new Req(MessageType.ACK, A)), "message type ACK"),
        Arguments.of(named("a client sending NAK", new Req(MessageType.NAK, A)), "message type NAK"),
        Arguments.of(named("DECLINE without option 50", new Req(MessageType.DECLINE, A)), "DECLINE without option 50"),
        Arguments.of(named("option 50 three bytes long in an INIT-REBOOT", A.request()
            .option(OptionCode.REQUESTED_IP, new byte[] {10, 0, 0})), "neither server id, ciaddr nor option 50"),
        Arguments.of(named("RELEASE with ciaddr 0", new Req(MessageType.RELEASE, A)), "does not hold"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedButDecodableRequestsGetSilenceWithAReason(Req req, String reason) {
    Lab lab = new Lab(10);
    Decision d = lab.send(req);
    silent(d, reason);
    assertTrue(d.journal().isEmpty());
    assertEquals(FIRST, lab.offered(B.discover()), "nothing was taken from the pool");
  }

  // ============================================================================================ fixtures

  /** A client's identity: its hardware address and, when it sends one, its client identifier (61). */
  record Client(String mac, String clientId) {
    Client withId(String id) {
      return new Client(mac, id);
    }

    /** The key the server files this client under (RFC 2131 §4.2). */
    String key() {
      return LeaseService.clientKey(discover().build());
    }

    Req discover() {
      return new Req(MessageType.DISCOVER, this);
    }

    Req request() {
      return new Req(MessageType.REQUEST, this);
    }

    /** §4.3.2 SELECTING: 54 = this server, 50 = the offered address, ciaddr 0. */
    Req selecting(int offered) {
      return request().serverId(SERVER).requested(offered);
    }

    /** §4.3.2 INIT-REBOOT: no 54, ciaddr 0, 50 = the remembered address. */
    Req initReboot(int remembered) {
      return request().requested(remembered);
    }

    /** §4.3.2 RENEWING: unicast, ciaddr = the address in use, no 54 or 50. */
    Req renewing(int inUse) {
      return request().ciaddr(inUse);
    }

    /** §4.3.2 REBINDING: as RENEWING, but broadcast. */
    Req rebinding(int inUse) {
      return request().ciaddr(inUse).broadcast();
    }

    Req decline(int address) {
      return new Req(MessageType.DECLINE, this).requested(address).serverId(SERVER);
    }

    Req release(int address) {
      return new Req(MessageType.RELEASE, this).ciaddr(address).serverId(SERVER);
    }

    Req inform(int address) {
      return new Req(MessageType.INFORM, this).ciaddr(address);
    }
  }

  static Client client(String mac) {
    return new Client(mac, null);
  }

  /** A request under construction: header fields and options in the order they are added. */
  static final class Req {
    private int op = DhcpPacket.BOOTREQUEST;
    private int htype = 1;
    private int hlen = 6;
    private long xid = 0x2131;
    private int flags;
    private int ciaddr;
    private int giaddr;
    private final byte[] chaddr;
    private final List<DhcpOption> options = new ArrayList<>();

    Req(MessageType type, Client c) {
      chaddr = HexFormat.ofDelimiter(":").parseHex(c.mac());
      option(OptionCode.MESSAGE_TYPE, new byte[] {(byte) type.value()});
      if (c.clientId() != null) option(OptionCode.CLIENT_ID, c.clientId().getBytes(StandardCharsets.ISO_8859_1));
    }

    Req option(int code, byte[] value) {
      options.add(new DhcpOption(code, value));
      return this;
    }

    Req without(int code) {
      options.removeIf(o -> o.code() == code);
      return this;
    }

    Req requested(int ip) {
      return option(OptionCode.REQUESTED_IP, Ip4.bytes(ip));
    }

    Req serverId(int ip) {
      return option(OptionCode.SERVER_ID, Ip4.bytes(ip));
    }

    Req hostname(String name) {
      return option(OptionCode.HOSTNAME, name.getBytes(StandardCharsets.US_ASCII));
    }

    Req leaseTime(int seconds) {
      return option(OptionCode.LEASE_TIME, ByteBuffer.allocate(4).putInt(seconds).array());
    }

    Req ciaddr(int ip) {
      ciaddr = ip;
      return this;
    }

    Req giaddr(int ip) {
      giaddr = ip;
      return this;
    }

    Req xid(long id) {
      xid = id;
      return this;
    }

    Req broadcast() {
      flags |= DhcpPacket.FLAG_BROADCAST;
      return this;
    }

    Req op(int value) {
      op = value;
      return this;
    }

    Req htype(int value) {
      htype = value;
      return this;
    }

    Req hlen(int value) {
      hlen = value;
      return this;
    }

    DhcpPacket build() {
      return new DhcpPacket(op, htype, hlen, giaddr == 0 ? 0 : 1, xid, 0, flags, ciaddr, 0, 0, giaddr, chaddr, "", "",
          options);
    }

    @Override
    public String toString() {
      return build().toString();
    }
  }

  /** One server with subnets A (pool of the given size) and B, its clock, and the journal's latest records. */
  static final class Lab {
    final List<Subnet> subnets;
    final Map<String, LeaseRecord> journal = new HashMap<>();
    final LeaseService svc;
    long now;

    Lab(int pool) {
      this(List.of(subnetA(pool), SUBNET_B), List.of(), T0);
    }

    Lab(List<Subnet> subnets, Collection<LeaseRecord> recovered, long now) {
      this.subnets = subnets;
      this.svc = new LeaseService(subnets, new LeaseService.Options(HOLD, QUARANTINE, Optional.empty()), recovered);
      this.now = now;
      recovered.forEach(r -> journal.put(r.clientKey(), r));
    }

    /** A new server over the journal this one wrote, at the same time, with the same reservations. */
    Lab restart() {
      Lab after = new Lab(subnets, journal.values(), now);
      after.svc.setReservations(svc.reservations().values());
      return after;
    }

    Decision send(Req r) {
      Decision d = svc.replyFor(new Context(now, SERVER, "eth0"), r.build());
      d.journal().forEach(j -> journal.put(j.clientKey(), j));
      return d;
    }

    void advance(Duration d) {
      now += d.toMillis();
    }

    int offered(Req discover) {
      return reply(send(discover), MessageType.OFFER).yiaddr();
    }

    /** DISCOVER, then REQUEST the offer (SELECTING): the bound address. */
    int bind(Client c) {
      int x = offered(c.discover());
      Decision d = send(c.selecting(x));
      assertEquals(x, ack(d).yiaddr());
      return x;
    }
  }

  /** Checks a decision against the expected outcome; for an ACK, that it binds {@code x} or the asked address. */
  private static void expect(Decision d, Outcome o, int x, Lab lab) {
    if (o.type() == null) {
      silent(d, o.reason());
      assertTrue(d.journal().isEmpty(), "silence journals nothing");
    } else if (o.type() == MessageType.NAK) {
      DhcpPacket nak = nak(d);
      assertTrue(d.reason().contains(o.reason()), "reason '" + d.reason() + "' should contain '" + o.reason() + "'");
      assertEquals(Optional.of(d.reason()), text(nak, OptionCode.MESSAGE), "56 carries the reason");
    } else {
      DhcpPacket ack = ack(d);
      assertEquals(1, d.journal().size());
      LeaseRecord r = d.journal().get(0);
      assertEquals(List.of(State.BOUND, ack.yiaddr()), List.of(r.state(), r.ip()), "journalled as BOUND");
      assertTrue(lab.svc.activeLeases(lab.now).contains(r));
    }
  }

  static DhcpPacket reply(Decision d, MessageType type) {
    assertTrue(d.reply().isPresent(), "expected " + type + ", got silence: " + d.reason());
    DhcpPacket p = d.reply().get();
    assertEquals(type, p.messageType(), "reply type (reason: " + d.reason() + ")");
    assertEquals(DhcpPacket.BOOTREPLY, p.op());
    return p;
  }

  /** An ACK with a lease: yiaddr set, 51/58/59 present, journalled as BOUND. */
  static DhcpPacket ack(Decision d) {
    DhcpPacket p = reply(d, MessageType.ACK);
    assertNotEquals(0, p.yiaddr(), "an ACK to a REQUEST carries yiaddr");
    assertEquals(3, leaseTimes(p).size(), "51, 58 and 59");
    assertEquals(List.of(p.yiaddr()), d.journal().stream().filter(r -> r.state() == State.BOUND)
        .map(LeaseRecord::ip).toList(), "the binding is journalled before the ACK leaves");
    return p;
  }

  /** RFC 2131 §4.3.2 / table 3: a NAK has 53 = 6, 54 and 56, yiaddr and ciaddr 0, no lease; nothing journalled. */
  static DhcpPacket nak(Decision d) {
    DhcpPacket p = reply(d, MessageType.NAK);
    assertAll(
        () -> assertArrayEquals(new byte[] {6}, p.optionValue(OptionCode.MESSAGE_TYPE).orElseThrow(), "53 = 6"),
        () -> assertTrue(p.option(OptionCode.SERVER_ID).isPresent(), "54"),
        () -> assertFalse(text(p, OptionCode.MESSAGE).orElse("").isEmpty(), "56 says why"),
        () -> assertEquals(0, p.yiaddr(), "yiaddr 0"),
        () -> assertEquals(0, p.ciaddr(), "ciaddr 0"),
        () -> assertTrue(p.option(OptionCode.LEASE_TIME).isEmpty(), "no 51"),
        () -> assertTrue(d.journal().isEmpty(), "a NAK journals nothing"));
    return p;
  }

  static void silent(Decision d, String reason) {
    assertTrue(d.reply().isEmpty(), "expected silence (" + reason + "), got " + d.reply().map(p -> p.messageType()
        + " " + Ip4.text(p.yiaddr())).orElse("") + ", reason: " + d.reason());
    assertTrue(d.reason().contains(reason), "reason '" + d.reason() + "' should contain '" + reason + "'");
  }

  static List<Long> leaseTimes(DhcpPacket p) {
    List<Long> out = new ArrayList<>();
    for (int code : new int[] {OptionCode.LEASE_TIME, OptionCode.RENEWAL_TIME, OptionCode.REBINDING_TIME}) {
      if (p.option(code).isPresent()) out.add(u32(p, code));
    }
    return out;
  }

  static long u32(DhcpPacket p, int code) {
    byte[] v = p.optionValue(code).orElseThrow(() -> new AssertionError("option " + code + " missing in " + p));
    assertEquals(4, v.length, "option " + code + " length");
    return Integer.toUnsignedLong(ByteBuffer.wrap(v).getInt());
  }

  static int ipOpt(DhcpPacket p, int code) {
    byte[] v = p.optionValue(code).orElseThrow(() -> new AssertionError("option " + code + " missing in " + p));
    assertEquals(4, v.length, "option " + code + " length");
    return Ip4.fromBytes(v, 0);
  }

  static Optional<String> text(DhcpPacket p, int code) {
    return p.optionValue(code).map(v -> new String(v, StandardCharsets.ISO_8859_1));
  }

  static int ip(String dotted) {
    return Ip4.parse(dotted);
  }
}
