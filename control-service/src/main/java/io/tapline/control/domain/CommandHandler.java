package io.tapline.control.domain;

import static io.tapline.control.domain.ErrorCodes.*;

import io.tapline.packet.vxlan.Vxlan;
import io.tapline.schemas.api.Action;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Validates one command against the current state and says what it changes, through one dispatch
 * table from {@link Action} to the family that decides it: EC2 targets, filters and rules,
 * sessions, network interfaces and tags here (sharing {@link CommandContext}), other families
 * (the ELBv2 subset) registered as a {@link CommandFamily}.
 *
 * <p>Pure: it reads {@link ControlState} and never modifies it; ids and random VNIs come from the
 * injected generators, so tests are deterministic.
 *
 * <p>A new EC2 action: add it to {@link Action}, then one {@code ec2(...)} line in the table below
 * pointing at a method of its family class.
 */
public final class CommandHandler {

  /** Rule and session numbers: 1 to this. */
  public static final int MAX_RULE_OR_SESSION_NUMBER = FilterCommands.MAX_RULE_NUMBER;
  /** The VNI of a session: 24 bits, the VXLAN header's field. */
  public static final int MAX_VNI = Vxlan.MAX_VNI;
  public static final int MAX_PACKET_LENGTH = 65535;
  /** The provider's packet length cap (and default) for load-balancer targets. */
  public static final int LOAD_BALANCER_PACKET_LENGTH = 8500;
  public static final int MAX_TAGS_PER_RESOURCE = 50;
  public static final int MAX_DESCRIPTION_LENGTH = 255;
  /** The provider's limits: ClientToken 64 ASCII characters, tag keys 128 and values 256, 1,000 ids per CreateTags. */
  public static final int MAX_CLIENT_TOKEN_LENGTH = 64;
  public static final int MAX_TAG_KEY_LENGTH = 128;
  public static final int MAX_TAG_VALUE_LENGTH = 256;
  public static final int MAX_TAGGED_RESOURCES = 1_000;

  /** One EC2 command of a family class, given the parsed request. */
  @FunctionalInterface
  interface Ec2Command {
    CommandOutcome decide(CommandRequest request);
  }

  /** One entry of the dispatch table. */
  @FunctionalInterface
  private interface Route {
    CommandOutcome decide(ControlState state, Action action, Map<String, String> parameters, String accountId,
        long nowMillis);
  }

  private final Map<Action, Route> table = new EnumMap<>(Action.class);

  /**
   * The EC2 commands under {@code limits}, plus the given families (the control service registers
   * {@code LoadBalancingCommands}).
   */
  public CommandHandler(Limits limits, IdGenerator ids, RandomGenerator random, CommandFamily... families) {
    CommandContext context = new CommandContext(limits, ids, random);
    TargetCommands targets = new TargetCommands(context);
    FilterCommands filters = new FilterCommands(context);
    SessionCommands sessions = new SessionCommands(context);
    InterfaceCommands interfaces = new InterfaceCommands(context);
    TagCommands tags = new TagCommands();

    ec2(Action.CREATE_TRAFFIC_MIRROR_TARGET, targets::create);
    ec2(Action.DELETE_TRAFFIC_MIRROR_TARGET, targets::delete);

    ec2(Action.CREATE_TRAFFIC_MIRROR_FILTER, filters::createFilter);
    ec2(Action.DELETE_TRAFFIC_MIRROR_FILTER, filters::deleteFilter);
    ec2(Action.MODIFY_TRAFFIC_MIRROR_FILTER_NETWORK_SERVICES, filters::modifyNetworkServices);
    ec2(Action.CREATE_TRAFFIC_MIRROR_FILTER_RULE, filters::createRule);
    ec2(Action.MODIFY_TRAFFIC_MIRROR_FILTER_RULE, filters::modifyRule);
    ec2(Action.DELETE_TRAFFIC_MIRROR_FILTER_RULE, filters::deleteRule);

    ec2(Action.CREATE_TRAFFIC_MIRROR_SESSION, sessions::create);
    ec2(Action.MODIFY_TRAFFIC_MIRROR_SESSION, sessions::modify);
    ec2(Action.DELETE_TRAFFIC_MIRROR_SESSION, sessions::delete);

    ec2(Action.CREATE_NETWORK_INTERFACE, interfaces::create);
    ec2(Action.DELETE_NETWORK_INTERFACE, interfaces::delete);
    ec2(Action.REGISTER_NETWORK_INTERFACE, interfaces::register);

    ec2(Action.CREATE_TAGS, tags::create);
    ec2(Action.DELETE_TAGS, tags::delete);

    for (CommandFamily family : families) {
      Objects.requireNonNull(family, "family");
      for (Action action : family.actions()) {
        register(action, family::handle);
      }
    }
  }

  private void ec2(Action action, Ec2Command command) {
    register(action, (state, a, parameters, accountId, nowMillis) ->
        decideEc2(state, a, command, parameters, accountId, nowMillis));
  }

  private void register(Action action, Route route) {
    if (!action.isCommand()) {
      throw new IllegalArgumentException(action + " is answered by the gateway, not a command");
    }
    if (table.putIfAbsent(action, route) != null) {
      throw new IllegalStateException(action + " has two handlers");
    }
  }

  /** The actions this handler decides. */
  public Set<Action> actions() {
    return Collections.unmodifiableSet(table.keySet());
  }

  /** Whether this handler decides {@code action}. */
  public boolean handles(Action action) {
    return table.containsKey(action);
  }

  /**
   * Decides a command.
   *
   * @param state      current state (not modified)
   * @param action     the action's wire name (EC2 or ELBv2)
   * @param parameters the Query parameters as sent (without Action, Version and auth)
   * @param accountId  the caller's account
   * @param nowMillis  wall-clock time for creation stamps
   */
  public CommandOutcome handle(ControlState state, String action, Map<String, String> parameters, String accountId,
      long nowMillis) {
    if (accountId == null || accountId.isBlank()) {
      return CommandOutcome.rejected(MISSING_PARAMETER, "The command carries no account id.");
    }
    Route route = Action.fromWireName(action).map(table::get).orElse(null);
    if (route == null) {
      return CommandOutcome.rejected(INVALID_ACTION, "The action " + action + " is not valid for this web service.");
    }
    return route.decide(state, Action.fromWireName(action).orElseThrow(), parameters, accountId, nowMillis);
  }

  /** An EC2 command: DryRun validates the whole command and discards its changes. */
  private static CommandOutcome decideEc2(ControlState state, Action action, Ec2Command command,
      Map<String, String> parameters, String accountId, long nowMillis) {
    Params params = new Params(parameters);
    CommandRequest request = new CommandRequest(state, state.account(accountId), params, action.wireName(), accountId,
        nowMillis);
    try {
      if (params.flag("DryRun")) {
        command.decide(request);
        throw new ApiErrorException(DRY_RUN_OPERATION, "Request would have succeeded, but DryRun flag is set.");
      }
      return command.decide(request);
    } catch (ApiErrorException e) {
      return new CommandOutcome.Rejected(e.error());
    }
  }

  /** SHA-256 over the action and the sorted parameters except DryRun and ClientToken. */
  public static String requestDigest(String action, Map<String, String> parameters) {
    return CommandContext.requestDigest(action, parameters);
  }
}
