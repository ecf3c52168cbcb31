package io.tapline.control;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.tapline.control.kafka.ControlRuntime;
import java.util.Map;

/**
 * Entry point of the control service: a Micronaut application (HTTP port 8781 by default, for
 * /health and /prometheus) whose {@link ControlFactory} builds the single writer of Tapline's
 * control state. Beans of this module only load in the {@value #ENVIRONMENT} environment, so a
 * classpath shared with other Tapline services does not mix them up.
 */
public final class ControlApplication {

  /** The Micronaut environment the control service's beans and defaults (application-control.properties) need. */
  public static final String ENVIRONMENT = "control";

  private ControlApplication() {}

  public static void main(String[] args) {
    ApplicationContext context = Micronaut.build(args)
        .mainClass(ControlApplication.class)
        .environments(ENVIRONMENT)
        .start();
    // Another instance took over (or the loop failed for good): leave, so a supervisor restarts us.
    ControlRuntime.Status end = context.getBean(ControlRuntime.class).terminated().join();
    if (end != ControlRuntime.Status.STOPPED) {
      context.close();
      System.exit(end == ControlRuntime.Status.FENCED ? 3 : 1);
    }
  }

  /**
   * Starts the service in this JVM (launcher, tests): the HTTP server and the command loop. The
   * properties override every other source, e.g. {@code tapline.kafka.bootstrap-servers} and
   * {@code micronaut.server.port} (0 picks a free port). Close the context to stop.
   */
  public static ApplicationContext start(Map<String, Object> properties) {
    return Micronaut.build(new String[0])
        .mainClass(ControlApplication.class)
        .environments(ENVIRONMENT)
        .properties(properties)
        .banner(false)
        .start();
  }
}
