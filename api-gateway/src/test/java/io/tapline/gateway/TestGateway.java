package io.tapline.gateway;

import io.tapline.gateway.GatewayApplication.RunningGateway;
import io.tapline.testing.KafkaFixture;
import java.util.Map;

/**
 * A real gateway on the shared embedded broker, with a {@link FakeControlService} answering its
 * commands, the default account's key ({@link Ec2Clients}) and a 3 s command timeout: what the
 * hostile-input tests send their raw calls to.
 */
final class TestGateway implements AutoCloseable {

  final FakeControlService control;
  final RunningGateway gateway;
  final RawHttp http;

  private TestGateway(FakeControlService control, RunningGateway gateway) {
    this.control = control;
    this.gateway = gateway;
    this.http = new RawHttp(gateway.uri());
  }

  static TestGateway start() throws Exception {
    String bootstrap = KafkaFixture.shared().bootstrapServers();
    FakeControlService control = new FakeControlService(bootstrap);
    try {
      control.awaitPositioned();
      RunningGateway gateway = GatewayApplication.start(Map.of(
          "micronaut.server.port", -1,
          "tapline.kafka.bootstrap-servers", bootstrap,
          "tapline.gateway.command-timeout", "3s",
          "tapline.gateway.management-port", freeManagementPort(),
          "tapline.gateway.credentials", States.ACCOUNT + "," + Ec2Clients.ACCESS_KEY + "," + Ec2Clients.SECRET_KEY));
      return new TestGateway(control, gateway);
    } catch (Exception | Error e) {
      control.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      control.close();
    }
  }

  /** A free port for the gateway's management endpoint (its default, 8785, may be taken on a developer's machine). */
  private static int freeManagementPort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
