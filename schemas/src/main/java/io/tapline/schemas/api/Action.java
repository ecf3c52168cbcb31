package io.tapline.schemas.api;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every API action Tapline knows, in one list: its wire name, its API family and how it is
 * handled. The gateway accepts exactly the {@link #servedByGateway() served} ones, the control
 * service has a handler for every {@link #isMutating() mutating} one (a test checks it), and the
 * gateway's answer rendering switches over this type.
 *
 * <p>A new action: add it here, then follow the compile errors and {@code ActionCoverageTest}
 * (control handler, gateway answer, README row); see docs/DESIGN.md.
 */
public enum Action {

  // ------------------------------------------------------------------ EC2 traffic mirroring
  CREATE_TRAFFIC_MIRROR_TARGET("CreateTrafficMirrorTarget", Api.EC2, Kind.MUTATING),
  DELETE_TRAFFIC_MIRROR_TARGET("DeleteTrafficMirrorTarget", Api.EC2, Kind.MUTATING),
  DESCRIBE_TRAFFIC_MIRROR_TARGETS("DescribeTrafficMirrorTargets", Api.EC2, Kind.DESCRIBE),
  CREATE_TRAFFIC_MIRROR_FILTER("CreateTrafficMirrorFilter", Api.EC2, Kind.MUTATING),
  DELETE_TRAFFIC_MIRROR_FILTER("DeleteTrafficMirrorFilter", Api.EC2, Kind.MUTATING),
  MODIFY_TRAFFIC_MIRROR_FILTER_NETWORK_SERVICES("ModifyTrafficMirrorFilterNetworkServices", Api.EC2, Kind.MUTATING),
  DESCRIBE_TRAFFIC_MIRROR_FILTERS("DescribeTrafficMirrorFilters", Api.EC2, Kind.DESCRIBE),
  CREATE_TRAFFIC_MIRROR_FILTER_RULE("CreateTrafficMirrorFilterRule", Api.EC2, Kind.MUTATING),
  MODIFY_TRAFFIC_MIRROR_FILTER_RULE("ModifyTrafficMirrorFilterRule", Api.EC2, Kind.MUTATING),
  DELETE_TRAFFIC_MIRROR_FILTER_RULE("DeleteTrafficMirrorFilterRule", Api.EC2, Kind.MUTATING),
  DESCRIBE_TRAFFIC_MIRROR_FILTER_RULES("DescribeTrafficMirrorFilterRules", Api.EC2, Kind.DESCRIBE),
  CREATE_TRAFFIC_MIRROR_SESSION("CreateTrafficMirrorSession", Api.EC2, Kind.MUTATING),
  MODIFY_TRAFFIC_MIRROR_SESSION("ModifyTrafficMirrorSession", Api.EC2, Kind.MUTATING),
  DELETE_TRAFFIC_MIRROR_SESSION("DeleteTrafficMirrorSession", Api.EC2, Kind.MUTATING),
  DESCRIBE_TRAFFIC_MIRROR_SESSIONS("DescribeTrafficMirrorSessions", Api.EC2, Kind.DESCRIBE),
  CREATE_NETWORK_INTERFACE("CreateNetworkInterface", Api.EC2, Kind.MUTATING),
  DELETE_NETWORK_INTERFACE("DeleteNetworkInterface", Api.EC2, Kind.MUTATING),
  DESCRIBE_NETWORK_INTERFACES("DescribeNetworkInterfaces", Api.EC2, Kind.DESCRIBE),
  /** Sent by capture agents straight to the commands topic, never through the gateway. */
  REGISTER_NETWORK_INTERFACE("RegisterNetworkInterface", Api.EC2, Kind.INTERNAL),
  CREATE_TAGS("CreateTags", Api.EC2, Kind.MUTATING),
  DELETE_TAGS("DeleteTags", Api.EC2, Kind.MUTATING),

  // ------------------------------------------------------------------ ELBv2 subset
  CREATE_LOAD_BALANCER("CreateLoadBalancer", Api.ELBV2, Kind.MUTATING),
  DELETE_LOAD_BALANCER("DeleteLoadBalancer", Api.ELBV2, Kind.MUTATING),
  DESCRIBE_LOAD_BALANCERS("DescribeLoadBalancers", Api.ELBV2, Kind.DESCRIBE),
  CREATE_TARGET_GROUP("CreateTargetGroup", Api.ELBV2, Kind.MUTATING),
  DELETE_TARGET_GROUP("DeleteTargetGroup", Api.ELBV2, Kind.MUTATING),
  DESCRIBE_TARGET_GROUPS("DescribeTargetGroups", Api.ELBV2, Kind.DESCRIBE),
  REGISTER_TARGETS("RegisterTargets", Api.ELBV2, Kind.MUTATING),
  DEREGISTER_TARGETS("DeregisterTargets", Api.ELBV2, Kind.MUTATING),
  DESCRIBE_TARGET_HEALTH("DescribeTargetHealth", Api.ELBV2, Kind.DESCRIBE),
  CREATE_LISTENER("CreateListener", Api.ELBV2, Kind.MUTATING),
  DELETE_LISTENER("DeleteListener", Api.ELBV2, Kind.MUTATING),
  DESCRIBE_LISTENERS("DescribeListeners", Api.ELBV2, Kind.DESCRIBE);

  /** The API an action belongs to (its signing service and XML dialect). */
  public enum Api { EC2, ELBV2 }

  /** How an action is handled. */
  public enum Kind {
    /** A command for the control service; the gateway awaits its result. */
    MUTATING,
    /** Answered by the gateway from its resource view; never a command. */
    DESCRIBE,
    /** A command the control service accepts from Tapline's own services only (not served by the gateway). */
    INTERNAL
  }

  private static final Map<String, Action> BY_WIRE_NAME =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Action::wireName, Function.identity()));

  private final String wireName;
  private final Api api;
  private final Kind kind;

  Action(String wireName, Api api, Kind kind) {
    this.wireName = wireName;
    this.api = api;
    this.kind = kind;
  }

  /** The name in {@code Action=...} and in the command's {@code action} field. */
  public String wireName() {
    return wireName;
  }

  public Api api() {
    return api;
  }

  public Kind kind() {
    return kind;
  }

  /** A command the control service decides: mutating and internal actions. */
  public boolean isCommand() {
    return kind != Kind.DESCRIBE;
  }

  /** Served by the gateway and sent as a command. */
  public boolean isMutating() {
    return kind == Kind.MUTATING;
  }

  public boolean isDescribe() {
    return kind == Kind.DESCRIBE;
  }

  /** The gateway answers it (mutating or describe); internal actions are {@code InvalidAction} there. */
  public boolean servedByGateway() {
    return kind != Kind.INTERNAL;
  }

  /** The action of a wire name; empty for null or an unknown name (exact case, as the provider). */
  public static Optional<Action> fromWireName(String wireName) {
    return wireName == null ? Optional.empty() : Optional.ofNullable(BY_WIRE_NAME.get(wireName));
  }

  /** Wire names of the actions of {@code api} of {@code kind}. */
  public static Set<String> wireNames(Api api, Kind kind) {
    return Arrays.stream(values()).filter(a -> a.api == api && a.kind == kind).map(Action::wireName)
        .collect(Collectors.toUnmodifiableSet());
  }
}
