package io.tapline.bench.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * The IDS of the end-to-end benchmark: one thread in a tight blocking receive loop on a
 * {@link DatagramChannel} with a large receive buffer, counting datagrams and their bytes. No
 * decoding, so the receiver is never what limits the figure (it does check the VXLAN flags byte
 * and counts datagrams that are not VXLAN separately).
 */
final class VxlanCountingReceiver implements AutoCloseable {

  private static final int VXLAN_FLAGS_I = 0x08;

  private final DatagramChannel channel;
  private final Thread thread;
  private final int receiveBuffer;
  private volatile long packets;
  private volatile long bytes;
  private volatile long notVxlan;

  VxlanCountingReceiver(int requestedReceiveBuffer) {
    try {
      channel = DatagramChannel.open();
      channel.setOption(StandardSocketOptions.SO_RCVBUF, requestedReceiveBuffer);
      channel.bind(new InetSocketAddress("127.0.0.1", 0));
      receiveBuffer = channel.getOption(StandardSocketOptions.SO_RCVBUF);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the VXLAN receiver", e);
    }
    thread = Thread.ofPlatform().name("vxlan-receiver").daemon().start(this::receive);
  }

  private void receive() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
    try {
      while (true) {
        buffer.clear();
        channel.receive(buffer);
        int length = buffer.position();
        if (length < 8 || (buffer.get(0) & 0xFF) != VXLAN_FLAGS_I) {
          notVxlan++;
        }
        bytes += length;
        packets++; // single writer: a volatile store, no lock
      }
    } catch (ClosedChannelException e) {
      // closed: done
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    try {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SO_RCVBUF the kernel granted (Linux doubles the request, capped by net.core.rmem_max). */
  int receiveBuffer() {
    return receiveBuffer;
  }

  long packets() {
    return packets;
  }

  /** UDP payload bytes: 8 VXLAN header bytes plus the inner frame, per datagram. */
  long bytes() {
    return bytes;
  }

  long notVxlan() {
    return notVxlan;
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
