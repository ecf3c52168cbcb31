package io.tapline.local;

import io.tapline.testing.VxlanReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Members of a load balancer's target group on loopback: a VXLAN receiver each, with a TCP health port
 * of the same number (the target group checks the "traffic-port"), {@code receivers.get(i)} and
 * {@code healthPorts.get(i)} being one member. Closing a health port fails that member's check.
 */
final class LoadBalancerMembers implements AutoCloseable {

  private static final int ATTEMPTS = 30;

  final List<VxlanReceiver> receivers = new ArrayList<>();
  final List<HealthPort> healthPorts = new ArrayList<>();

  /** Opens members until there are {@code count}. */
  LoadBalancerMembers open(int count) {
    for (int attempt = 0; receivers.size() < count; attempt++) {
      if (attempt == ATTEMPTS) {
        throw new IllegalStateException(
            "no UDP receiver port whose number was also free for TCP in " + ATTEMPTS + " attempts");
      }
      // An ephemeral UDP port's number is not always free for TCP (a client socket may hold it): try another.
      VxlanReceiver receiver = VxlanReceiver.start(0);
      try {
        healthPorts.add(new HealthPort(receiver.port()).open());
        receivers.add(receiver);
      } catch (UncheckedIOException e) {
        receiver.close();
      }
    }
    return this;
  }

  @Override
  public void close() {
    healthPorts.forEach(HealthPort::close);
    receivers.forEach(VxlanReceiver::close);
  }

  /** A TCP port on 127.0.0.1 that accepts and closes connections (a passing TCP health check) while open. */
  static final class HealthPort {
    private final int port;
    private volatile ServerSocket socket;

    HealthPort(int port) {
      this.port = port;
    }

    int port() {
      return port;
    }

    /** Opens (or reopens after {@link #close()}) the port. */
    HealthPort open() {
      try {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress("127.0.0.1", port));
        socket = server;
        Thread.ofVirtual().start(() -> {
          while (!server.isClosed()) {
            try (Socket accepted = server.accept()) {
              // a TCP health check only needs the connection
            } catch (IOException e) {
              return;
            }
          }
        });
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the health port " + port, e);
      }
    }

    void close() {
      try {
        if (socket != null) {
          socket.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
