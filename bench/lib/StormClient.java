/*
 * The client side of bench/storm: N simulated PXE clients booting at once. Runs inside the bench's client network
 * namespace (bench/storm starts it there with `ip netns exec`) as a single source file, on the JDK alone; not meant
 * to be run by hand:
 *
 *   java StormClient.java boot N MAC-PREFIX DEADLINE-S BOOT-FILE-CHECK INITRD-CHECK PORT-BASE [TFTP-THREADS]
 *   java StormClient.java menus DIR MAC-PREFIX N MENU-FILE
 *   java StormClient.java check FILE
 *
 * boot   N clients, MACs MAC-PREFIX:xx:xx:xx (MAC-PREFIX three bytes, e.g. 02:5b:07; the client's number in the last
 *        three), all started at once. Each one, as a BIOS PXE ROM and then pxelinux would:
 *          1. DHCP from 0.0.0.0:68, broadcast, with the broadcast flag: DISCOVER with option 60
 *             "PXEClient:Arch:00000:UNDI:002001", 93 = 0 (BIOS x86), 94 = UNDI 2.1, 97 = a client UUID, 57 = 1260,
 *             and a PXE ROM's parameter request list; the first OFFER is taken; REQUEST (50, 54, the same PXE
 *             options), ACK. Retransmitted after 4, 8, 16, 32, 64 s (RFC 2131 §4.1, as PXE ROMs do); a NAK starts over.
 *             The address, next-server (siaddr, else option 66, else the server identifier) and boot file (the file
 *             field, else option 67) come from the ACK.
 *          2. TFTP from a socket of its own per file (RFC 1350), RRQ with blksize 1408 and tsize 0, as
 *             pxelinux asks (RFC 2348, 2349); OACK answered with ACK 0. The boot file, then pxelinux.cfg/01-<mac>
 *             (on "file not found": pxelinux.cfg/default, as pxelinux falls back), then the initrd the menu's
 *             default entry names (APPEND initrd=…; a menu whose default is not an entry with an initrd fails the
 *             client). Lock-step; the last packet (RRQ or ACK) is retransmitted after 1 s, doubling up to 8 s.
 *        A client fails when it is not done within DEADLINE-S of its DISCOVER, when a transfer makes no progress for
 *        60 s, on a TFTP ERROR (but the menu fallback above), or when a file's size or CRC-32C is wrong:
 *        BOOT-FILE-CHECK and INITRD-CHECK are "SIZE:CRC32C-HEX" of the files the servers serve.
 *        Every transfer has a port of its own, PORT-BASE + 4 × client + file (0 boot file, 1 menu, 2 the default menu,
 *        3 initrd; an ephemeral port if that one is taken): the clients share one address, and a kernel-chosen
 *        ephemeral port can be one another client closed a moment ago, which a server may still be sending to (a
 *        second transfer started by a late duplicate RRQ): a real machine, with an address of its own and pxelinux
 *        counting its ports up, would not receive those packets. bench/storm moves PORT-BASE on with every storm.
 *        The client binds 0.0.0.0:68 once for all clients (replies may be broadcast) and demultiplexes by xid and
 *        chaddr; TFTP runs on TFTP-THREADS (default 2) NIO selector threads, each owning its clients' sockets.
 *        Prints one line per client, then one summary line (formats below); progress every 10 s on stderr.
 * menus  writes DIR/pxelinux.cfg/01-<mac> for the N MACs of MAC-PREFIX, each a copy of MENU-FILE: the static menus
 *        a plain TFTP server serves for the same clients.
 * check  prints "SIZE:CRC32C-HEX" of FILE, the form boot takes its checks in.
 *
 * Per-client line: "client I MAC OK START END DHCP-S BOOT-S MENU-S INITRD-S IP NEXT-SERVER DHCP-RETX TFTP-RETX
 * REASON" — OK 1 or 0, START/END epoch seconds (END = last byte of the initrd, or the failure), the four stage
 * durations (- if not reached), retransmissions of the client, REASON "ok" or why it failed (no spaces).
 * Summary line: "summary n=N ok=… failed=… p50=… p90=… p99=… max=… wall=… cpu=… threads=… ephemeral-ports=…" (the
 * transfers whose own port was taken): completion times in
 * seconds from each client's DISCOVER to its last byte; a percentile counts every client, a failed one as never
 * completing ("-" when fewer than that share completed); max over the completed ones; wall from the first DISCOVER
 * to the last client's end (completed or failed); cpu = this JVM's CPU seconds during the storm.
 */

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

public final class StormClient {
  static final String VENDOR_CLASS = "PXEClient:Arch:00000:UNDI:002001";
  static final int BLKSIZE = 1408;
  static final long[] DHCP_RETX_MS = {4000, 8000, 16000, 32000, 64000};
  static final long TFTP_RTO_FIRST_MS = 1000, TFTP_RTO_MAX_MS = 8000, STALL_MS = 60_000;
  static final String MENU_PREFIX = "pxelinux.cfg/";

  // ------------------------------------------------------------------------------------------------ one client
  enum Stage { DISCOVER, REQUEST, BOOT, MENU, INITRD, DONE, FAILED }

  static final class Client {
    final int index;
    final byte[] mac;
    final int xid;
    final byte[] uuid;
    volatile Stage stage = Stage.DISCOVER;
    long startNs, endNs, dhcpDoneNs, bootDoneNs, menuDoneNs;
    long startEpochMs;
    // DHCP
    int dhcpTries;
    long dhcpNextNs;
    byte[] offeredIp, serverId;
    byte[] ip, nextServer;
    String bootFile;
    int dhcpRetx, tftpRetx;
    String reason = "ok";
    // TFTP (owned by one worker thread)
    DatagramChannel ch;
    SelectionKey key;
    String fileName;
    boolean fallbackTried;
    boolean connected;
    int blksize;
    int expected; // next block number expected, 16 bits
    long bytes, tsize = -1;
    CRC32C crc;
    ByteBuffer last; // the packet to retransmit
    long lastSendNs, lastProgressNs, rtoMs;
    String initrdName;
    StringBuilder menuText;

    Client(int index, byte[] prefix) {
      this.index = index;
      this.mac = new byte[] {prefix[0], prefix[1], prefix[2], (byte) (index >> 16), (byte) (index >> 8), (byte) index};
      this.xid = (prefix[2] & 0xff) << 24 | (index & 0xffffff);
      this.uuid = new byte[16];
      // A stable UUID per MAC (RFC 4122 version 4 layout, the MAC in the node field).
      for (int i = 0; i < 10; i++) uuid[i] = (byte) (0x30 + i * 7 + index);
      uuid[6] = (byte) (0x40 | (uuid[6] & 0x0f));
      uuid[8] = (byte) (0x80 | (uuid[8] & 0x3f));
      System.arraycopy(mac, 0, uuid, 10, 6);
    }

    String macText(char sep) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        if (i > 0) b.append(sep);
        b.append(String.format("%02x", mac[i] & 0xff));
      }
      return b.toString();
    }
  }

  // ------------------------------------------------------------------------------------------------------ main
  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("check")) {
      byte[] all = Files.readAllBytes(Path.of(args[1]));
      CRC32C crc = new CRC32C();
      crc.update(all);
      System.out.println(all.length + ":" + Long.toHexString(crc.getValue()));
      return;
    }
    if (args.length >= 1 && args[0].equals("menus") && args.length == 5) {
      writeMenus(Path.of(args[1]), prefix(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
      return;
    }
    if (args.length < 7 || !args[0].equals("boot")) {
      System.err.println("usage: StormClient boot N MAC-PREFIX DEADLINE-S BOOT-FILE-CHECK INITRD-CHECK PORT-BASE [TFTP-THREADS]\n"
          + "       StormClient menus DIR MAC-PREFIX N MENU-FILE\n       StormClient check FILE");
      System.exit(2);
    }
    int n = Integer.parseInt(args[1]);
    byte[] prefix = prefix(args[2]);
    long deadlineMs = Long.parseLong(args[3]) * 1000;
    long[] bootCheck = check(args[4]);
    long[] initrdCheck = check(args[5]);
    int portBase = Integer.parseInt(args[6]);
    int threads = args.length > 7 ? Integer.parseInt(args[7]) : 2;
    new StormClient(n, prefix, deadlineMs, bootCheck, initrdCheck, portBase, threads).run();
  }

  static byte[] prefix(String s) {
    String[] p = s.split(":");
    if (p.length != 3) throw new IllegalArgumentException("MAC-PREFIX is three bytes, e.g. 02:5b:07: " + s);
    byte[] b = new byte[3];
    for (int i = 0; i < 3; i++) b[i] = (byte) Integer.parseInt(p[i], 16);
    return b;
  }

  static long[] check(String s) {
    String[] p = s.split(":");
    return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1], 16)};
  }

  static void writeMenus(Path dir, byte[] prefix, int n, Path menu) throws IOException {
    byte[] text = Files.readAllBytes(menu);
    Path cfg = dir.resolve("pxelinux.cfg");
    Files.createDirectories(cfg);
    for (int i = 0; i < n; i++) Files.write(cfg.resolve("01-" + new Client(i, prefix).macText('-')), text);
  }

  // ----------------------------------------------------------------------------------------------------- state
  final int n;
  final Client[] clients;
  final long deadlineMs;
  final long[] bootCheck, initrdCheck;
  final Map<Integer, Client> byXid = new ConcurrentHashMap<>();
  final AtomicInteger finished = new AtomicInteger();
  final CountDownLatch allDone;
  final Worker[] workers;
  final int portBase;
  final AtomicInteger ephemeralPorts = new AtomicInteger();
  DatagramChannel dhcp;
  static final InetSocketAddress BROADCAST = new InetSocketAddress("255.255.255.255", 67);

  StormClient(int n, byte[] prefix, long deadlineMs, long[] bootCheck, long[] initrdCheck, int portBase, int threads) {
    this.n = n;
    this.portBase = portBase;
    this.deadlineMs = deadlineMs;
    this.bootCheck = bootCheck;
    this.initrdCheck = initrdCheck;
    this.clients = new Client[n];
    for (int i = 0; i < n; i++) {
      clients[i] = new Client(i, prefix);
      byXid.put(clients[i].xid, clients[i]);
    }
    this.allDone = new CountDownLatch(n);
    this.workers = new Worker[threads];
  }

  void run() throws Exception {
    dhcp = DatagramChannel.open(StandardProtocolFamily.INET);
    dhcp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    dhcp.setOption(StandardSocketOptions.SO_BROADCAST, true);
    dhcp.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20); // 500 broadcast replies can arrive at once
    dhcp.bind(new InetSocketAddress("0.0.0.0", 68));
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i);
      Thread t = new Thread(workers[i], "tftp-" + i);
      t.setDaemon(true);
      t.start();
    }
    Thread rx = new Thread(this::dhcpReceive, "dhcp-rx");
    rx.setDaemon(true);
    rx.start();
    Thread timer = new Thread(this::dhcpTimer, "dhcp-timer");
    timer.setDaemon(true);

    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    // All at once: every DISCOVER goes out back to back, then the timer takes over the retransmissions.
    for (Client c : clients) {
      synchronized (c) {
        c.startNs = System.nanoTime();
        c.startEpochMs = System.currentTimeMillis();
        c.dhcpNextNs = c.startNs + DHCP_RETX_MS[0] * 1_000_000;
        sendDhcp(c, 1);
      }
    }
    timer.start();
    long lastProgress = System.nanoTime();
    while (!allDone.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
      if (System.nanoTime() - lastProgress >= 10_000_000_000L) {
        lastProgress = System.nanoTime();
        int[] st = new int[Stage.values().length];
        for (Client c : clients) st[c.stage.ordinal()]++;
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "storm: %.0f s:", (lastProgress - t0) / 1e9));
        for (Stage s : Stage.values()) if (st[s.ordinal()] > 0) b.append(' ').append(s.name().toLowerCase(Locale.ROOT)).append('=').append(st[s.ordinal()]);
        System.err.println(b);
      }
    }
    long cpu1 = os.getProcessCpuTime();
    report((cpu1 - cpu0) / 1e9);
  }

  // ------------------------------------------------------------------------------------------------------ DHCP
  void sendDhcp(Client c, int type) {
    ByteBuffer p = ByteBuffer.allocate(548);
    p.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0);
    p.putInt(c.xid);
    long secs = (System.nanoTime() - c.startNs) / 1_000_000_000L;
    p.putShort((short) Math.min(secs, 0xffff));
    p.putShort((short) 0x8000); // broadcast flag: we cannot receive unicast to an address we do not hold yet
    p.position(28);
    p.put(c.mac);
    p.position(236);
    p.putInt(0x63825363);
    p.put((byte) 53).put((byte) 1).put((byte) type);
    if (type == 3) {
      p.put((byte) 50).put((byte) 4).put(c.offeredIp);
      p.put((byte) 54).put((byte) 4).put(c.serverId);
    }
    p.put((byte) 57).put((byte) 2).putShort((short) 1260);
    byte[] prl = {1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67,
        97, (byte) 128, (byte) 129, (byte) 130, (byte) 131, (byte) 132, (byte) 133, (byte) 134, (byte) 135};
    p.put((byte) 55).put((byte) prl.length).put(prl);
    p.put((byte) 97).put((byte) 17).put((byte) 0).put(c.uuid);
    p.put((byte) 94).put((byte) 3).put((byte) 1).put((byte) 2).put((byte) 1);
    p.put((byte) 93).put((byte) 2).putShort((short) 0);
    byte[] vc = VENDOR_CLASS.getBytes(StandardCharsets.US_ASCII);
    p.put((byte) 60).put((byte) vc.length).put(vc);
    p.put((byte) 255);
    int len = Math.max(p.position(), 300); // BOOTP minimum (RFC 1542 §2.1)
    p.position(0).limit(len);
    try {
      dhcp.send(p, BROADCAST);
    } catch (IOException e) {
      System.err.println("storm: DHCP send failed: " + e);
    }
  }

  void dhcpTimer() {
    while (allDone.getCount() > 0) {
      long now = System.nanoTime();
      for (Client c : clients) {
        Stage s = c.stage;
        if (s != Stage.DISCOVER && s != Stage.REQUEST) continue;
        synchronized (c) {
          if (c.stage != Stage.DISCOVER && c.stage != Stage.REQUEST) continue;
          if ((now - c.startNs) / 1_000_000 >= deadlineMs) {
            fail(c, "deadline-in-dhcp-" + c.stage.name().toLowerCase(Locale.ROOT));
            continue;
          }
          if (now >= c.dhcpNextNs) {
            c.dhcpTries++;
            c.dhcpRetx++;
            c.dhcpNextNs = now + DHCP_RETX_MS[Math.min(c.dhcpTries, DHCP_RETX_MS.length - 1)] * 1_000_000;
            sendDhcp(c, c.stage == Stage.DISCOVER ? 1 : 3);
          }
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  void dhcpReceive() {
    ByteBuffer b = ByteBuffer.allocate(2048);
    while (true) {
      b.clear();
      try {
        dhcp.receive(b);
      } catch (IOException e) {
        if (allDone.getCount() == 0) return;
        continue;
      }
      b.flip();
      if (b.remaining() < 240 || b.get(0) != 2 || b.getInt(236) != 0x63825363) continue;
      Client c = byXid.get(b.getInt(4));
      if (c == null) continue;
      boolean macOk = true;
      for (int i = 0; i < 6; i++) macOk &= b.get(28 + i) == c.mac[i];
      if (!macOk) continue;
      int type = 0;
      byte[] serverId = null, opt66 = null, opt67 = null;
      int overload = 0;
      int pos = 240;
      while (pos < b.limit()) {
        int code = b.get(pos) & 0xff;
        if (code == 255) break;
        if (code == 0) { pos++; continue; }
        if (pos + 1 >= b.limit()) break;
        int len = b.get(pos + 1) & 0xff;
        if (pos + 2 + len > b.limit()) break;
        byte[] v = new byte[len];
        b.get(pos + 2, v);
        switch (code) {
          case 53 -> type = len > 0 ? v[0] : 0;
          case 54 -> serverId = v;
          case 66 -> opt66 = v;
          case 67 -> opt67 = v;
          case 52 -> overload = len > 0 ? v[0] : 0;
          default -> { }
        }
        pos += 2 + len;
      }
      byte[] yiaddr = new byte[4], siaddr = new byte[4];
      b.get(16, yiaddr);
      b.get(20, siaddr);
      String file = null;
      if ((overload & 1) == 0) {
        byte[] f = new byte[128];
        b.get(108, f);
        file = cstring(f);
      }
      if ((file == null || file.isEmpty()) && opt67 != null) file = cstring(opt67);
      synchronized (c) {
        if (type == 2 && c.stage == Stage.DISCOVER && serverId != null) {
          c.offeredIp = yiaddr;
          c.serverId = serverId;
          c.stage = Stage.REQUEST;
          c.dhcpTries = 0;
          c.dhcpNextNs = System.nanoTime() + DHCP_RETX_MS[0] * 1_000_000;
          sendDhcp(c, 3);
        } else if (type == 5 && c.stage == Stage.REQUEST) {
          c.ip = yiaddr;
          if (!allZero(siaddr)) c.nextServer = siaddr;
          else if (opt66 != null) c.nextServer = parseIp(cstring(opt66));
          else c.nextServer = serverId;
          c.bootFile = file;
          c.dhcpDoneNs = System.nanoTime();
          if (c.bootFile == null || c.bootFile.isEmpty()) {
            fail(c, "no-boot-file-in-ack");
          } else if (c.nextServer == null) {
            fail(c, "no-next-server-in-ack");
          } else {
            c.stage = Stage.BOOT;
            workers[c.index % workers.length].add(c);
          }
        } else if (type == 6 && c.stage == Stage.REQUEST) {
          c.stage = Stage.DISCOVER; // NAK: start over (RFC 2131 §3.1, step 5)
          c.dhcpTries = 0;
          c.dhcpNextNs = System.nanoTime() + DHCP_RETX_MS[0] * 1_000_000;
          sendDhcp(c, 1);
        }
      }
    }
  }

  static String cstring(byte[] v) {
    int end = 0;
    while (end < v.length && v[end] != 0) end++;
    return new String(v, 0, end, StandardCharsets.US_ASCII);
  }

  static boolean allZero(byte[] a) {
    for (byte x : a) if (x != 0) return false;
    return true;
  }

  static byte[] parseIp(String s) {
    try {
      return InetAddress.getByName(s.trim()).getAddress();
    } catch (IOException e) {
      return null;
    }
  }

  void fail(Client c, String why) {
    synchronized (c) {
      if (c.stage == Stage.DONE || c.stage == Stage.FAILED) return;
      c.reason = why;
      c.stage = Stage.FAILED;
      c.endNs = System.nanoTime();
      closeTftp(c);
    }
    finished.incrementAndGet();
    allDone.countDown();
  }

  void done(Client c) {
    synchronized (c) {
      c.stage = Stage.DONE;
      c.endNs = System.nanoTime();
      closeTftp(c);
    }
    finished.incrementAndGet();
    allDone.countDown();
  }

  static void closeTftp(Client c) {
    if (c.ch != null) {
      try {
        c.ch.close();
      } catch (IOException ignored) {
        // closing a UDP socket: nothing to do about it
      }
      c.ch = null;
      c.key = null;
    }
  }

  // ------------------------------------------------------------------------------------------------------ TFTP
  final class Worker implements Runnable {
    final Selector selector;
    final ConcurrentLinkedQueue<Client> incoming = new ConcurrentLinkedQueue<>();
    final List<Client> mine = new ArrayList<>();
    final ByteBuffer buf = ByteBuffer.allocateDirect(65536);

    Worker(int i) throws IOException {
      selector = Selector.open();
    }

    void add(Client c) {
      incoming.add(c);
      selector.wakeup();
    }

    @Override
    public void run() {
      long lastScan = System.nanoTime();
      while (true) {
        try {
          selector.select(50);
        } catch (IOException e) {
          continue;
        }
        Client in;
        while ((in = incoming.poll()) != null) {
          mine.add(in);
          startFile(in, in.bootFile);
        }
        var it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          Client c = (Client) k.attachment();
          if (!k.isValid()) continue;
          readAll(c);
        }
        long now = System.nanoTime();
        if (now - lastScan >= 50_000_000L) {
          lastScan = now;
          scan(now);
        }
      }
    }

    void scan(long now) {
      for (int i = mine.size() - 1; i >= 0; i--) {
        Client c = mine.get(i);
        if (c.stage == Stage.DONE || c.stage == Stage.FAILED) {
          mine.set(i, mine.get(mine.size() - 1));
          mine.remove(mine.size() - 1);
          continue;
        }
        if ((now - c.startNs) / 1_000_000 >= deadlineMs) {
          fail(c, "deadline-in-" + c.stage.name().toLowerCase(Locale.ROOT));
        } else if ((now - c.lastProgressNs) / 1_000_000 >= STALL_MS) {
          fail(c, "stalled-" + c.stage.name().toLowerCase(Locale.ROOT) + "-at-block-" + c.expected);
        } else if ((now - c.lastSendNs) / 1_000_000 >= c.rtoMs) {
          c.rtoMs = Math.min(c.rtoMs * 2, TFTP_RTO_MAX_MS);
          c.tftpRetx++;
          resend(c, now);
        }
      }
    }

    void startFile(Client c, String name) {
      closeTftp(c);
      c.fileName = name;
      c.connected = false;
      c.blksize = 512;
      c.expected = 1;
      c.bytes = 0;
      c.tsize = -1;
      c.crc = new CRC32C();
      c.rtoMs = TFTP_RTO_FIRST_MS;
      if (c.stage == Stage.MENU) c.menuText = new StringBuilder();
      try {
        c.ch = DatagramChannel.open(StandardProtocolFamily.INET);
        int slot = c.stage == Stage.BOOT ? 0 : c.stage == Stage.INITRD ? 3 : c.fallbackTried ? 2 : 1;
        try {
          c.ch.bind(new InetSocketAddress("0.0.0.0", portBase + 4 * c.index + slot));
        } catch (IOException taken) {
          c.ch.bind(new InetSocketAddress("0.0.0.0", 0));
          ephemeralPorts.incrementAndGet();
        }
        c.ch.configureBlocking(false);
        c.key = c.ch.register(selector, SelectionKey.OP_READ, c);
        byte[] nm = name.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer rrq = ByteBuffer.allocate(4 + nm.length + 32);
        rrq.putShort((short) 1).put(nm).put((byte) 0).put("octet".getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        rrq.put("tsize".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) '0').put((byte) 0);
        rrq.put("blksize".getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
            .put(Integer.toString(BLKSIZE).getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        rrq.flip();
        c.last = rrq;
        long now = System.nanoTime();
        c.lastProgressNs = now;
        resend(c, now);
      } catch (IOException e) {
        fail(c, "socket-" + e.getClass().getSimpleName());
      }
    }

    void resend(Client c, long now) {
      c.lastSendNs = now;
      ByteBuffer p = c.last.duplicate();
      try {
        if (c.connected) c.ch.write(p);
        else c.ch.send(p, new InetSocketAddress(InetAddress.getByAddress(c.nextServer), 69));
      } catch (PortUnreachableException e) {
        // ICMP from a transfer port the server closed: a PXE ROM does not see it; the stall rule decides.
      } catch (IOException e) {
        if (!(e instanceof ClosedChannelException)) System.err.println("storm: TFTP send: " + e);
      }
    }

    void sendAck(Client c, int block) {
      ByteBuffer ack = ByteBuffer.allocate(4);
      ack.putShort((short) 4).putShort((short) block).flip();
      c.last = ack;
      c.rtoMs = TFTP_RTO_FIRST_MS;
      resend(c, System.nanoTime());
    }

    void readAll(Client c) {
      while (c.ch != null && (c.stage == Stage.BOOT || c.stage == Stage.MENU || c.stage == Stage.INITRD)) {
        buf.clear();
        SocketAddress from;
        try {
          from = c.ch.receive(buf);
        } catch (PortUnreachableException e) {
          continue;
        } catch (IOException e) {
          return;
        }
        if (from == null) return;
        buf.flip();
        if (!c.connected) {
          // The server's transfer ID (RFC 1350 §4): from now on only that port is listened to.
          try {
            c.ch.connect(from);
            c.connected = true;
          } catch (IOException e) {
            fail(c, "connect-" + e.getClass().getSimpleName());
            return;
          }
        }
        packet(c);
      }
    }

    void packet(Client c) {
      if (buf.remaining() < 4) return;
      int op = buf.getShort(0) & 0xffff;
      if (op == 3) {
        int block = buf.getShort(2) & 0xffff;
        int len = buf.remaining() - 4;
        if (block == c.expected) {
          buf.position(4);
          c.crc.update(buf);
          if (c.stage == Stage.MENU) {
            byte[] t = new byte[len];
            buf.get(4, t);
            c.menuText.append(new String(t, StandardCharsets.ISO_8859_1));
          }
          c.bytes += len;
          c.expected = (c.expected + 1) & 0xffff;
          c.lastProgressNs = System.nanoTime();
          sendAck(c, block);
          if (len < c.blksize) fileDone(c);
        } else if (block == ((c.expected - 1) & 0xffff)) {
          sendAck(c, block); // our ACK was lost or late: acknowledge the duplicate again
        }
      } else if (op == 6 && c.expected == 1 && c.bytes == 0) {
        // OACK (RFC 2347): options as NUL-separated pairs.
        byte[] body = new byte[buf.remaining() - 2];
        buf.get(2, body);
        String[] parts = new String(body, StandardCharsets.US_ASCII).split("\0");
        for (int i = 0; i + 1 < parts.length; i += 2) {
          String k = parts[i].toLowerCase(Locale.ROOT);
          if (k.equals("blksize")) c.blksize = Integer.parseInt(parts[i + 1].trim());
          if (k.equals("tsize")) c.tsize = Long.parseLong(parts[i + 1].trim());
        }
        c.lastProgressNs = System.nanoTime();
        sendAck(c, 0);
      } else if (op == 5) {
        int code = buf.getShort(2) & 0xffff;
        byte[] m = new byte[Math.max(0, buf.remaining() - 5)];
        buf.get(4, m);
        String msg = new String(m, StandardCharsets.US_ASCII).replaceAll("[^A-Za-z0-9._/-]+", "_");
        if (c.stage == Stage.MENU && code == 1 && !c.fallbackTried) {
          c.fallbackTried = true; // pxelinux goes on to its next name
          startFile(c, MENU_PREFIX + "default");
          return;
        }
        fail(c, "tftp-error-" + code + "-" + c.stage.name().toLowerCase(Locale.ROOT) + "-" + msg);
      }
    }

    void fileDone(Client c) {
      long now = System.nanoTime();
      if (c.tsize >= 0 && c.tsize != c.bytes) {
        fail(c, "tsize-" + c.tsize + "-but-got-" + c.bytes + "-" + c.stage.name().toLowerCase(Locale.ROOT));
        return;
      }
      switch (c.stage) {
        case BOOT -> {
          if (c.bytes != bootCheck[0] || c.crc.getValue() != bootCheck[1]) {
            fail(c, "boot-file-mismatch-" + c.bytes + "-bytes");
            return;
          }
          c.bootDoneNs = now;
          c.stage = Stage.MENU;
          startFile(c, MENU_PREFIX + "01-" + c.macText('-'));
        }
        case MENU -> {
          c.menuDoneNs = now;
          String initrd = defaultInitrd(c.menuText.toString());
          if (initrd == null) {
            fail(c, "menu-default-has-no-initrd");
            return;
          }
          c.initrdName = initrd;
          c.stage = Stage.INITRD;
          startFile(c, initrd);
        }
        case INITRD -> {
          if (c.bytes != initrdCheck[0] || c.crc.getValue() != initrdCheck[1]) {
            fail(c, "initrd-mismatch-" + c.bytes + "-bytes");
            return;
          }
          done(c);
        }
        default -> { }
      }
    }
  }

  /** The first initrd of the menu's default entry (MENU DEFAULT, else the DEFAULT label, else the first LABEL). */
  static String defaultInitrd(String menu) {
    String current = null, defaultLabel = null, marked = null, first = null;
    Map<String, String> initrds = new java.util.HashMap<>();
    for (String raw : menu.split("\r?\n")) {
      String line = raw.trim();
      String up = line.toUpperCase(Locale.ROOT);
      if (up.startsWith("LABEL ")) {
        current = line.substring(6).trim();
        if (first == null) first = current;
      } else if (up.startsWith("DEFAULT ")) {
        defaultLabel = line.substring(8).trim();
      } else if (up.equals("MENU DEFAULT") && current != null) {
        marked = current;
      } else if (up.startsWith("APPEND ") && current != null) {
        for (String w : line.substring(7).trim().split("\\s+")) {
          if (w.startsWith("initrd=")) initrds.put(current, w.substring(7).split(",")[0]);
        }
      } else if (up.startsWith("INITRD ") && current != null) {
        initrds.put(current, line.substring(7).trim().split(",")[0]);
      }
    }
    String chosen = marked != null ? marked : initrds.containsKey(defaultLabel) ? defaultLabel : first;
    return chosen == null ? null : initrds.get(chosen);
  }

  // ---------------------------------------------------------------------------------------------------- report
  static String secs(long a, long b) {
    return a == 0 || b == 0 ? "-" : String.format(Locale.ROOT, "%.3f", (b - a) / 1e9);
  }

  static String ip(byte[] a) {
    if (a == null) return "-";
    return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
  }

  void report(double cpu) {
    StringBuilder out = new StringBuilder();
    double[] done = new double[n];
    int ok = 0;
    long first = Long.MAX_VALUE, last = 0;
    for (Client c : clients) {
      first = Math.min(first, c.startNs);
      last = Math.max(last, c.endNs);
      boolean good = c.stage == Stage.DONE;
      if (good) done[ok++] = (c.endNs - c.startNs) / 1e9;
      out.append(String.format(Locale.ROOT, "client %d %s %d %.6f %.6f %s %s %s %s %s %s %d %d %s%n", c.index,
          c.macText(':'), good ? 1 : 0, c.startEpochMs / 1e3, c.startEpochMs / 1e3 + (c.endNs - c.startNs) / 1e9,
          secs(c.startNs, c.dhcpDoneNs), secs(c.dhcpDoneNs, c.bootDoneNs), secs(c.bootDoneNs, c.menuDoneNs),
          secs(c.menuDoneNs, good ? c.endNs : 0), ip(c.ip), ip(c.nextServer), c.dhcpRetx, c.tftpRetx, c.reason));
    }
    double[] sorted = Arrays.copyOf(done, ok);
    Arrays.sort(sorted);
    out.append(String.format(Locale.ROOT, "summary n=%d ok=%d failed=%d p50=%s p90=%s p99=%s max=%s wall=%.2f cpu=%.2f threads=%d ephemeral-ports=%d%n",
        n, ok, n - ok, pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99),
        ok > 0 ? String.format(Locale.ROOT, "%.2f", sorted[ok - 1]) : "-", (last - first) / 1e9, cpu,
        workers.length, ephemeralPorts.get()));
    System.out.print(out);
    System.out.flush();
  }

  /** Nearest rank over all n clients, failed ones never completing: "-" when fewer than that share completed. */
  String pct(double[] sorted, double p) {
    int k = (int) Math.ceil(p * n);
    if (k < 1) k = 1;
    return k <= sorted.length ? String.format(Locale.ROOT, "%.2f", sorted[k - 1]) : "-";
  }
}
