package io.tapline.testing;

import io.tapline.packet.MalformedPacketException;
import io.tapline.packet.vxlan.Vxlan;
import io.tapline.packet.vxlan.VxlanPacket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP receiver on 127.0.0.1 that decodes every datagram as VXLAN and keeps what it got, in
 * arrival order: the stand-in for an IDS in tests. Datagrams that are not valid VXLAN are counted.
 */
public final class VxlanReceiver implements AutoCloseable {

  /** One datagram as received: the outer UDP source port, the VXLAN header and the inner frame. */
  public record Received(int sourcePort, VxlanPacket packet) {}

  private final DatagramChannel channel;
  private final List<Received> received = new ArrayList<>();
  private final AtomicLong malformed = new AtomicLong();
  private final Thread thread;

  private VxlanReceiver(DatagramChannel channel) {
    this.channel = channel;
    this.thread = Thread.ofPlatform().daemon().name("vxlan-receiver-" + port()).start(this::run);
  }

  /** Binds a free UDP port on 127.0.0.1 (or {@code port} when not 0) and starts receiving. */
  public static VxlanReceiver start(int port) {
    try {
      DatagramChannel channel = DatagramChannel.open();
      channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 8 * 1024 * 1024);
      channel.bind(new InetSocketAddress("127.0.0.1", port));
      return new VxlanReceiver(channel);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the VXLAN receiver", e);
    }
  }

  public int port() {
    try {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocate(65_536);
    while (channel.isOpen()) {
      try {
        buffer.clear();
        SocketAddress from = channel.receive(buffer);
        buffer.flip();
        byte[] datagram = new byte[buffer.remaining()];
        buffer.get(datagram);
        try {
          VxlanPacket packet = Vxlan.decode(datagram);
          synchronized (received) {
            received.add(new Received(((InetSocketAddress) from).getPort(), packet));
          }
        } catch (MalformedPacketException e) {
          malformed.incrementAndGet();
        }
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!channel.isOpen()) {
          return;
        }
      }
    }
  }

  /** A copy of everything received so far, in arrival order. */
  public List<Received> received() {
    synchronized (received) {
      return new ArrayList<>(received);
    }
  }

  public int count() {
    synchronized (received) {
      return received.size();
    }
  }

  public long malformed() {
    return malformed.get();
  }

  @Override
  public void close() {
    try {
      channel.close();
      thread.join(2_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
