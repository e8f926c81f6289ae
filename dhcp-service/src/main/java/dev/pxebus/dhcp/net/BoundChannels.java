package dev.pxebus.dhcp.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * UDP sockets pinned to one interface with SO_BINDTODEVICE, so a broadcast reply leaves by the interface the request
 * came in on even on a multi-homed host with no default route (research/stack.md §4d: a wildcard socket cannot tell
 * interfaces apart, and its limited broadcasts follow the default route). Needs native epoll and CAP_NET_RAW.
 */
public final class BoundChannels {
  private BoundChannels() {}

  /** SOL_SOCKET = 1, SO_BINDTODEVICE = 25; the value is the interface name in an IFNAMSIZ (16) buffer. */
  private static final RawUnixChannelOption SO_BINDTODEVICE =
      new RawUnixChannelOption("SO_BINDTODEVICE", 1, 25, 16);
  /**
   * SOL_SOCKET = 1, SO_RCVBUFFORCE = 33: a receive buffer beyond {@code net.core.rmem_max} (root or CAP_NET_ADMIN).
   * A boot storm arrives in bursts and the JVM pauses now and then (GC, JIT); the default buffer (about 200 KiB,
   * some hundred requests) overflowed in the benchmark, and a request the kernel drops costs the client seconds.
   */
  private static final IntegerUnixChannelOption SO_RCVBUFFORCE = new IntegerUnixChannelOption("SO_RCVBUFFORCE", 1, 33);
  static final int RECEIVE_BUFFER = 8 * 1024 * 1024;

  public static ChannelFuture bind(EventLoop loop, String iface, int port, ChannelHandler handler) {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("dhcp-service needs Netty's native epoll transport (Linux) for per-interface "
          + "sockets: " + Epoll.unavailabilityCause());
    }
    byte[] name = iface.getBytes(StandardCharsets.US_ASCII);
    if (name.length > 15) throw new IllegalArgumentException("interface name '" + iface + "' is longer than 15 bytes");
    ByteBuffer dev = ByteBuffer.allocateDirect(16);
    dev.put(name);
    dev.position(0).limit(16);
    return new Bootstrap().group(loop).channel(EpollDatagramChannel.class)
        .option(ChannelOption.SO_BROADCAST, true)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(SO_BINDTODEVICE, dev)
        .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER) // capped at rmem_max when SO_RCVBUFFORCE is not allowed
        .option(SO_RCVBUFFORCE, RECEIVE_BUFFER)
        .handler(handler)
        .bind(new InetSocketAddress("0.0.0.0", port));
  }
}
