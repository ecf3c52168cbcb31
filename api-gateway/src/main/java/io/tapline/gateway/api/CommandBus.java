package io.tapline.gateway.api;

import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.ResourceCommand;
import java.util.concurrent.CompletableFuture;

/** Where mutating calls go (the commands topic) and where their results come back from. */
public interface CommandBus {

  /** Registers interest in a command's result; call it before {@link #publish}, so no result is missed. */
  CompletableFuture<CommandResult> expectResult(String commandId);

  /** Drops the interest in a command's result (answered, or given up). */
  void forget(String commandId);

  /** Sends the command; completes when the broker acknowledged it. */
  CompletableFuture<?> publish(ResourceCommand command);
}
