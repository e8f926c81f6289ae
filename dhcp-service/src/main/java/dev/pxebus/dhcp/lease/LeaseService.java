package dev.pxebus.dhcp.lease;

import dev.pxebus.dhcp.codec.DhcpOption;
import dev.pxebus.dhcp.codec.DhcpPacket;
import dev.pxebus.dhcp.codec.DhcpPacket.Ip4;
import dev.pxebus.dhcp.codec.MessageType;
import dev.pxebus.dhcp.codec.OptionCode;
import dev.pxebus.events.Mac;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Address assignment in server mode: RFC 2131 as one call, {@link #replyFor(Context, DhcpPacket)}, over in-memory
 * state rebuilt from the lease journal. No I/O: the caller journals {@link Decision#journal()} (forced to disk)
 * before it sends the reply, and publishes the changes.
 *
 * <p>Invariant: an address has at most one owner at a time — a bound lease, an offer held for the client that asked,
 * or a quarantine after DECLINE — so no address is ever given to two clients. Not single-threaded-safe: one event
 * loop calls it.
 */
public final class LeaseService {
  /** Where and when a request was received. */
  public record Context(long nowMillis, int localAddress, String iface) {}

  /**
   * @param reply what to send, if anything (RFC 2131 §4.3: some requests must be answered with silence)
   * @param journal records to force to disk before the reply leaves (empty for OFFER, NAK, INFORM)
   * @param reason why there is no reply, or why a NAK, for the logs and events
   * @param unserved no reply to a client this server should serve (its reserved address held, the pool exhausted):
   *     something the operator must hear of, not a request that needs no answer
   */
  public record Decision(Optional<DhcpPacket> reply, List<LeaseRecord> journal, String reason, boolean unserved) {
    public Decision(Optional<DhcpPacket> reply, List<LeaseRecord> journal, String reason) {
      this(reply, journal, reason, false);
    }

    static Decision silent(String reason) {
      return new Decision(Optional.empty(), List.of(), reason);
    }

    static Decision unserved(String reason) {
      return new Decision(Optional.empty(), List.of(), reason, true);
    }
  }

  /**
   * @param offerHold how long an offered address is kept for the client that asked (RFC 2131 §4.3.1: "the server
   *     SHOULD NOT reuse an offered address" while the client may still request it)
   * @param declineQuarantine how long an address a client declined (it found it in use) is not handed out
   */
  public record Options(Duration offerHold, Duration declineQuarantine, Optional<Integer> serverId) {
    public static Options defaults() {
      return new Options(Duration.ofSeconds(30), Duration.ofMinutes(10), Optional.empty());
    }
  }

  private static final String QUARANTINE = "declined:";

  private final List<Subnet> subnets;
  private final Options options;
  private final Map<String, LeaseRecord> byClient = new HashMap<>(); // latest binding (any state) per client
  private final Map<String, Offer> offers = new HashMap<>();
  private final Map<Integer, String> owner = new HashMap<>(); // ip -> clientKey (bound, offered or quarantined)
  private final Map<Integer, Long> quarantine = new HashMap<>(); // ip -> until (millis)
  private final Map<String, Reservation> reservations = new LinkedHashMap<>(); // by mac
  private final Map<Integer, String> reservedIps = new HashMap<>(); // ip -> mac
  private final Map<Subnet, Integer> cursor = new HashMap<>();
  private final Map<Integer, String> lastHolder = new HashMap<>(); // ip -> client that held it last (any state)

  private record Offer(int ip, long until) {}

  public LeaseService(List<Subnet> subnets, Options options, Collection<LeaseRecord> recovered) {
    if (subnets.isEmpty()) throw new IllegalArgumentException("server mode needs at least one subnet");
    this.subnets = List.copyOf(subnets);
    this.options = options;
    Map<Integer, Long> claimedAt = new HashMap<>();
    for (LeaseRecord r : recovered) restore(r, claimedAt);
  }

  /**
   * The journal keeps the latest record per client, in no particular order, so two records can claim one address:
   * a lease that ran out (no EXPIRED record yet) and the binding or quarantine the address went to next. The claim
   * that started last is the current one; the earlier holder could not have renewed it since (RFC 2131 §4.3.2: a
   * REQUEST for an address bound to another client is NAKed), so letting it win would hand the address out twice.
   */
  private void restore(LeaseRecord r, Map<Integer, Long> claimedAt) {
    boolean quarantined = r.clientKey().startsWith(QUARANTINE);
    if (!quarantined) {
      byClient.put(r.clientKey(), r);
      lastHolder.put(r.ip(), r.clientKey());
    }
    boolean claims = r.state() == (quarantined ? LeaseRecord.State.DECLINED : LeaseRecord.State.BOUND);
    if (!claims) return;
    Long previous = claimedAt.get(r.ip());
    // On a tie a quarantine wins: giving out a declined address is the worse mistake.
    if (previous != null && (previous > r.startMillis() || (previous == r.startMillis() && !quarantined))) return;
    claimedAt.put(r.ip(), r.startMillis());
    quarantine.remove(r.ip());
    owner.put(r.ip(), r.clientKey());
    if (quarantined) quarantine.put(r.ip(), r.expiresMillis());
  }

  /** Replaces the reservations (configuration plus the catalog's hosts); a reserved address goes to its MAC only. */
  public void setReservations(Collection<Reservation> all) {
    reservations.clear();
    reservedIps.clear();
    for (Reservation r : all) {
      reservations.put(Mac.canonical(r.mac()), r);
      reservedIps.put(r.ip(), Mac.canonical(r.mac()));
    }
  }

  public Map<String, Reservation> reservations() {
    return Map.copyOf(reservations);
  }

  public List<Subnet> subnets() {
    return subnets;
  }

  /** Bound, unexpired leases (for /health and tests). */
  public List<LeaseRecord> activeLeases(long now) {
    return byClient.values().stream().filter(r -> r.state() == LeaseRecord.State.BOUND && r.expiresMillis() > now)
        .toList();
  }

  public Decision replyFor(Context ctx, DhcpPacket req) {
    if (req.op() != DhcpPacket.BOOTREQUEST) return Decision.silent("not a BOOTREQUEST (op " + req.op() + ")");
    if (req.htype() != 1 || req.hlen() != 6) {
      return Decision.silent("hardware type " + req.htype() + "/length " + req.hlen() + " is not Ethernet");
    }
    MessageType type = req.messageType();
    return switch (type) {
      case DISCOVER -> discover(ctx, req);
      case REQUEST -> request(ctx, req);
      case DECLINE -> decline(ctx, req);
      case RELEASE -> release(ctx, req);
      case INFORM -> inform(ctx, req);
      default -> Decision.silent("message type " + type + " is not one a server answers");
    };
  }

  /** Marks bound leases past their expiry EXPIRED and returns those records (journal and publish them). */
  public List<LeaseRecord> expire(long now) {
    List<LeaseRecord> out = new ArrayList<>();
    for (LeaseRecord r : List.copyOf(byClient.values())) {
      if (r.state() == LeaseRecord.State.BOUND && r.expiresMillis() <= now) {
        LeaseRecord e = with(r, LeaseRecord.State.EXPIRED, r.startMillis(), r.expiresMillis());
        byClient.put(r.clientKey(), e);
        owner.remove(r.ip(), r.clientKey());
        out.add(e);
      }
    }
    offers.entrySet().removeIf(o -> {
      if (o.getValue().until() > now) return false;
      // Not when the offer was of the client's own bound lease (a re-DISCOVER, RFC 2131 §4.3.1): that stays its.
      if (!boundTo(o.getKey(), o.getValue().ip(), now)) owner.remove(o.getValue().ip(), o.getKey());
      return true;
    });
    quarantine.entrySet().removeIf(q -> {
      if (q.getValue() > now) return false;
      owner.remove(q.getKey(), QUARANTINE + Ip4.text(q.getKey()));
      return true;
    });
    return out;
  }

  // ---------------------------------------------------------------------------------------------- messages

  private Decision discover(Context ctx, DhcpPacket req) {
    Optional<Subnet> subnet = subnetFor(ctx, req.giaddr());
    if (subnet.isEmpty()) return Decision.silent(noSubnet(ctx, req.giaddr()));
    String client = clientKey(req);
    String mac = mac(req);
    long now = ctx.nowMillis();
    Optional<Integer> ip = choose(subnet.get(), client, mac, requested(req), now);
    if (ip.isEmpty()) return Decision.unserved(noAddress(subnet.get(), mac, now));
    Offer previous = offers.put(client, new Offer(ip.get(), now + options.offerHold().toMillis()));
    if (previous != null && previous.ip() != ip.get() && !boundTo(client, previous.ip(), now)) {
      owner.remove(previous.ip(), client);
    }
    owner.put(ip.get(), client);
    return new Decision(Optional.of(reply(req, MessageType.OFFER, ip.get(), subnet.get(), serverId(ctx), true,
        hostname(req, mac))), List.of(), "");
  }

  private Decision request(Context ctx, DhcpPacket req) {
    String client = clientKey(req);
    String mac = mac(req);
    long now = ctx.nowMillis();
    Optional<Integer> serverIdOpt = ipOption(req, OptionCode.SERVER_ID);
    Optional<Integer> requested = requested(req);
    int sid = serverId(ctx);
    if (serverIdOpt.isPresent()) {
      // SELECTING (RFC 2131 §4.3.2): the client picked an offer; if not ours, free what we offered.
      if (serverIdOpt.get() != sid) {
        Offer o = offers.remove(client);
        // The offer goes, a binding the client holds on the same address does not: it lasts until it expires or
        // is released (RFC 2131 §4.3.2 only has the server drop the offer), and freeing it here let a second
        // client be given an address the first still holds.
        if (o != null && !boundTo(client, o.ip(), now)) owner.remove(o.ip(), client);
        return Decision.silent("client chose server " + Ip4.text(serverIdOpt.get()));
      }
      if (requested.isEmpty()) return nak(req, sid, "SELECTING request without option 50");
      Optional<Subnet> subnet = subnetFor(ctx, req.giaddr());
      if (subnet.isEmpty()) return Decision.silent(noSubnet(ctx, req.giaddr()));
      int ip = requested.get();
      Offer o = offers.get(client);
      LeaseRecord b = byClient.get(client);
      // RFC 2131 §4.3.1: once the offer's hold lapsed the address may have gone to another client; a late REQUEST
      // for it is ACKed only while it is still free, else it would be bound twice.
      boolean offered = o != null && o.ip() == ip;
      boolean mine = b != null && b.ip() == ip;
      if (!(offered || mine) || !usable(subnet.get(), ip, mac)) {
        return nak(req, sid, "requested " + Ip4.text(ip) + " was not offered to this client");
      }
      if (!ownedByOrFree(ip, client, now)) {
        return nak(req, sid, "requested " + Ip4.text(ip) + " belongs to another client since the offer lapsed");
      }
      return bind(ctx, req, client, mac, ip, subnet.get(), sid);
    }
    if (req.ciaddr() == 0) {
      // INIT-REBOOT: the client remembers an address and asks to keep it.
      if (requested.isEmpty()) return Decision.silent("REQUEST with neither server id, ciaddr nor option 50");
      int ip = requested.get();
      Optional<Subnet> subnet = subnetFor(ctx, req.giaddr());
      if (subnet.isEmpty()) return Decision.silent(noSubnet(ctx, req.giaddr()));
      if (!subnet.get().contains(ip)) return nak(req, sid, Ip4.text(ip) + " is not on " + subnet.get().cidr());
      LeaseRecord b = byClient.get(client);
      if (b == null) {
        // §4.3.2: "If the DHCP server has no record of this client, then it MUST remain silent".
        return Decision.silent("INIT-REBOOT for " + Ip4.text(ip) + " from a client with no record here");
      }
      if (b.ip() != ip || !ownedByOrFree(ip, client, now) || !usable(subnet.get(), ip, mac)) {
        return nak(req, sid, "INIT-REBOOT for " + Ip4.text(ip) + " but the client's address is " + Ip4.text(b.ip()));
      }
      return bind(ctx, req, client, mac, ip, subnet.get(), sid);
    }
    // RENEWING (unicast) or REBINDING (broadcast): ciaddr is the address in use.
    int ip = req.ciaddr();
    Optional<Subnet> subnet = subnetContaining(ip);
    if (subnet.isEmpty()) return Decision.silent("renewal of " + Ip4.text(ip) + ", which is on no subnet served here");
    if (!ownedByOrFree(ip, client, now)) return nak(req, sid, Ip4.text(ip) + " belongs to another client");
    if (!usable(subnet.get(), ip, mac)) {
      // Checked apart from ownership so that the NAK's option 56 (RFC 2131 §4.3.2) names the real reason.
      String why = reservedIps.containsKey(ip) ? "is reserved for another machine" : "this server does not hand out";
      return nak(req, sid, "renewal of " + Ip4.text(ip) + ", which " + why);
    }
    // A lease this server has no record of (e.g. from a peer before a failover): adopted, since it is free.
    return bind(ctx, req, client, mac, ip, subnet.get(), sid);
  }

  private Decision decline(Context ctx, DhcpPacket req) {
    Optional<Integer> ip = requested(req);
    if (ip.isEmpty()) return Decision.silent("DECLINE without option 50");
    String client = clientKey(req);
    String owning = owner.get(ip.get());
    if (owning != null && !owning.equals(client)) {
      return Decision.silent("DECLINE of " + Ip4.text(ip.get()) + ", which this client does not hold");
    }
    long now = ctx.nowMillis();
    long until = now + options.declineQuarantine().toMillis();
    offers.remove(client);
    quarantine.put(ip.get(), until);
    String qkey = QUARANTINE + Ip4.text(ip.get());
    owner.put(ip.get(), qkey);
    LeaseRecord declined = new LeaseRecord(client, mac(req), ip.get(), LeaseRecord.State.DECLINED, now, until, "");
    byClient.put(client, declined);
    LeaseRecord q = new LeaseRecord(qkey, mac(req), ip.get(), LeaseRecord.State.DECLINED, now, until, "");
    return new Decision(Optional.empty(), List.of(declined, q),
        "address in use elsewhere: quarantined until " + Instant.ofEpochMilli(until));
  }

  private Decision release(Context ctx, DhcpPacket req) {
    String client = clientKey(req);
    LeaseRecord b = byClient.get(client);
    if (b == null || b.ip() != req.ciaddr() || b.state() != LeaseRecord.State.BOUND) {
      return Decision.silent("RELEASE of " + Ip4.text(req.ciaddr()) + ", which this client does not hold");
    }
    LeaseRecord r = with(b, LeaseRecord.State.RELEASED, b.startMillis(), ctx.nowMillis());
    byClient.put(client, r);
    owner.remove(b.ip(), client);
    return new Decision(Optional.empty(), List.of(r), "released");
  }

  private Decision inform(Context ctx, DhcpPacket req) {
    // RFC 2131 §3.4: configuration only; no lease, no yiaddr, reply to ciaddr.
    Optional<Subnet> subnet = req.ciaddr() != 0 ? subnetContaining(req.ciaddr()) : subnetFor(ctx, req.giaddr());
    if (subnet.isEmpty()) return Decision.silent("INFORM from " + Ip4.text(req.ciaddr()) + ", on no subnet served here");
    return new Decision(Optional.of(reply(req, MessageType.ACK, 0, subnet.get(), serverId(ctx), false,
        Optional.empty())), List.of(), "");
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private Decision bind(Context ctx, DhcpPacket req, String client, String mac, int ip, Subnet subnet, int sid) {
    long now = ctx.nowMillis();
    Duration lease = subnet.leaseTime();
    Optional<Integer> asked = intOption(req, OptionCode.LEASE_TIME);
    if (asked.isPresent() && asked.get() > 0 && asked.get() < lease.toSeconds()) lease = Duration.ofSeconds(asked.get());
    Offer o = offers.remove(client);
    if (o != null && o.ip() != ip) owner.remove(o.ip(), client);
    LeaseRecord old = byClient.get(client);
    if (old != null && old.ip() != ip) owner.remove(old.ip(), client);
    Optional<String> host = hostname(req, mac);
    LeaseRecord r = new LeaseRecord(client, mac, ip, LeaseRecord.State.BOUND, now, now + lease.toMillis(),
        host.orElse(""));
    byClient.put(client, r);
    owner.put(ip, client);
    lastHolder.put(ip, client);
    DhcpPacket ack = reply(req, MessageType.ACK, ip, subnet, sid, true, host, lease);
    return new Decision(Optional.of(ack), List.of(r), "");
  }

  private Decision nak(DhcpPacket req, int sid, String reason) {
    List<DhcpOption> opts = new ArrayList<>();
    opts.add(new DhcpOption(OptionCode.MESSAGE_TYPE, new byte[] {(byte) MessageType.NAK.value()}));
    opts.add(new DhcpOption(OptionCode.SERVER_ID, Ip4.bytes(sid)));
    opts.add(new DhcpOption(OptionCode.MESSAGE, reason.getBytes(StandardCharsets.US_ASCII)));
    client61(req).ifPresent(opts::add);
    // RFC 2131 §4.3.2 table 3: NAK has yiaddr, ciaddr, siaddr zero; flags and giaddr from the request.
    DhcpPacket nak = new DhcpPacket(DhcpPacket.BOOTREPLY, req.htype(), req.hlen(), 0, req.xid(), 0, req.flags(), 0, 0,
        0, req.giaddr(), req.chaddr(), "", "", opts);
    return new Decision(Optional.of(nak), List.of(), reason);
  }

  private DhcpPacket reply(DhcpPacket req, MessageType type, int yiaddr, Subnet subnet, int sid, boolean lease,
      Optional<String> hostname) {
    return reply(req, type, yiaddr, subnet, sid, lease, hostname, subnet.leaseTime());
  }

  private DhcpPacket reply(DhcpPacket req, MessageType type, int yiaddr, Subnet subnet, int sid, boolean withLease,
      Optional<String> hostname, Duration lease) {
    List<DhcpOption> o = new ArrayList<>();
    o.add(new DhcpOption(OptionCode.MESSAGE_TYPE, new byte[] {(byte) type.value()}));
    o.add(new DhcpOption(OptionCode.SERVER_ID, Ip4.bytes(sid)));
    if (withLease) {
      long secs = lease.toSeconds();
      o.add(new DhcpOption(OptionCode.LEASE_TIME, u32(secs)));
      o.add(new DhcpOption(OptionCode.RENEWAL_TIME, u32(secs / 2))); // RFC 2131 §4.4.5: T1 = 0.5
      o.add(new DhcpOption(OptionCode.REBINDING_TIME, u32(secs * 7 / 8))); // T2 = 0.875
    }
    o.add(new DhcpOption(OptionCode.SUBNET_MASK, Ip4.bytes(subnet.mask())));
    o.add(new DhcpOption(OptionCode.BROADCAST_ADDRESS, Ip4.bytes(subnet.broadcast())));
    subnet.router().ifPresent(r -> o.add(new DhcpOption(OptionCode.ROUTER, Ip4.bytes(r))));
    if (!subnet.dns().isEmpty()) {
      ByteBuffer b = ByteBuffer.allocate(4 * subnet.dns().size());
      subnet.dns().forEach(b::putInt);
      o.add(new DhcpOption(OptionCode.DNS_SERVERS, b.array()));
    }
    subnet.domain().ifPresent(d -> o.add(new DhcpOption(OptionCode.DOMAIN_NAME, d.getBytes(StandardCharsets.US_ASCII))));
    hostname.filter(h -> !h.isEmpty())
        .ifPresent(h -> o.add(new DhcpOption(OptionCode.HOSTNAME, h.getBytes(StandardCharsets.US_ASCII))));
    client61(req).ifPresent(o::add);
    return new DhcpPacket(DhcpPacket.BOOTREPLY, req.htype(), req.hlen(), 0, req.xid(), 0, req.flags(),
        type == MessageType.ACK ? req.ciaddr() : 0, yiaddr, 0, req.giaddr(), req.chaddr(), "", "", o);
  }

  /** RFC 6842: a server echoes the client identifier. */
  private static Optional<DhcpOption> client61(DhcpPacket req) {
    return req.option(OptionCode.CLIENT_ID);
  }

  /**
   * The address for a client: its reservation; else its current or last address if still free; else the address it
   * asked for (option 50) if free; else the next free one in the subnet's ranges.
   */
  private Optional<Integer> choose(Subnet subnet, String client, String mac, Optional<Integer> asked, long now) {
    Reservation res = reservations.get(mac);
    if (res != null) {
      if (subnet.contains(res.ip()) && ownedByOrFree(res.ip(), client, now)) return Optional.of(res.ip());
      if (subnet.contains(res.ip())) return Optional.empty(); // reserved but held by someone: never another address
    }
    Offer o = offers.get(client);
    if (o != null && o.until() > now && subnet.contains(o.ip())) return Optional.of(o.ip());
    LeaseRecord b = byClient.get(client);
    if (b != null && b.state() != LeaseRecord.State.DECLINED && usable(subnet, b.ip(), mac)
        && ownedByOrFree(b.ip(), client, now)) {
      return Optional.of(b.ip());
    }
    if (asked.isPresent() && usable(subnet, asked.get(), mac) && subnet.assignable(asked.get())
        && ownedByOrFree(asked.get(), client, now)) {
      return asked;
    }
    return nextFree(subnet, client, now);
  }

  /** Why a DISCOVER gets no offer: its reserved address is held by another client, or the pool is exhausted. */
  private String noAddress(Subnet subnet, String mac, long now) {
    Reservation res = reservations.get(mac);
    if (res != null && subnet.contains(res.ip())) {
      String holder = owner.get(res.ip());
      String by = holder == null ? "another client"
          : holder.startsWith(QUARANTINE) ? "nobody: it is quarantined after a DECLINE until "
              + Instant.ofEpochMilli(quarantine.getOrDefault(res.ip(), now))
          : "client " + holder + held(holder, res.ip(), now);
      return "reserved address held: " + Ip4.text(res.ip()) + ", reserved for " + mac + ", is held by " + by
          + " (the reservation never falls back to another address)";
    }
    return "no free address in " + subnet.cidr();
  }

  private String held(String holder, int ip, long now) {
    Offer offer = offers.get(holder);
    if (offer != null && offer.ip() == ip && offer.until() > now) {
      return ", offered until " + Instant.ofEpochMilli(offer.until());
    }
    LeaseRecord b = byClient.get(holder);
    return b != null && b.ip() == ip ? ", leased until " + Instant.ofEpochMilli(b.expiresMillis()) : "";
  }

  private Optional<Integer> nextFree(Subnet subnet, String client, long now) {
    long total = 0;
    for (Subnet.Range r : subnet.ranges()) total += r.size();
    int start = cursor.getOrDefault(subnet, 0);
    List<Subnet.Range> ranges = subnet.ranges();
    // Walk every address once, starting after the last one handed out, so freed addresses are not reused at once.
    long offset = start;
    for (long n = 0; n < total; n++, offset++) {
      long k = offset % total;
      int ip = addressAt(ranges, k);
      if (subnet.assignable(ip) && !reservedIps.containsKey(ip) && ownedByOrFree(ip, client, now)
          && !rememberedByOther(ip, client)) {
        cursor.put(subnet, (int) ((k + 1) % total));
        return Optional.of(ip);
      }
    }
    // Second pass: addresses that other clients held before (expired or released) are fair game when nothing else is.
    for (long k = 0; k < total; k++) {
      int ip = addressAt(ranges, k);
      if (subnet.assignable(ip) && !reservedIps.containsKey(ip) && ownedByOrFree(ip, client, now)) {
        return Optional.of(ip);
      }
    }
    return Optional.empty();
  }

  private static int addressAt(List<Subnet.Range> ranges, long k) {
    for (Subnet.Range r : ranges) {
      if (k < r.size()) return (int) (Integer.toUnsignedLong(r.first()) + k);
      k -= r.size();
    }
    throw new IllegalStateException("offset past the ranges");
  }

  /** An address held (bound and unexpired) by nobody but this client, offered to nobody else, not quarantined. */
  private boolean ownedByOrFree(int ip, String client, long now) {
    String o = owner.get(ip);
    if (o == null || o.equals(client)) return true;
    if (o.startsWith(QUARANTINE)) {
      Long until = quarantine.get(ip);
      return until != null && until <= now;
    }
    Offer offer = offers.get(o);
    // A lapsed offer frees the address only if its client has no binding on it as well: a bound client that
    // rediscovers (RFC 2131 §4.3.1, e.g. after a reboot) is offered its own lease, and keeps it if it never REQUESTs.
    if (offer != null && offer.ip() == ip && offer.until() > now) return false;
    LeaseRecord b = byClient.get(o);
    return b == null || b.ip() != ip || b.state() != LeaseRecord.State.BOUND || b.expiresMillis() <= now;
  }

  /** Another client's expired or released lease was on this address: prefer giving it back to that client. */
  private boolean rememberedByOther(int ip, String client) {
    String h = lastHolder.get(ip);
    return h != null && !h.equals(client);
  }

  /** Not reserved for another machine, and on this subnet (a reserved address may lie outside the ranges). */
  private boolean usable(Subnet subnet, int ip, String mac) {
    if (!subnet.contains(ip)) return false;
    String reservedFor = reservedIps.get(ip);
    if (reservedFor != null) return reservedFor.equals(mac);
    return subnet.assignable(ip);
  }

  private boolean boundTo(String client, int ip, long now) {
    LeaseRecord b = byClient.get(client);
    return b != null && b.ip() == ip && b.state() == LeaseRecord.State.BOUND && b.expiresMillis() > now;
  }

  /** RFC 2131 §4.3.1: the subnet of giaddr for relayed requests, else of the interface the request came in on. */
  private Optional<Subnet> subnetFor(Context ctx, int giaddr) {
    return subnetContaining(giaddr != 0 ? giaddr : ctx.localAddress());
  }

  private Optional<Subnet> subnetContaining(int ip) {
    for (Subnet s : subnets) {
      if (s.contains(ip)) return Optional.of(s);
    }
    return Optional.empty();
  }

  private static String noSubnet(Context ctx, int giaddr) {
    return giaddr != 0
        ? "relayed from " + Ip4.text(giaddr) + ", which is on no subnet served here"
        : "received on " + ctx.iface() + " (" + Ip4.text(ctx.localAddress()) + "), which has no subnet served here";
  }

  private int serverId(Context ctx) {
    return options.serverId().orElse(ctx.localAddress());
  }

  private Optional<String> hostname(DhcpPacket req, String mac) {
    Reservation r = reservations.get(mac);
    if (r != null && r.hostname().isPresent()) return r.hostname();
    return req.optionValue(OptionCode.HOSTNAME).map(v -> new String(v, StandardCharsets.US_ASCII))
        .filter(h -> h.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}"));
  }

  private static Optional<Integer> requested(DhcpPacket req) {
    return ipOption(req, OptionCode.REQUESTED_IP);
  }

  private static Optional<Integer> ipOption(DhcpPacket req, int code) {
    return req.optionValue(code).filter(v -> v.length == 4).map(v -> Ip4.fromBytes(v, 0));
  }

  private static Optional<Integer> intOption(DhcpPacket req, int code) {
    return req.optionValue(code).filter(v -> v.length == 4).map(v -> ByteBuffer.wrap(v).getInt())
        .filter(v -> v >= 0);
  }

  private static byte[] u32(long v) {
    return ByteBuffer.allocate(4).putInt((int) Math.min(v, 0xFFFFFFFFL)).array();
  }

  private static LeaseRecord with(LeaseRecord r, LeaseRecord.State s, long start, long expires) {
    return new LeaseRecord(r.clientKey(), r.mac(), r.ip(), s, start, expires, r.hostname());
  }

  /**
   * The client's identity: option 61 when sent (RFC 2131 §4.2), else the hardware address. A client identifier that
   * is only the hardware type and address of chaddr (type 1 + MAC, what iPXE sends) names the same client as chaddr
   * alone: a PXE chain is one machine whose firmware sends no option 61 (EDK2, many PXE ROMs) and whose bootloader
   * then does, and it must keep its address (and its reservation, which would otherwise look held by another).
   */
  public static String clientKey(DhcpPacket req) {
    Optional<byte[]> id = req.optionValue(OptionCode.CLIENT_ID);
    if (id.isPresent() && id.get().length > 0 && !isHardwareId(id.get(), req)) {
      return "id:" + HexFormat.of().formatHex(id.get());
    }
    return "hw:" + mac(req);
  }

  private static boolean isHardwareId(byte[] id, DhcpPacket req) {
    byte[] chaddr = req.chaddr();
    int hlen = Math.min(req.hlen(), chaddr.length);
    if (id.length != hlen + 1 || (id[0] & 0xff) != req.htype() || hlen == 0) return false;
    for (int i = 0; i < hlen; i++) if (id[i + 1] != chaddr[i]) return false;
    return true;
  }

  public static String mac(DhcpPacket req) {
    byte[] c = req.chaddr();
    // Mac.of needs no parsing: this runs several times for every packet.
    return c.length >= 6 ? Mac.of(c) : Mac.canonical(HexFormat.ofDelimiter(":").formatHex(c));
  }

}
