package io.tapline.control.domain;

import static io.tapline.control.domain.CommandContext.*;
import static io.tapline.control.domain.ErrorCodes.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Create/DeleteNetworkInterface and the capture agents' internal RegisterNetworkInterface. */
final class InterfaceCommands {

  private final CommandContext context;

  InterfaceCommands(CommandContext context) {
    this.context = context;
  }

  CommandOutcome create(CommandRequest r) {
    return context.idempotent(r, this::createInterface);
  }

  private Created createInterface(CommandRequest r, String clientToken, String digest) {
    String subnetId = ResourceIds.SUBNET.require(r.params().required("SubnetId"), "SubnetId");
    List<String> addresses = new ArrayList<>();
    r.params().string("PrivateIpAddress").ifPresent(addresses::add);
    for (long index : r.params().indexes("PrivateIpAddresses")) {
      String prefix = "PrivateIpAddresses." + index + ".";
      Optional<String> address = r.params().string(prefix + "PrivateIpAddress");
      if (address.isEmpty() || addresses.contains(address.get())) {
        continue;
      }
      if (r.params().flag(prefix + "Primary")) {
        addresses.addFirst(address.get());
      } else {
        addresses.add(address.get());
      }
    }
    checkAddresses(addresses, "PrivateIpAddress");
    checkInterfaceQuota(r);
    List<Tag> tags = tagSpecifications(r, "network-interface");
    NetworkInterface eni = new NetworkInterface(context.newId(r, "eni-"), null, null, null, addresses,
        context.limits().defaultAvailabilityZone(), subnetId, description(r), false);
    return Created.resource(new ResourceRecord(r.accountId(), eni, tags, r.nowMillis(), clientToken, digest));
  }

  /**
   * A capture agent announces an interface it can capture on: insert, or update in place keeping
   * tags, subnet and creation time. An identical announcement writes nothing.
   */
  CommandOutcome register(CommandRequest r) {
    String id = r.params().required("NetworkInterfaceId");
    ResourceIds.NETWORK_INTERFACE.require(id, "NetworkInterfaceId");
    Optional<ResourceRecord> existing = r.state().find(id);
    if (existing.isPresent() && !existing.get().accountId().equals(r.accountId())) {
      throw invalid("The network interface " + id + " is registered to another account.");
    }
    if (existing.isPresent() && !(existing.get().resource() instanceof NetworkInterface)) {
      throw invalid("The id " + id + " belongs to another kind of resource.");
    }
    List<String> addresses = r.params().list("PrivateIpAddress", null);
    checkAddresses(addresses, "PrivateIpAddress.N");
    String mac = r.params().string("MacAddress").map(m -> m.toLowerCase(Locale.ROOT)).orElse(null);
    if (mac != null && !mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
      throw invalid("Value (" + mac + ") for parameter MacAddress is invalid. Expected aa:bb:cc:dd:ee:ff.");
    }
    if (existing.isEmpty()) {
      checkInterfaceQuota(r);
    }
    NetworkInterface previous = existing.map(rec -> (NetworkInterface) rec.resource()).orElse(null);
    NetworkInterface eni = new NetworkInterface(id,
        r.params().string("Host").orElse(null),
        r.params().string("InterfaceName").orElse(null),
        mac,
        addresses,
        r.params().string("AvailabilityZone").orElse(context.limits().defaultAvailabilityZone()),
        previous == null ? null : previous.subnetId(),
        r.params().given("Description") ? description(r) : previous == null ? null : previous.description(),
        true);
    if (eni.equals(previous)) {
      return new CommandOutcome.Accepted(List.of(), List.of(existing.get()));
    }
    return upserted(existing.map(rec -> rec.withResource(eni))
        .orElseGet(() -> new ResourceRecord(r.accountId(), eni, List.of(), r.nowMillis(), null, null)));
  }

  /** Deleting an interface deletes the sessions it is the source of, in the same command. */
  CommandOutcome delete(CommandRequest r) {
    String id = r.params().required("NetworkInterfaceId");
    ResourceRecord record = requireInterface(r, id);
    List<StateChange> changes = new ArrayList<>();
    List<ResourceRecord> affected = new ArrayList<>();
    for (Session s : r.account().sessions()) {
      if (s.networkInterfaceId().equals(id)) {
        ResourceRecord sessionRecord = r.account().record(s.id()).orElseThrow();
        changes.add(new StateChange.Delete(sessionRecord));
        affected.add(sessionRecord);
      }
    }
    changes.add(new StateChange.Delete(record));
    affected.add(record);
    return new CommandOutcome.Accepted(changes, affected);
  }

  private void checkInterfaceQuota(CommandRequest r) {
    int quota = context.limits().creation().networkInterfacesPerAccount();
    if (r.account().networkInterfaces().size() >= quota) {
      throw new ApiErrorException(INTERFACE_LIMIT, "The maximum number of network interfaces (" + quota
          + ") has been reached (setting tapline.control.network-interfaces-per-account).");
    }
  }

  private static void checkAddresses(List<String> addresses, String parameter) {
    for (String address : addresses) {
      Addresses.requireAddress(address, parameter);
    }
  }
}
