package io.tapline.delivery.udp;

import io.tapline.packet.vxlan.Vxlan;
import io.tapline.delivery.domain.AllowedRanges;
import io.tapline.delivery.domain.DatagramSender;
import io.tapline.delivery.domain.Endpoint;
import io.tapline.delivery.domain.SendOutcome;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends VXLAN datagrams with plain blocking {@link DatagramChannel}s on the caller's (the delivery
 * loop's) thread.
 *
 * <p><b>Outer source port.</b> One socket cannot choose the source port per datagram, so there is
 * one socket per (endpoint, source-port slot), bound to port {@code 49152 + slot} and connected to
 * the endpoint. A flow always maps to one slot ({@link Vxlan#sourcePortSlot}) and one endpoint, so
 * all its datagrams leave from one socket, in order, with one source port, and both directions of
 * the flow share it. Sockets are created lazily and the least recently used one is closed beyond
 * {@code maxSockets}. {@code SO_REUSEPORT} (where the platform has it) lets the sockets of several
 * endpoints, and several target-service processes on one host, share a source port; when a port
 * cannot be bound anyway the socket falls back to an ephemeral port (logged once per slot): the
 * flow still keeps one source port, just not the computed one.
 *
 * <p><b>Errors.</b> A connected UDP socket reports the ICMP port/host unreachable that an earlier
 * datagram drew, on a later send; that is how unreachable receivers become visible per target.
 * Every error is returned as a {@link SendOutcome}, never thrown, so one bad target stalls no
 * other. A blocking send waits only for room in the local socket buffer, which the network drains
 * at line rate whatever the receiver does.
 *
 * <p>Not thread-safe: owned by the delivery thread.
 */
public final class UdpDatagramSender implements DatagramSender, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UdpDatagramSender.class);
  private static final int MAX_RESOLVED_ENDPOINTS = 4096;

  private final InetAddress bindAddress;
  private final int maxSockets;
  private final Map<ChannelKey, DatagramChannel> channels;
  private final AllowedRanges allowed;
  private final Map<Endpoint, Resolved> resolved =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Endpoint, Resolved> eldest) {
          return size() > MAX_RESOLVED_ENDPOINTS;
        }
      };
  private final java.util.Set<Integer> fallbackLogged = new java.util.HashSet<>();
  private final ChannelKey probe = new ChannelKey(null, 0);

  /**
   * @param bindAddress local address the sockets bind to (a wildcard address binds all; an IPv4
   *                    wildcard is replaced by the IPv6 one for IPv6 endpoints)
   * @param maxSockets  most sockets kept open; the least recently used beyond it is closed
   * @param allowed     where datagrams may go: an endpoint resolving outside gets nothing
   */
  public UdpDatagramSender(InetAddress bindAddress, int maxSockets, AllowedRanges allowed) {
    this.bindAddress = bindAddress;
    this.allowed = java.util.Objects.requireNonNull(allowed, "allowed");
    this.maxSockets = maxSockets;
    this.channels = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ChannelKey, DatagramChannel> eldest) {
        if (size() > UdpDatagramSender.this.maxSockets) {
          closeQuietly(eldest.getValue());
          return true;
        }
        return false;
      }
    };
  }

  @Override
  public SendOutcome send(Endpoint endpoint, int sourcePortSlot, ByteBuffer datagram) {
    Resolved target = resolved.computeIfAbsent(endpoint, this::resolve);
    if (target.refusal() != null) {
      return target.refusal(); // before any socket: a forbidden address is never contacted
    }
    // A reused probe key: the lookup runs once per datagram and must not allocate.
    probe.remote = target.address();
    probe.slot = sourcePortSlot;
    DatagramChannel channel = channels.get(probe);
    try {
      if (channel == null) {
        channel = open(target.address(), sourcePortSlot);
        channels.put(new ChannelKey(probe.remote, probe.slot), channel);
      }
      channel.write(datagram);
      return SendOutcome.SENT;
    } catch (PortUnreachableException e) {
      return SendOutcome.UNREACHABLE;
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("unreachable") || message.contains("refused")) {
        return SendOutcome.UNREACHABLE;
      }
      LOG.debug("send to {} failed: {}", endpoint, e.toString());
      if (channel != null && !channel.isOpen()) {
        channels.remove(probe);
      }
      return SendOutcome.NETWORK_ERROR;
    } catch (UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      // no IPv6 on this host, an address the socket refuses: this endpoint's problem, not the loop's
      LOG.debug("send to {} failed: {}", endpoint, e.toString());
      return SendOutcome.NETWORK_ERROR;
    }
  }

  /** Number of open sockets, for tests and diagnostics. */
  public int openSockets() {
    return channels.size();
  }

  private DatagramChannel open(InetSocketAddress remote, int slot) throws IOException {
    boolean ipv6 = remote.getAddress() instanceof Inet6Address;
    DatagramChannel channel = DatagramChannel.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    try {
      if (channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
        channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      }
      InetAddress local = localAddressFor(ipv6);
      int port = Vxlan.SOURCE_PORT_MIN + slot;
      try {
        channel.bind(new InetSocketAddress(local, port));
      } catch (IOException e) {
        if (fallbackLogged.add(slot)) {
          LOG.warn("cannot bind source port {} ({}); flows of slot {} use an ephemeral port", port, e.getMessage(), slot);
        }
        channel.bind(new InetSocketAddress(local, 0));
      }
      channel.connect(remote);
      return channel;
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private InetAddress localAddressFor(boolean ipv6) throws UnknownHostException {
    boolean matches = (bindAddress instanceof Inet6Address) == ipv6;
    if (matches) {
      return bindAddress;
    }
    if (bindAddress.isAnyLocalAddress()) {
      return InetAddress.getByName(ipv6 ? "::" : "0.0.0.0");
    }
    throw new UnknownHostException("bind address " + bindAddress.getHostAddress()
        + " cannot send to an " + (ipv6 ? "IPv6" : "IPv4") + " endpoint");
  }

  /** An endpoint resolved once: its socket address, or why nothing is sent to it. */
  private record Resolved(InetSocketAddress address, SendOutcome refusal) {}

  private Resolved resolve(Endpoint endpoint) {
    try {
      InetAddress address;
      try {
        address = InetAddress.ofLiteral(endpoint.address());
      } catch (IllegalArgumentException notALiteral) {
        address = InetAddress.getByName(endpoint.address());
      }
      if (!allowed.allows(address)) {
        LOG.warn("endpoint {} ({}) is outside tapline.target.allowed-target-ranges ({}); its datagrams are dropped",
            endpoint, address.getHostAddress(), allowed);
        return new Resolved(null, SendOutcome.FORBIDDEN_ADDRESS);
      }
      return new Resolved(new InetSocketAddress(address, endpoint.port()), null);
    } catch (UnknownHostException e) {
      LOG.warn("endpoint {} cannot be resolved; its datagrams are dropped", endpoint);
      return new Resolved(null, SendOutcome.UNRESOLVABLE_ADDRESS);
    }
  }

  private static void closeQuietly(DatagramChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing a socket failed: {}", e.toString());
    }
  }

  /** Closes every socket. */
  @Override
  public void close() {
    for (DatagramChannel channel : channels.values()) {
      closeQuietly(channel);
    }
    channels.clear();
  }

  /** Map key of a socket: remote address and source-port slot. Mutable only for {@link #probe}. */
  private static final class ChannelKey {
    private InetSocketAddress remote;
    private int slot;

    ChannelKey(InetSocketAddress remote, int slot) {
      this.remote = remote;
      this.slot = slot;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof ChannelKey key && key.slot == slot && java.util.Objects.equals(key.remote, remote);
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Objects.hashCode(remote) + slot;
    }
  }
}
