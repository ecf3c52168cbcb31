package io.tapline.control.domain;

import java.util.Objects;

/**
 * How a target group's members are checked (the ELBv2 HealthCheck* parameters).
 *
 * @param protocol                TCP or HTTP
 * @param port                    port to check, or null for each member's traffic port
 * @param path                    HTTP path ("/" by default); null for TCP
 * @param intervalSeconds         seconds between checks of one member
 * @param timeoutSeconds          seconds after which a check counts as failed
 * @param healthyThresholdCount   consecutive successes to become healthy
 * @param unhealthyThresholdCount consecutive failures to become unhealthy
 * @param matcher                 HTTP codes that pass ({@code Matcher.HttpCode}, e.g. "200-299"); null for
 *                                the provider's default (200-399) and for TCP
 */
public record HealthCheck(String protocol, Integer port, String path, int intervalSeconds, int timeoutSeconds,
    int healthyThresholdCount, int unhealthyThresholdCount, String matcher) {

  public static final String TCP = "TCP";
  public static final String HTTP = "HTTP";

  public HealthCheck {
    Objects.requireNonNull(protocol, "protocol");
  }

  /** The ELBv2 form of the port: a number, or "traffic-port". */
  public String portText() {
    return port == null ? "traffic-port" : String.valueOf(port);
  }
}
