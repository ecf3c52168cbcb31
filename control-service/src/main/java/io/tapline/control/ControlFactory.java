package io.tapline.control;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.tapline.control.domain.CommandHandler;
import io.tapline.control.domain.loadbalancing.LoadBalancerRoutes;
import io.tapline.control.domain.loadbalancing.LoadBalancingCommands;
import io.tapline.control.domain.IdGenerator;
import io.tapline.control.domain.Limits;
import io.tapline.control.domain.MirrorProjection;
import io.tapline.control.kafka.ControlRuntime;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the only place that builds the domain and the Kafka runtime from the typed
 * configuration. It logs the resolved settings; {@link ControlStarter} starts the runtime once the
 * application context is up.
 */
@Factory
@Requires(env = ControlApplication.ENVIRONMENT)
public class ControlFactory {

  private static final Logger LOG = LoggerFactory.getLogger(ControlFactory.class);

  @Singleton
  ControlSettings controlSettings(ControlConfiguration control, KafkaConfiguration kafka) {
    ControlSettings settings = control.toSettings(kafka.settings());
    LOG.info("control-service configuration: {}, transactional-id={}, group-id={}, "
            + "max-poll-records={}, startup-timeout={}, vxlan-port={}, limits={}",
        settings.kafka().describe(), settings.transactionalId(), settings.groupId(), settings.maxPollRecords(),
        settings.startupTimeout(), settings.vxlanPort(), settings.limits());
    return settings;
  }

  @Singleton
  @Bean(preDestroy = "close")
  ControlRuntime controlRuntime(ControlSettings settings, MeterRegistry meters) {
    CommandHandler handler = commandHandler(settings.limits(), new SecureRandom());
    MirrorProjection projection = new MirrorProjection(settings.vxlanPort(), LoadBalancerRoutes.ROUTING);
    return new ControlRuntime(settings, handler, projection, meters, Clock.systemUTC());
  }

  /**
   * The command handler with every command family registered: the EC2 ones it holds and the ELBv2
   * subset. A new family is registered here.
   */
  public static CommandHandler commandHandler(Limits limits, RandomGenerator random) {
    IdGenerator ids = IdGenerator.random(random);
    return new CommandHandler(limits, ids, random, new LoadBalancingCommands(ids, limits));
  }
}
