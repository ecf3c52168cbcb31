package io.tapline.gateway;

import io.micronaut.context.annotation.Requires;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.micronaut.http.server.HttpServerConfiguration;
import io.tapline.gateway.api.Ec2ApiService;
import io.tapline.gateway.auth.AccessKey;
import io.tapline.gateway.auth.AccessKeyStore;
import io.tapline.gateway.auth.SigV4Verifier;
import io.tapline.gateway.domain.QueryParser;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's composition root: reads the typed configuration, logs it (never a secret), builds
 * the Kafka clients, the signature verifier and the API service.
 */
@Factory
@Requires(env = GatewayApplication.ENVIRONMENT)
public class GatewayFactory {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayFactory.class);

  /** The signing name EC2 clients put into their credential scope. */
  public static final String SIGNING_SERVICE = "ec2";

  @Context
  @Bean(preDestroy = "close")
  GatewayKafka gatewayKafka(GatewayConfig config, KafkaConfig kafka, MeterRegistry registry,
                            HttpServerConfiguration server, AccessKeyStore keys) {
    // keys is a parameter so a gateway without keys refuses before it connects to Kafka
    if (server.getMaxRequestSize() <= config.getMaxBodyBytes()) {
      // Netty would refuse such bodies before the gateway could: keep its cap above ours
      throw new IllegalArgumentException("micronaut.server.max-request-size (" + server.getMaxRequestSize()
          + ") must be larger than tapline.gateway.max-body-bytes (" + config.getMaxBodyBytes() + ")");
    }
    LOG.info("api-gateway configuration: {}, {}", kafka.settings().describe(), config);
    GatewayKafka clients = GatewayKafka.start(kafka.settings(), config.getCommandTimeout(),
        config.getStartupTimeout());
    Gauge.builder(GatewayMetrics.PENDING_COMMANDS, clients.commandBus(), b -> b.pendingCalls())
        .description("mutating calls waiting for their command result").register(registry);
    Gauge.builder(GatewayMetrics.VIEW_RESOURCES, clients.resourceView(), v -> v.size())
        .description("resources in the gateway's view, all accounts").register(registry);
    Gauge.builder(GatewayMetrics.CORRUPT_RECORDS, clients,
            c -> c.resourceView().corruptRecords() + c.commandBus().corruptResults())
        .description("undecodable records skipped").register(registry);
    return clients;
  }

  @Context
  AccessKeyStore accessKeys(Environment environment) {
    List<AccessKey> keys = CredentialsConfig.load(environment);
    AccessKeyStore store = new AccessKeyStore(keys);
    LOG.info("accepting {} access keys of {} accounts: {}", keys.size(),
        keys.stream().map(AccessKey::accountId).distinct().count(), keys);
    return store;
  }

  @Singleton
  SigV4Verifier sigV4Verifier(AccessKeyStore accessKeys, GatewayConfig config) {
    return new SigV4Verifier(accessKeys::find, SIGNING_SERVICE, config.getRegions(),
        config.getMaxClockSkew(), Clock.systemUTC());
  }

  @Singleton
  QueryParser queryParser(GatewayConfig config) {
    return new QueryParser(config.queryLimits());
  }

  @Singleton
  Ec2ApiService ec2ApiService(GatewayKafka kafka, GatewayConfig config) {
    return new Ec2ApiService(kafka.commandBus(), kafka.resourceView(), config.getCommandTimeout(), Clock.systemUTC());
  }
}
