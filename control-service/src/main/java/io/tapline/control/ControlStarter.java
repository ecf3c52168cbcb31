package io.tapline.control;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.tapline.control.kafka.ControlRuntime;
import jakarta.inject.Singleton;

/** Starts the Kafka runtime when the application context has started (the HTTP server comes up meanwhile). */
@Singleton
@Requires(env = ControlApplication.ENVIRONMENT)
class ControlStarter implements ApplicationEventListener<StartupEvent> {

  private final ControlRuntime runtime;

  ControlStarter(ControlRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void onApplicationEvent(StartupEvent event) {
    runtime.start();
  }
}
