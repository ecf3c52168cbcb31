package io.tapline.gateway;

import io.tapline.schemas.avro.NetworkInterface;
import io.tapline.schemas.avro.PortRange;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.RuleAction;
import io.tapline.schemas.avro.Tag;
import io.tapline.schemas.avro.TargetType;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.schemas.avro.TrafficMirrorFilter;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.schemas.avro.TrafficMirrorSession;
import io.tapline.schemas.avro.TrafficMirrorTarget;
import java.util.List;

/** Resource states for tests, as the control service would write them. */
public final class States {

  public static final String ACCOUNT = "123456789012";
  public static final String OTHER_ACCOUNT = "210987654321";

  private States() {}

  public static ResourceState state(String id, String account, Object resource, Tag... tags) {
    return ResourceState.newBuilder()
        .setResourceId(id)
        .setAccountId(account)
        .setTags(List.of(tags))
        .setCreatedAtMillis(1_700_000_000_000L)
        .setResource(resource)
        .build();
  }

  public static Tag tag(String key, String value) {
    return Tag.newBuilder().setKey(key).setValue(value).build();
  }

  public static ResourceState session(String id, String account, String eni, int sessionNumber, int vni) {
    return state(id, account, TrafficMirrorSession.newBuilder()
        .setNetworkInterfaceId(eni)
        .setTrafficMirrorTargetId("tmt-0123456789abcdef0")
        .setTrafficMirrorFilterId("tmf-0123456789abcdef0")
        .setSessionNumber(sessionNumber)
        .setPacketLength(128)
        .setVirtualNetworkId(vni)
        .setDescription("session <" + id + "> & more")
        .build(), tag("Name", "mirror-" + id));
  }

  public static ResourceState target(String id, String account, String eni) {
    return state(id, account, TrafficMirrorTarget.newBuilder()
        .setType(TargetType.NETWORK_INTERFACE)
        .setNetworkInterfaceId(eni)
        .setDescription("ids box")
        .build(), tag("team", "sec"));
  }

  public static TrafficMirrorFilterRule rule(String id, String filterId, TrafficDirection direction, int number,
                                             RuleAction action) {
    return TrafficMirrorFilterRule.newBuilder()
        .setTrafficMirrorFilterRuleId(id)
        .setTrafficMirrorFilterId(filterId)
        .setTrafficDirection(direction)
        .setRuleNumber(number)
        .setRuleAction(action)
        .setProtocol(6)
        .setDestinationPortRange(PortRange.newBuilder().setFromPort(80).setToPort(443).build())
        .setSourcePortRange(PortRange.newBuilder().setFromPort(1024).setToPort(65535).build())
        .setDestinationCidrBlock("10.0.0.0/8")
        .setSourceCidrBlock("0.0.0.0/0")
        .setDescription("web")
        .build();
  }

  public static ResourceState filter(String id, String account, TrafficMirrorFilterRule... rules) {
    List<TrafficMirrorFilterRule> all = List.of(rules);
    return state(id, account, TrafficMirrorFilter.newBuilder()
        .setIngressFilterRules(all.stream().filter(r -> r.getTrafficDirection() == TrafficDirection.INGRESS).toList())
        .setEgressFilterRules(all.stream().filter(r -> r.getTrafficDirection() == TrafficDirection.EGRESS).toList())
        .setNetworkServices(List.of("amazon-dns"))
        .setDescription("web traffic")
        .build(), tag("env", "test"));
  }

  public static ResourceState networkInterface(String id, String account) {
    return state(id, account, NetworkInterface.newBuilder()
        .setHost("sensor-1")
        .setInterfaceName("eth0")
        .setMacAddress("02:00:00:00:00:01")
        .setPrivateIpAddresses(List.of("10.0.0.5", "10.0.0.6", "fd00::5"))
        .setAvailabilityZone("rack-a")
        .setDescription("web-1 eth0")
        .setCaptureCapable(true)
        .build(), tag("Name", "web-1"));
  }
}
