package io.tapline.control.domain;

/** The EC2 error codes the control service answers with. */
public final class ErrorCodes {
  public static final String MISSING_PARAMETER = "MissingParameter";
  public static final String INVALID_PARAMETER_VALUE = "InvalidParameterValue";
  public static final String INVALID_ACTION = "InvalidAction";
  public static final String DRY_RUN_OPERATION = "DryRunOperation";
  public static final String IDEMPOTENT_PARAMETER_MISMATCH = "IdempotentParameterMismatch";
  public static final String TARGET_NOT_FOUND = "InvalidTrafficMirrorTargetId.NotFound";
  public static final String FILTER_NOT_FOUND = "InvalidTrafficMirrorFilterId.NotFound";
  public static final String RULE_NOT_FOUND = "InvalidTrafficMirrorFilterRuleId.NotFound";
  public static final String SESSION_NOT_FOUND = "InvalidTrafficMirrorSessionId.NotFound";
  public static final String INTERFACE_NOT_FOUND = "InvalidNetworkInterfaceID.NotFound";
  public static final String TARGET_IN_USE = "TrafficMirrorTargetInUseException";
  public static final String FILTER_IN_USE = "TrafficMirrorFilterInUse";
  public static final String RULE_ALREADY_EXISTS = "TrafficMirrorFilterRuleAlreadyExists";
  public static final String RULE_LIMIT = "TrafficMirrorFilterRuleLimitExceeded";
  public static final String SESSIONS_PER_INTERFACE_LIMIT = "TrafficMirrorSessionsPerInterfaceLimitExceeded";
  public static final String SOURCES_PER_TARGET_LIMIT = "TrafficMirrorSourcesPerTargetLimitExceeded";
  public static final String SESSIONS_PER_TARGET_LIMIT = "TrafficMirrorSessionsPerTargetLimitExceeded";
  public static final String SESSION_LIMIT = "TrafficMirrorSessionLimitExceeded";
  public static final String TARGET_LIMIT = "TrafficMirrorTargetLimitExceeded";
  public static final String FILTER_LIMIT = "TrafficMirrorFilterLimitExceeded";
  public static final String INTERNAL_ERROR = "InternalError";
  /** A request Tapline understands but cannot carry out (a Gateway Load Balancer endpoint target). */
  public static final String UNSUPPORTED_OPERATION = "UnsupportedOperation";
  public static final String INTERFACE_LIMIT = "NetworkInterfaceLimitExceeded";

  private ErrorCodes() {}
}
