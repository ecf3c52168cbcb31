package io.tapline.control.domain.loadbalancing;

/** The ELBv2 error codes the control service answers load-balancing commands with. */
public final class ElbErrorCodes {
  public static final String VALIDATION_ERROR = "ValidationError";
  public static final String LOAD_BALANCER_NOT_FOUND = "LoadBalancerNotFound";
  public static final String TARGET_GROUP_NOT_FOUND = "TargetGroupNotFound";
  public static final String LISTENER_NOT_FOUND = "ListenerNotFound";
  public static final String DUPLICATE_LOAD_BALANCER_NAME = "DuplicateLoadBalancerName";
  public static final String DUPLICATE_TARGET_GROUP_NAME = "DuplicateTargetGroupName";
  public static final String DUPLICATE_LISTENER = "DuplicateListener";
  public static final String INVALID_TARGET = "InvalidTarget";
  public static final String RESOURCE_IN_USE = "ResourceInUse";
  public static final String INCOMPATIBLE_PROTOCOLS = "IncompatibleProtocols";
  public static final String UNSUPPORTED_PROTOCOL = "UnsupportedProtocol";
  public static final String INVALID_CONFIGURATION_REQUEST = "InvalidConfigurationRequest";
  public static final String TARGET_GROUP_ASSOCIATION_LIMIT = "TargetGroupAssociationLimit";
  public static final String TOO_MANY_TARGETS = "TooManyTargets";
  public static final String TOO_MANY_LOAD_BALANCERS = "TooManyLoadBalancers";
  public static final String TOO_MANY_TARGET_GROUPS = "TooManyTargetGroups";
  public static final String TOO_MANY_LISTENERS = "TooManyListeners";

  private ElbErrorCodes() {}
}
