package io.tapline.control.domain;

import static io.tapline.control.domain.CommandContext.*;
import static io.tapline.control.domain.ErrorCodes.*;

import io.tapline.packet.vxlan.Vxlan;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Create/Modify/DeleteTrafficMirrorSession. */
final class SessionCommands {

  private static final Set<String> SESSION_REMOVABLE = Set.of("packet-length", "description", "virtual-network-id");

  private final CommandContext context;

  SessionCommands(CommandContext context) {
    this.context = context;
  }

  CommandOutcome create(CommandRequest r) {
    return context.idempotent(r, this::createSession);
  }

  private Created createSession(CommandRequest r, String clientToken, String digest) {
    String eniId = r.params().required("NetworkInterfaceId");
    String targetId = r.params().required("TrafficMirrorTargetId");
    String filterId = r.params().required("TrafficMirrorFilterId");
    int sessionNumber = sessionNumber(r.params()).orElseThrow(() -> new ApiErrorException(MISSING_PARAMETER,
        "The request must contain the parameter SessionNumber"));
    requireInterface(r, eniId);
    Target target = (Target) requireTarget(r, targetId).resource();
    requireFilter(r, filterId);
    Integer packetLength = packetLength(r.params(), target);
    int vni = virtualNetworkId(r.params()).orElseGet(() -> randomVni(r.account(), Set.of()));
    Limits limits = context.limits();
    List<Session> onInterface = r.account().sessions().stream().filter(s -> s.networkInterfaceId().equals(eniId)).toList();
    checkSessionNumberFree(onInterface, sessionNumber, null, eniId);
    if (onInterface.size() >= limits.sessionsPerInterface()) {
      throw new ApiErrorException(SESSIONS_PER_INTERFACE_LIMIT, "The network interface " + eniId + " already has "
          + limits.sessionsPerInterface() + " traffic mirror sessions.");
    }
    if (r.account().sessions().size() >= limits.sessionsPerAccount()) {
      throw new ApiErrorException(SESSION_LIMIT, "The maximum number of traffic mirror sessions ("
          + limits.sessionsPerAccount() + ") has been reached.");
    }
    checkTargetUsable(r, eniId, target, null);
    List<Tag> tags = tagSpecifications(r, "traffic-mirror-session");
    Session session = new Session(context.newId(r, "tms-"), eniId, targetId, filterId, sessionNumber, packetLength,
        vni, description(r));
    return Created.resource(new ResourceRecord(r.accountId(), session, tags, r.nowMillis(), clientToken, digest));
  }

  CommandOutcome modify(CommandRequest r) {
    String id = r.params().required("TrafficMirrorSessionId");
    ResourceRecord record = requireSession(r, id);
    Session old = (Session) record.resource();
    Set<String> remove = removeFields(r.params(), SESSION_REMOVABLE);
    String targetId = r.params().string("TrafficMirrorTargetId").orElse(old.targetId());
    String filterId = r.params().string("TrafficMirrorFilterId").orElse(old.filterId());
    Target target = (Target) requireTarget(r, targetId).resource();
    requireFilter(r, filterId);
    int sessionNumber = sessionNumber(r.params()).orElse(old.sessionNumber());
    Integer packetLength;
    if (remove.contains("packet-length")) {
      packetLength = target.type().isLoadBalancer() ? CommandHandler.LOAD_BALANCER_PACKET_LENGTH : null;
    } else if (r.params().has("PacketLength")) {
      packetLength = packetLength(r.params(), target);
    } else {
      packetLength = old.packetLength();
      if (target.type().isLoadBalancer()
          && (packetLength == null || packetLength > CommandHandler.LOAD_BALANCER_PACKET_LENGTH)) {
        packetLength = CommandHandler.LOAD_BALANCER_PACKET_LENGTH;
      }
    }
    int vni;
    if (remove.contains("virtual-network-id")) {
      vni = randomVni(r.account(), Set.of(id));
    } else {
      vni = virtualNetworkId(r.params()).orElse(old.virtualNetworkId());
    }
    String description = description(r, remove, old.description());
    List<Session> onInterface = r.account().sessions().stream()
        .filter(s -> s.networkInterfaceId().equals(old.networkInterfaceId())).toList();
    checkSessionNumberFree(onInterface, sessionNumber, id, old.networkInterfaceId());
    if (!targetId.equals(old.targetId())) {
      checkTargetUsable(r, old.networkInterfaceId(), target, id);
    }
    Session session = new Session(id, old.networkInterfaceId(), targetId, filterId, sessionNumber, packetLength, vni,
        description);
    return upserted(record.withResource(session));
  }

  CommandOutcome delete(CommandRequest r) {
    return deleted(requireSession(r, r.params().required("TrafficMirrorSessionId")));
  }

  /** The one check of a SessionNumber: 1 to 32766 like a rule number, if given. */
  static Optional<Integer> sessionNumber(Params params) {
    return params.integer("SessionNumber", 1, FilterCommands.MAX_RULE_NUMBER);
  }

  /** The one check of a VirtualNetworkId: the 24 bits of the VXLAN header ({@link Vxlan#MAX_VNI}), if given. */
  static Optional<Integer> virtualNetworkId(Params params) {
    return params.integer("VirtualNetworkId", 0, Vxlan.MAX_VNI);
  }

  private static void checkSessionNumberFree(List<Session> onInterface, int sessionNumber, String exceptId,
      String eniId) {
    boolean taken = onInterface.stream()
        .anyMatch(s -> s.sessionNumber() == sessionNumber && !s.id().equals(exceptId));
    if (taken) {
      throw invalid("The session number " + sessionNumber + " is already in use on network interface " + eniId + ".");
    }
  }

  /** The source may not be the target's interface; an interface target takes a bounded number of sources. */
  private void checkTargetUsable(CommandRequest r, String sourceEniId, Target target, String exceptSessionId) {
    Limits limits = context.limits();
    if (sourceEniId.equals(target.networkInterfaceId())) {
      throw invalid("The source network interface " + sourceEniId + " cannot also be the traffic mirror target.");
    }
    long sessionsOnTarget = r.account().sessions().stream()
        .filter(s -> s.targetId().equals(target.id()) && !s.id().equals(exceptSessionId)).count();
    if (sessionsOnTarget >= limits.sessionsPerTarget()) {
      throw new ApiErrorException(SESSIONS_PER_TARGET_LIMIT, "The traffic mirror target " + target.id()
          + " already has " + limits.sessionsPerTarget() + " traffic mirror sessions.");
    }
    if (target.type() == TargetType.NETWORK_INTERFACE) {
      checkSameZone(r, sourceEniId, target);
      Set<String> sources = new HashSet<>();
      for (Session s : r.account().sessions()) {
        if (s.targetId().equals(target.id()) && !s.id().equals(exceptSessionId)) {
          sources.add(s.networkInterfaceId());
        }
      }
      if (!sources.contains(sourceEniId) && sources.size() >= limits.sourcesPerInterfaceTarget()) {
        throw new ApiErrorException(SOURCES_PER_TARGET_LIMIT, "The traffic mirror target " + target.id()
            + " already has " + limits.sourcesPerInterfaceTarget() + " source network interfaces.");
      }
    }
  }

  /**
   * By default an interface target is in its source's availability zone (mirrored traffic does not
   * cross zones); {@code tapline.control.target-in-source-zone=false} lifts the rule. A target whose
   * interface was deleted has no zone to compare.
   */
  private void checkSameZone(CommandRequest r, String sourceEniId, Target target) {
    if (!context.limits().targetInSourceZone()) {
      return;
    }
    Optional<NetworkInterface> source = r.account().networkInterface(sourceEniId);
    Optional<NetworkInterface> targetEni = r.account().networkInterface(target.networkInterfaceId());
    if (source.isPresent() && targetEni.isPresent()
        && !source.get().availabilityZone().equals(targetEni.get().availabilityZone())) {
      throw invalid("The traffic mirror target " + target.id() + " (network interface " + targetEni.get().id()
          + " in availability zone " + targetEni.get().availabilityZone() + ") must be in the availability zone of the"
          + " source network interface " + sourceEniId + " (" + source.get().availabilityZone() + ").");
    }
  }

  private static Integer packetLength(Params params, Target target) {
    boolean loadBalancer = target.type().isLoadBalancer();
    int max = loadBalancer ? CommandHandler.LOAD_BALANCER_PACKET_LENGTH : CommandHandler.MAX_PACKET_LENGTH;
    Optional<Integer> length = params.integer("PacketLength", 1, max);
    return length.orElse(loadBalancer ? CommandHandler.LOAD_BALANCER_PACKET_LENGTH : null);
  }

  /** A random VNI no other session of the account uses (sessions in {@code ignoring} excepted). */
  private int randomVni(ControlState.AccountState account, Set<String> ignoring) {
    Set<Integer> used = new HashSet<>();
    for (Session s : account.sessions()) {
      if (!ignoring.contains(s.id())) {
        used.add(s.virtualNetworkId());
      }
    }
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int candidate = context.random().nextInt(Vxlan.MAX_VNI + 1);
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
    for (int candidate = 0; candidate <= Vxlan.MAX_VNI; candidate++) {
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
    throw invalid("No free virtual network id is left in this account.");
  }
}
