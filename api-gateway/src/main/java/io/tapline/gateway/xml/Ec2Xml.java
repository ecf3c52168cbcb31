package io.tapline.gateway.xml;

import io.tapline.schemas.avro.NetworkInterface;
import io.tapline.schemas.avro.PortRange;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.Tag;
import io.tapline.schemas.avro.TrafficMirrorFilter;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.schemas.avro.TrafficMirrorSession;
import io.tapline.schemas.avro.TrafficMirrorTarget;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * Renders EC2 Query answers (namespace {@value #NAMESPACE}) from Tapline's resource state. Element
 * names are the EC2 wire names (lower camel, lists as {@code xxxSet/item}), checked against the
 * AWS SDK's EC2 unmarshallers by the tests.
 */
public final class Ec2Xml {

  public static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

  /** Status Tapline reports for an interface a capture agent serves. */
  public static final String STATUS_IN_USE = "in-use";
  /** Status of an interface no capture agent serves (created through the API only). */
  public static final String STATUS_AVAILABLE = "available";

  private Ec2Xml() {}

  /** {@code <Response><Errors><Error>...</Error></Errors><RequestID>...</RequestID></Response>}. */
  public static String error(String code, String message, String requestId) {
    return new XmlWriter()
        .start("Response")
        .start("Errors").start("Error")
        .element("Code", code)
        .element("Message", message)
        .end().end()
        .element("RequestID", requestId)
        .end()
        .toString();
  }

  /** Opens {@code <ActionResponse xmlns=...><requestId>..</requestId>}; the caller adds the body and ends it. */
  public static XmlWriter response(String action, String requestId) {
    return new XmlWriter().start(action + "Response", NAMESPACE).element("requestId", requestId);
  }

  /** A Describe answer: {@code <setName><item>...</item></setName>} and the next page's token. */
  public static <T> String describe(String action, String requestId, String setName, List<T> items,
                                    String nextToken, BiConsumer<XmlWriter, T> itemWriter) {
    XmlWriter xml = response(action, requestId).start(setName);
    for (T item : items) {
      xml.start("item");
      itemWriter.accept(xml, item);
      xml.end();
    }
    xml.end().element("nextToken", nextToken);
    return xml.end().toString();
  }

  /** Writes the children of a trafficMirrorTarget element. */
  public static void target(XmlWriter xml, ResourceState state) {
    TrafficMirrorTarget target = (TrafficMirrorTarget) state.getResource();
    xml.element("trafficMirrorTargetId", state.getResourceId())
        .element("networkInterfaceId", target.getNetworkInterfaceId())
        .element("networkLoadBalancerArn", target.getNetworkLoadBalancerArn())
        .element("gatewayLoadBalancerEndpointId", target.getGatewayLoadBalancerEndpointId())
        .element("type", wireName(target.getType()))
        .element("description", target.getDescription())
        .element("ownerId", state.getAccountId());
    tags(xml, state.getTags());
  }

  /** Writes the children of a trafficMirrorFilter element, rules included. */
  public static void filter(XmlWriter xml, ResourceState state) {
    TrafficMirrorFilter filter = (TrafficMirrorFilter) state.getResource();
    xml.element("trafficMirrorFilterId", state.getResourceId());
    xml.start("ingressFilterRuleSet");
    sortedRules(filter.getIngressFilterRules()).forEach(rule -> {
      xml.start("item");
      rule(xml, rule);
      xml.end();
    });
    xml.end().start("egressFilterRuleSet");
    sortedRules(filter.getEgressFilterRules()).forEach(rule -> {
      xml.start("item");
      rule(xml, rule);
      xml.end();
    });
    xml.end().start("networkServiceSet");
    filter.getNetworkServices().forEach(service -> xml.element("item", service));
    xml.end().element("description", filter.getDescription());
    tags(xml, state.getTags());
  }

  /** Writes the children of a trafficMirrorFilterRule element. */
  public static void rule(XmlWriter xml, TrafficMirrorFilterRule rule) {
    xml.element("trafficMirrorFilterRuleId", rule.getTrafficMirrorFilterRuleId())
        .element("trafficMirrorFilterId", rule.getTrafficMirrorFilterId())
        .element("trafficDirection", wireName(rule.getTrafficDirection()))
        .element("ruleNumber", rule.getRuleNumber())
        .element("ruleAction", wireName(rule.getRuleAction()))
        .element("protocol", rule.getProtocol());
    portRange(xml, "destinationPortRange", rule.getDestinationPortRange());
    portRange(xml, "sourcePortRange", rule.getSourcePortRange());
    xml.element("destinationCidrBlock", rule.getDestinationCidrBlock())
        .element("sourceCidrBlock", rule.getSourceCidrBlock())
        .element("description", rule.getDescription());
  }

  /** Writes the children of a trafficMirrorSession element. */
  public static void session(XmlWriter xml, ResourceState state) {
    TrafficMirrorSession session = (TrafficMirrorSession) state.getResource();
    xml.element("trafficMirrorSessionId", state.getResourceId())
        .element("trafficMirrorTargetId", session.getTrafficMirrorTargetId())
        .element("trafficMirrorFilterId", session.getTrafficMirrorFilterId())
        .element("networkInterfaceId", session.getNetworkInterfaceId())
        .element("ownerId", state.getAccountId())
        .element("packetLength", session.getPacketLength())
        .element("sessionNumber", session.getSessionNumber())
        // VNIs are 24-bit unsigned; masking keeps a corrupt high byte from showing as negative.
        .element("virtualNetworkId", session.getVirtualNetworkId() & 0xFFFFFF)
        .element("description", session.getDescription());
    tags(xml, state.getTags());
  }

  /** Writes the children of a networkInterface element. */
  public static void networkInterface(XmlWriter xml, ResourceState state) {
    NetworkInterface eni = (NetworkInterface) state.getResource();
    List<String> ipv4 = eni.getPrivateIpAddresses().stream().filter(a -> !a.contains(":")).toList();
    List<String> ipv6 = eni.getPrivateIpAddresses().stream().filter(a -> a.contains(":")).toList();
    xml.element("networkInterfaceId", state.getResourceId())
        .element("subnetId", eni.getSubnetId())
        .element("availabilityZone", eni.getAvailabilityZone())
        .element("description", eni.getDescription() == null ? "" : eni.getDescription())
        .element("ownerId", state.getAccountId())
        .element("requesterManaged", false)
        .element("status", eni.getCaptureCapable() ? STATUS_IN_USE : STATUS_AVAILABLE)
        .element("macAddress", eni.getMacAddress())
        .element("privateIpAddress", ipv4.isEmpty() ? null : ipv4.getFirst())
        .element("sourceDestCheck", true)
        .element("interfaceType", "interface")
        .start("groupSet").end()
        .start("privateIpAddressesSet");
    for (int i = 0; i < ipv4.size(); i++) {
      xml.start("item")
          .element("privateIpAddress", ipv4.get(i))
          .element("primary", i == 0)
          .end();
    }
    xml.end().start("ipv6AddressesSet");
    ipv6.forEach(address -> xml.start("item").element("ipv6Address", address).end());
    xml.end();
    tags(xml, state.getTags());
  }

  /** {@code <tagSet><item><key/><value/></item></tagSet>}. */
  public static void tags(XmlWriter xml, List<Tag> tags) {
    xml.start("tagSet");
    for (Tag tag : tags) {
      xml.start("item").element("key", tag.getKey()).element("value", tag.getValue()).end();
    }
    xml.end();
  }

  private static void portRange(XmlWriter xml, String name, PortRange range) {
    if (range != null) {
      xml.start(name).element("fromPort", range.getFromPort()).element("toPort", range.getToPort()).end();
    }
  }

  private static List<TrafficMirrorFilterRule> sortedRules(List<TrafficMirrorFilterRule> rules) {
    return rules.stream()
        .sorted(java.util.Comparator.comparingInt(TrafficMirrorFilterRule::getRuleNumber))
        .toList();
  }

  /** EC2 spelling of a contract enum: NETWORK_INTERFACE -> network-interface, INGRESS -> ingress. */
  public static String wireName(Enum<?> value) {
    return value == null ? null : value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
