package io.tapline.gateway.elbv2;

import io.tapline.gateway.xml.XmlWriter;
import io.tapline.schemas.avro.Listener;
import io.tapline.schemas.avro.LoadBalancer;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.TargetGroup;
import io.tapline.schemas.avro.TargetGroupHealthCheck;
import java.time.Instant;
import java.util.List;

/**
 * ELBv2 answers in the AWS Query protocol: {@code <ActionResponse><ActionResult>...</ActionResult>
 * <ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>}, lists as {@code <member>}
 * elements, upper-camel element names as in the service model.
 */
public final class Elbv2Xml {

  public static final String NAMESPACE = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

  private Elbv2Xml() {}

  /** Opens {@code <ActionResponse><ActionResult>}; close with {@link #finish}. */
  public static XmlWriter response(String action) {
    return new XmlWriter().start(action + "Response", NAMESPACE).start(action + "Result");
  }

  public static String finish(XmlWriter xml, String requestId) {
    return xml.end().start("ResponseMetadata").element("RequestId", requestId).end().end().toString();
  }

  public static String error(String code, String message, String requestId) {
    return new XmlWriter().start("ErrorResponse", NAMESPACE)
        .start("Error").element("Type", code.equals("ServiceUnavailable") || code.equals("InternalFailure")
            ? "Receiver" : "Sender")
        .element("Code", code).element("Message", message).end()
        .element("RequestId", requestId).end().toString();
  }

  public static void loadBalancer(XmlWriter xml, ResourceState state) {
    LoadBalancer lb = (LoadBalancer) state.getResource();
    xml.start("member")
        .element("LoadBalancerArn", state.getResourceId())
        .element("DNSName", lb.getDnsName())
        .element("CanonicalHostedZoneId", "ZTAPLINE0000000")
        .element("CreatedTime", Instant.ofEpochMilli(state.getCreatedAtMillis()).toString())
        .element("LoadBalancerName", lb.getLoadBalancerName())
        .element("Scheme", lb.getScheme())
        .element("VpcId", lb.getVpcId())
        .start("State").element("Code", "active").end()
        .element("Type", lb.getType());
    xml.start("AvailabilityZones");
    for (String subnet : lb.getSubnets()) {
      xml.start("member").element("SubnetId", subnet).end();
    }
    xml.end().element("IpAddressType", lb.getIpAddressType()).end();
  }

  /** A target group; {@code loadBalancerArns} are those whose listeners forward to it. */
  public static void targetGroup(XmlWriter xml, ResourceState state, List<String> loadBalancerArns) {
    TargetGroup group = (TargetGroup) state.getResource();
    TargetGroupHealthCheck check = group.getHealthCheck();
    xml.start("member")
        .element("TargetGroupArn", state.getResourceId())
        .element("TargetGroupName", group.getTargetGroupName())
        .element("Protocol", group.getProtocol())
        .element("Port", group.getPort())
        .element("VpcId", group.getVpcId())
        .element("HealthCheckProtocol", check.getProtocol())
        .element("HealthCheckPort", check.getPort() == null ? "traffic-port" : String.valueOf(check.getPort()))
        .element("HealthCheckEnabled", true)
        .element("HealthCheckIntervalSeconds", check.getIntervalSeconds())
        .element("HealthCheckTimeoutSeconds", check.getTimeoutSeconds())
        .element("HealthyThresholdCount", check.getHealthyThresholdCount())
        .element("UnhealthyThresholdCount", check.getUnhealthyThresholdCount())
        .element("HealthCheckPath", check.getPath());
    if ("HTTP".equals(check.getProtocol())) {
      xml.start("Matcher").element("HttpCode", check.getMatcher() == null ? "200-399" : check.getMatcher()).end();
    }
    xml.start("LoadBalancerArns");
    for (String arn : loadBalancerArns) {
      xml.element("member", arn);
    }
    xml.end().element("TargetType", group.getTargetType()).element("IpAddressType", "ipv4").end();
  }

  public static void listener(XmlWriter xml, ResourceState state) {
    Listener listener = (Listener) state.getResource();
    xml.start("member")
        .element("ListenerArn", state.getResourceId())
        .element("LoadBalancerArn", listener.getLoadBalancerArn())
        .element("Port", listener.getPort())
        .element("Protocol", listener.getProtocol())
        .start("DefaultActions").start("member")
        .element("Type", "forward")
        .element("TargetGroupArn", listener.getTargetGroupArn())
        .start("ForwardConfig").start("TargetGroups").start("member")
        .element("TargetGroupArn", listener.getTargetGroupArn()).element("Weight", 1)
        .end().end().end()
        .end().end()
        .end();
  }
}
