package io.tapline.gateway.domain;

import java.util.Set;

/** The EC2 actions Tapline answers, split by how the gateway handles them. */
public final class Ec2Actions {

  public static final String DESCRIBE_TRAFFIC_MIRROR_TARGETS = "DescribeTrafficMirrorTargets";
  public static final String DESCRIBE_TRAFFIC_MIRROR_FILTERS = "DescribeTrafficMirrorFilters";
  public static final String DESCRIBE_TRAFFIC_MIRROR_FILTER_RULES = "DescribeTrafficMirrorFilterRules";
  public static final String DESCRIBE_TRAFFIC_MIRROR_SESSIONS = "DescribeTrafficMirrorSessions";
  public static final String DESCRIBE_NETWORK_INTERFACES = "DescribeNetworkInterfaces";

  /** Answered from the resources view, never sent to the control service. */
  public static final Set<String> DESCRIBE = Set.of(DESCRIBE_TRAFFIC_MIRROR_TARGETS,
      DESCRIBE_TRAFFIC_MIRROR_FILTERS, DESCRIBE_TRAFFIC_MIRROR_FILTER_RULES,
      DESCRIBE_TRAFFIC_MIRROR_SESSIONS, DESCRIBE_NETWORK_INTERFACES);

  /** Sent to the control service as commands; the answer waits for the command's result. */
  public static final Set<String> MUTATING = Set.of(
      "CreateTrafficMirrorTarget", "DeleteTrafficMirrorTarget",
      "CreateTrafficMirrorFilter", "DeleteTrafficMirrorFilter",
      "CreateTrafficMirrorFilterRule", "ModifyTrafficMirrorFilterRule", "DeleteTrafficMirrorFilterRule",
      "ModifyTrafficMirrorFilterNetworkServices",
      "CreateTrafficMirrorSession", "ModifyTrafficMirrorSession", "DeleteTrafficMirrorSession",
      "CreateTags", "DeleteTags", "CreateNetworkInterface", "DeleteNetworkInterface");

  private Ec2Actions() {}

  public static boolean isKnown(String action) {
    return DESCRIBE.contains(action) || MUTATING.contains(action);
  }
}
