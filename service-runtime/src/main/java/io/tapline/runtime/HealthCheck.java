package io.tapline.runtime;

/** One named readiness check of a service, polled by the health endpoint. */
@FunctionalInterface
public interface HealthCheck {

  /** Null when healthy, otherwise why not. */
  String problem();
}
