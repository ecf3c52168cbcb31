package io.tapline.control.domain.loadbalancing;

import static io.tapline.control.domain.loadbalancing.ElbErrorCodes.*;

import io.tapline.control.domain.CommandOutcome;
import io.tapline.control.domain.ControlState;
import io.tapline.control.domain.LoadBalancerArns;
import io.tapline.control.domain.ResourceRecord;
import io.tapline.control.domain.StateChange;
import io.tapline.control.domain.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One ELBv2 command being decided, and what its commands share: record lookups, ARN and name
 * checks, tags.
 */
record ElbRequest(ControlState state, ControlState.AccountState account, ElbParams params, String accountId,
    long nowMillis, String region) {

  static CommandOutcome created(ResourceRecord record) {
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(record)), List.of(record));
  }

  static ResourceRecord targetGroup(ElbRequest r, String arn) {
    if (!LoadBalancerArns.isTargetGroupArn(arn)) {
      throw ElbException.validation("'" + shown(arn) + "' is not a valid target group ARN");
    }
    return r.account().record(arn).filter(rec -> rec.resource() instanceof TargetGroup)
        .orElseThrow(() -> new ElbException(TARGET_GROUP_NOT_FOUND, "One or more target groups not found"));
  }

  static List<ResourceRecord> loadBalancers(ElbRequest r) {
    return r.account().loadBalancingRecords().stream().filter(rec -> rec.resource() instanceof LoadBalancer).toList();
  }

  static List<ResourceRecord> targetGroups(ElbRequest r) {
    return r.account().loadBalancingRecords().stream().filter(rec -> rec.resource() instanceof TargetGroup).toList();
  }

  static List<ResourceRecord> listeners(ElbRequest r) {
    return r.account().loadBalancingRecords().stream().filter(rec -> rec.resource() instanceof Listener).toList();
  }

  /** The ARN parameter, or ELBv2's ValidationError for one not in the resource's format. */
  static String arn(ElbParams params, String name, boolean wellFormed, String noun) {
    String arn = params.required(name);
    if (!wellFormed) {
      throw ElbException.validation("'" + shown(arn) + "' is not a valid " + noun + " ARN");
    }
    return arn;
  }

  static String shown(String value) {
    String cut = value.length() <= 64 ? value : value.substring(0, 64) + "...";
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  static String name(String name, String noun) {
    if (name.length() > LoadBalancingCommands.MAX_NAME_LENGTH || !name.matches("[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")) {
      throw ElbException.validation("The " + noun + " name '" + name + "' is invalid: at most " + LoadBalancingCommands.MAX_NAME_LENGTH
          + " alphanumeric characters or hyphens, not beginning or ending with a hyphen");
    }
    return name;
  }

  static List<Tag> tags(ElbRequest r) {
    Map<String, Tag> byKey = new LinkedHashMap<>();
    for (int i : r.params().memberIndexes("Tags")) {
      String key = r.params().required("Tags.member." + i + ".Key");
      if (key.length() > 128 || key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
        throw ElbException.validation("Tag key '" + key + "' is invalid");
      }
      String value = r.params().string("Tags.member." + i + ".Value").orElse("");
      if (value.length() > 256) {
        throw ElbException.validation("Tag value of key '" + shown(key) + "' is longer than 256 characters");
      }
      byKey.put(key, new Tag(key, value));
    }
    return List.copyOf(byKey.values());
  }

  /** An IPv4 or IPv6 literal by the shared parser's rules (never a host name: nothing is resolved). */
  static boolean isIpAddress(String text) {
    return io.tapline.packet.address.IpAddress.isValid(text);
  }
}
