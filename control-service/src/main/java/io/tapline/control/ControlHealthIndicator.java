package io.tapline.control;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.tapline.control.kafka.ControlRuntime;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/** DOWN until the state is rebuilt, UP while the command loop runs, DOWN once it stopped. */
@Singleton
@Requires(env = ControlApplication.ENVIRONMENT)
class ControlHealthIndicator implements HealthIndicator {

  private final ControlRuntime runtime;

  ControlHealthIndicator(ControlRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    ControlRuntime.Status status = runtime.status();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("loop", status.name());
    details.put("resources", runtime.resourceCount());
    runtime.lastError().ifPresent(error -> details.put("lastError", error));
    HealthStatus health = status == ControlRuntime.Status.RUNNING ? HealthStatus.UP : HealthStatus.DOWN;
    return Publishers.just(HealthResult.builder("control-loop", health).details(details).build());
  }
}
