package io.tapline.control.domain;

import io.tapline.schemas.api.Action;
import java.util.Map;
import java.util.Set;

/**
 * A family of commands decided outside this package, with its own parameter syntax and error
 * dialect (the ELBv2 subset in {@code domain.loadbalancing}): {@link CommandHandler} routes its
 * actions to it. Implementations are pure like the handler: they never modify the state.
 */
public interface CommandFamily {

  /** The actions this family decides. */
  Set<Action> actions();

  /** Decides one command of {@code accountId} (never null or blank: the handler checks). */
  CommandOutcome handle(ControlState state, Action action, Map<String, String> parameters, String accountId,
      long nowMillis);
}
