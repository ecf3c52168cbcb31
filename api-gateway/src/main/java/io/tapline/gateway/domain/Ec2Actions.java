package io.tapline.gateway.domain;

import io.tapline.schemas.api.Action;
import java.util.Optional;
import java.util.Set;

/**
 * The EC2 actions the gateway serves, split by how it handles them: read from the one action list,
 * {@link Action}.
 */
public final class Ec2Actions {

  /** Answered from the resources view, never sent to the control service. */
  public static final Set<String> DESCRIBE = Action.wireNames(Action.Api.EC2, Action.Kind.DESCRIBE);

  /** Sent to the control service as commands; the answer waits for the command's result. */
  public static final Set<String> MUTATING = Action.wireNames(Action.Api.EC2, Action.Kind.MUTATING);

  private Ec2Actions() {}

  public static boolean isKnown(String action) {
    return served(action).isPresent();
  }

  /** The EC2 action the gateway serves under this name (not the internal ones). */
  public static Optional<Action> served(String action) {
    return Action.fromWireName(action).filter(a -> a.api() == Action.Api.EC2 && a.servedByGateway());
  }
}
