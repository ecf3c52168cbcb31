package io.tapline.control.domain;

import java.util.regex.Pattern;

/** The ELBv2 ARN formats, each in its own pattern (region, 12-digit account, name, 16 hex digits). */
public final class LoadBalancerArns {

  // the account part takes any configured account id (the provider: 12 digits)
  private static final String PREFIX = "arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]{1,32}:[A-Za-z0-9_-]{1,64}:";
  private static final String NAME = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?";
  private static final String SUFFIX = "[0-9a-f]{16}";
  private static final Pattern NETWORK_LOAD_BALANCER = Pattern.compile(PREFIX + "loadbalancer/net/" + NAME + "/" + SUFFIX);
  private static final Pattern TARGET_GROUP = Pattern.compile(PREFIX + "targetgroup/" + NAME + "/" + SUFFIX);
  private static final Pattern LISTENER =
      Pattern.compile(PREFIX + "listener/(?:net|app|gwy)/" + NAME + "/" + SUFFIX + "/" + SUFFIX);
  private static final int MAX_LENGTH = 256;

  private LoadBalancerArns() {}

  public static boolean isNetworkLoadBalancerArn(String arn) {
    return matches(NETWORK_LOAD_BALANCER, arn);
  }

  public static boolean isLoadBalancerArn(String arn) {
    return matches(Pattern.compile(PREFIX + "loadbalancer/(?:net|app|gwy)/" + NAME + "/" + SUFFIX), arn);
  }

  public static boolean isTargetGroupArn(String arn) {
    return matches(TARGET_GROUP, arn);
  }

  public static boolean isListenerArn(String arn) {
    return matches(LISTENER, arn);
  }

  private static boolean matches(Pattern pattern, String arn) {
    return arn != null && arn.length() <= MAX_LENGTH && pattern.matcher(arn).matches();
  }
}
