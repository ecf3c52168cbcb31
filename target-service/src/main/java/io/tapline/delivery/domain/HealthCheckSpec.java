package io.tapline.delivery.domain;

import io.tapline.packet.http.HttpCodeMatcher;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the members of a load-balancer target are checked (the target group's ELBv2 settings).
 *
 * @param targetGroupArn          the target group whose members are checked (health is kept per group and member)
 * @param protocol                TCP (connect) or HTTP (GET, the matcher's codes are success); anything else is
 *                                not checked (Elb.InternalError): HTTPS is refused at the API
 * @param matcher                 HTTP codes that pass; empty when the configured text was not valid (then
 *                                every HTTP check fails with Elb.InternalError, nothing is sent)
 * @param port                    port to check, or null for the member's traffic port
 * @param path                    HTTP path, "/" when null
 * @param interval                time between two checks of one member
 * @param timeout                 time after which a check fails
 * @param healthyThresholdCount   consecutive successes that make a member healthy
 * @param unhealthyThresholdCount consecutive failures that make a member unhealthy
 */
public record HealthCheckSpec(String targetGroupArn, String protocol, Integer port, String path, Duration interval,
    Duration timeout, int healthyThresholdCount, int unhealthyThresholdCount, Optional<HttpCodeMatcher> matcher) {

  public static final String TCP = "TCP";
  public static final String HTTP = "HTTP";

  public HealthCheckSpec {
    Objects.requireNonNull(targetGroupArn, "targetGroupArn");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(matcher, "matcher");
    if (healthyThresholdCount < 1 || unhealthyThresholdCount < 1) {
      throw new IllegalArgumentException("thresholds must be at least 1");
    }
  }

  /** A check with the default matcher (200-399). */
  public HealthCheckSpec(String targetGroupArn, String protocol, Integer port, String path, Duration interval,
      Duration timeout, int healthyThresholdCount, int unhealthyThresholdCount) {
    this(targetGroupArn, protocol, port, path, interval, timeout, healthyThresholdCount, unhealthyThresholdCount,
        Optional.of(HttpCodeMatcher.DEFAULT));
  }

  /** The port a member is checked on. */
  public int portFor(Endpoint member) {
    return port == null ? member.port() : port;
  }
}
