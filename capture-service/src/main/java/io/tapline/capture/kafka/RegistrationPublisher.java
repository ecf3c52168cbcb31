package io.tapline.capture.kafka;

import io.tapline.capture.domain.InterfaceRegistration;
import io.tapline.capture.domain.InterfaceSpec;
import io.tapline.schemas.TopicSpec;
import io.tapline.schemas.avro.ResourceCommand;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a RegisterNetworkInterface command per served interface to the commands topic, keyed by
 * the agent's account (so they are ordered with the account's API calls). The control service
 * turns each into an upsert of a capture-capable interface, so sending again is harmless.
 */
public final class RegistrationPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(RegistrationPublisher.class);

  private final Producer<String, byte[]> producer;
  private final TopicSpec<ResourceCommand> topic;
  private final String accountId;
  private final String host;
  private final String zone;
  private final List<InterfaceSpec> interfaces;
  private final Consumer<String> onRegistered;

  public RegistrationPublisher(Producer<String, byte[]> producer, TopicSpec<ResourceCommand> topic, String accountId,
      String host, String zone, List<InterfaceSpec> interfaces, Consumer<String> onRegistered) {
    this.producer = producer;
    this.topic = topic;
    this.accountId = accountId;
    this.host = host;
    this.zone = zone;
    this.interfaces = List.copyOf(interfaces);
    this.onRegistered = onRegistered;
  }

  /** Sends one registration per interface; the future completes when all were acknowledged. */
  public CompletableFuture<Void> registerAll() {
    CompletableFuture<?>[] sends = new CompletableFuture<?>[interfaces.size()];
    for (int i = 0; i < interfaces.size(); i++) {
      sends[i] = register(interfaces.get(i));
    }
    return CompletableFuture.allOf(sends);
  }

  private CompletableFuture<Void> register(InterfaceSpec spec) {
    ResourceCommand command = ResourceCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setAccountId(accountId)
        .setAction(InterfaceRegistration.ACTION)
        .setParameters(InterfaceRegistration.parameters(spec, host, zone))
        .setIssuedAtMillis(System.currentTimeMillis())
        .build();
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic.name(), accountId, topic.valueSerde().encode(command)),
          (metadata, exception) -> {
            if (exception == null) {
              LOG.debug("registered {} (command {})", spec.networkInterfaceId(), command.getCommandId());
              onRegistered.accept(spec.networkInterfaceId());
              done.complete(null);
            } else {
              LOG.warn("registration of {} failed: {}", spec.networkInterfaceId(), exception.toString());
              done.completeExceptionally(exception);
            }
          });
    } catch (RuntimeException e) {
      LOG.warn("registration of {} failed: {}", spec.networkInterfaceId(), e.toString());
      done.completeExceptionally(e);
    }
    return done;
  }
}
