package io.tapline.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;

/** {@code /health} is DOWN (HTTP 503) until the results reader is positioned and the view caught up. */
@Singleton
@Requires(env = GatewayApplication.ENVIRONMENT)
public class KafkaHealthIndicator implements HealthIndicator {

  private final GatewayKafka kafka;

  public KafkaHealthIndicator(GatewayKafka kafka) {
    this.kafka = kafka;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    List<String> problems = kafka.problems();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("resourceViewCaughtUp", kafka.resourceView().isCaughtUp());
    details.put("resources", kafka.resourceView().size());
    details.put("pendingCommands", kafka.commandBus().pendingCalls());
    if (!problems.isEmpty()) {
      details.put("problems", problems);
    }
    return Publishers.just(HealthResult.builder("kafka", problems.isEmpty() ? HealthStatus.UP : HealthStatus.DOWN)
        .details(details)
        .build());
  }
}
