package io.tapline.control.domain;

import static io.tapline.control.domain.CommandContext.*;
import static io.tapline.control.domain.ErrorCodes.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** CreateTags and DeleteTags on targets, filters, sessions and network interfaces. */
final class TagCommands {

  CommandOutcome create(CommandRequest r) {
    List<String> resourceIds = resourceIds(r);
    List<Tag> tags = tagList(r.params(), "Tag");
    if (tags.isEmpty()) {
      throw new ApiErrorException(MISSING_PARAMETER, "The request must contain the parameter Tag.1.Key");
    }
    List<ResourceRecord> records = taggable(r, resourceIds);
    List<StateChange> changes = new ArrayList<>();
    for (ResourceRecord record : records) {
      Map<String, String> merged = new LinkedHashMap<>();
      record.tags().forEach(t -> merged.put(t.key(), t.value()));
      tags.forEach(t -> merged.put(t.key(), t.value()));
      if (merged.size() > CommandHandler.MAX_TAGS_PER_RESOURCE) {
        throw invalid("The resource " + record.id() + " would have more than " + CommandHandler.MAX_TAGS_PER_RESOURCE
            + " tags.");
      }
      changes.add(new StateChange.Upsert(record.withTags(merged.entrySet().stream()
          .map(e -> new Tag(e.getKey(), e.getValue())).toList())));
    }
    return new CommandOutcome.Accepted(changes, changes.stream().map(StateChange::record).toList());
  }

  CommandOutcome delete(CommandRequest r) {
    List<ResourceRecord> records = taggable(r, resourceIds(r));
    List<Long> indexes = r.params().indexes("Tag");
    List<StateChange> changes = new ArrayList<>();
    for (ResourceRecord record : records) {
      List<Tag> kept = record.tags().stream().filter(tag -> {
        if (indexes.isEmpty()) {
          return false; // no Tag.N: EC2 deletes every tag of the resource
        }
        for (long index : indexes) {
          String key = r.params().string("Tag." + index + ".Key").orElse(null);
          boolean valueGiven = r.params().given("Tag." + index + ".Value");
          String value = r.params().asMap().get("Tag." + index + ".Value");
          if (tag.key().equals(key) && (!valueGiven || Objects.equals(tag.value(), value == null ? "" : value))) {
            return false;
          }
        }
        return true;
      }).toList();
      if (kept.size() != record.tags().size()) {
        changes.add(new StateChange.Upsert(record.withTags(kept)));
      }
    }
    return new CommandOutcome.Accepted(changes, changes.stream().map(StateChange::record).toList());
  }

  private static List<String> resourceIds(CommandRequest r) {
    List<String> resourceIds = r.params().list("ResourceId", null);
    if (resourceIds.isEmpty()) {
      throw new ApiErrorException(MISSING_PARAMETER, "The request must contain the parameter ResourceId.1");
    }
    return resourceIds;
  }

  private static List<ResourceRecord> taggable(CommandRequest r, List<String> resourceIds) {
    if (resourceIds.size() > CommandHandler.MAX_TAGGED_RESOURCES) {
      throw invalid("A request can name at most " + CommandHandler.MAX_TAGGED_RESOURCES
          + " resources (ResourceId.N), not " + resourceIds.size() + ".");
    }
    List<ResourceRecord> records = new ArrayList<>();
    for (String id : resourceIds) {
      ResourceIds kind = ResourceIds.byPrefix(id);
      if (kind == null || kind == ResourceIds.SUBNET || kind == ResourceIds.VPC_ENDPOINT || kind == ResourceIds.RULE) {
        throw invalid("Value (" + Params.shown(id) + ") for parameter ResourceId is invalid. Tapline can tag tmt-, tmf-, "
            + "tms- and eni- resources.");
      }
      kind.require(id, "ResourceId");
      switch (kind) {
        case TARGET -> records.add(requireTarget(r, id));
        case FILTER -> records.add(requireFilter(r, id));
        case SESSION -> records.add(requireSession(r, id));
        default -> records.add(requireInterface(r, id));
      }
    }
    return records;
  }
}
