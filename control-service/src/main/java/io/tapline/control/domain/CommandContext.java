package io.tapline.control.domain;

import static io.tapline.control.domain.ErrorCodes.*;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * What every EC2 command family shares: the quotas, the id and random generators, the one
 * idempotency path ({@code ClientToken}), record lookup, tags, descriptions and new ids.
 */
final class CommandContext {

  private final Limits limits;
  private final IdGenerator ids;
  private final RandomGenerator random;

  CommandContext(Limits limits, IdGenerator ids, RandomGenerator random) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.ids = Objects.requireNonNull(ids, "ids");
    this.random = Objects.requireNonNull(random, "random");
  }

  Limits limits() {
    return limits;
  }

  RandomGenerator random() {
    return random;
  }

  // ------------------------------------------------------------------ idempotency

  /** Creates the resource of a create call; {@code clientToken} and {@code digest} are null without a token. */
  interface Creator {
    Created create(CommandRequest request, String clientToken, String digest);
  }

  /** What a create call writes and answers with, and the id of what it created. */
  record Created(ResourceRecord record, String createdId) {
    /** A new resource: its record's id. */
    static Created resource(ResourceRecord record) {
      return new Created(record, record.id());
    }
  }

  /**
   * What an earlier create call with the same ClientToken left: the digest of its parameters, the
   * record to answer with again and the id it created.
   */
  record Earlier(String requestDigest, ResourceRecord answer, String createdId) {}

  /** Finds the earlier create call of a ClientToken in the account. */
  interface EarlierLookup {
    Optional<Earlier> find(CommandRequest request, String clientToken);
  }

  /** Resources carry their ClientToken in their record. */
  static final EarlierLookup BY_RECORD = (r, token) ->
      r.account().byClientToken(token).map(record -> new Earlier(record.requestDigest(), record, record.id()));

  /** {@link #idempotent(CommandRequest, EarlierLookup, Creator)} for resources that carry their token in their record. */
  CommandOutcome idempotent(CommandRequest r, Creator creator) {
    return idempotent(r, BY_RECORD, creator);
  }

  /**
   * Create calls with a ClientToken: the same token with the same parameters answers with what the
   * first call created and writes nothing; with other parameters it is refused.
   */
  CommandOutcome idempotent(CommandRequest r, EarlierLookup lookup, Creator creator) {
    Optional<String> token = clientToken(r.params());
    String digest = requestDigest(r.action(), r.params().asMap());
    if (token.isPresent()) {
      Optional<Earlier> earlier = lookup.find(r, token.get());
      if (earlier.isPresent()) {
        if (!digest.equals(earlier.get().requestDigest())) {
          throw new ApiErrorException(IDEMPOTENT_PARAMETER_MISMATCH,
              "The client token " + token.get() + " was already used with other parameters.");
        }
        return new CommandOutcome.Accepted(List.of(), List.of(earlier.get().answer()), earlier.get().createdId());
      }
    }
    Created created = creator.create(r, token.orElse(null), token.isPresent() ? digest : null);
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(created.record())), List.of(created.record()),
        created.createdId());
  }

  /** The ClientToken: at most 64 printable ASCII characters, as the provider allows. */
  private static Optional<String> clientToken(Params params) {
    Optional<String> token = params.string("ClientToken");
    if (token.isPresent() && (token.get().length() > CommandHandler.MAX_CLIENT_TOKEN_LENGTH
        || !token.get().chars().allMatch(c -> c >= 0x20 && c < 0x7F))) {
      throw invalid("Value (" + Params.shown(token.get()) + ") for parameter ClientToken is invalid. Expected at most "
          + CommandHandler.MAX_CLIENT_TOKEN_LENGTH + " printable ASCII characters.");
    }
    return token;
  }

  /** SHA-256 over the action and the sorted parameters except DryRun and ClientToken. */
  static String requestDigest(String action, Map<String, String> parameters) {
    TreeMap<String, String> sorted = new TreeMap<>(parameters == null ? Map.of() : parameters);
    sorted.remove("DryRun");
    sorted.remove("ClientToken");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(action.getBytes(StandardCharsets.UTF_8));
      for (var e : sorted.entrySet()) {
        sha.update((byte) 0);
        sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '=');
        sha.update(String.valueOf(e.getValue()).getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  // ------------------------------------------------------------------ records

  /** The account's resource of the given kind; another account's id is just as unknown. */
  static ResourceRecord requireRecord(CommandRequest r, String id, Class<? extends Resource> kind, String notFoundCode,
      String noun) {
    if (kind == Target.class) {
      ResourceIds.TARGET.require(id, "TrafficMirrorTargetId");
    } else if (kind == Filter.class) {
      ResourceIds.FILTER.require(id, "TrafficMirrorFilterId");
    } else if (kind == Session.class) {
      ResourceIds.SESSION.require(id, "TrafficMirrorSessionId");
    } else if (kind == NetworkInterface.class) {
      ResourceIds.NETWORK_INTERFACE.require(id, "NetworkInterfaceId");
    }
    return r.account().record(id)
        .filter(record -> kind.isInstance(record.resource()))
        .orElseThrow(() -> new ApiErrorException(notFoundCode, "The " + noun + " '" + id + "' does not exist."));
  }

  static ResourceRecord requireTarget(CommandRequest r, String id) {
    return requireRecord(r, id, Target.class, TARGET_NOT_FOUND, "traffic mirror target");
  }

  static ResourceRecord requireFilter(CommandRequest r, String id) {
    return requireRecord(r, id, Filter.class, FILTER_NOT_FOUND, "traffic mirror filter");
  }

  static ResourceRecord requireSession(CommandRequest r, String id) {
    return requireRecord(r, id, Session.class, SESSION_NOT_FOUND, "traffic mirror session");
  }

  static ResourceRecord requireInterface(CommandRequest r, String id) {
    return requireRecord(r, id, NetworkInterface.class, INTERFACE_NOT_FOUND, "network interface");
  }

  /** A change that deletes one record and answers with it. */
  static CommandOutcome deleted(ResourceRecord record) {
    return new CommandOutcome.Accepted(List.of(new StateChange.Delete(record)), List.of(record));
  }

  /** A change that writes one record and answers with it. */
  static CommandOutcome upserted(ResourceRecord record) {
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(record)), List.of(record));
  }

  // ------------------------------------------------------------------ ids

  String newId(CommandRequest r, String prefix) {
    while (true) {
      String id = ids.next(prefix);
      if (!r.state().containsId(id)) {
        return id;
      }
    }
  }

  String newRuleId(CommandRequest r) {
    while (true) {
      String id = ids.next("tmfr-");
      boolean taken = r.state().accounts().stream()
          .anyMatch(account -> account.filterOfRule(id).isPresent());
      if (!taken) {
        return id;
      }
    }
  }

  // ------------------------------------------------------------------ tags and descriptions

  /** Tags of TagSpecification.N entries for {@code resourceType}; another type there is an error. */
  static List<Tag> tagSpecifications(CommandRequest r, String resourceType) {
    List<Tag> tags = new ArrayList<>();
    for (long index : r.params().indexes("TagSpecification")) {
      String prefix = "TagSpecification." + index;
      String type = r.params().required(prefix + ".ResourceType");
      if (!type.equals(resourceType)) {
        throw invalid("Value (" + type + ") for parameter " + prefix + ".ResourceType is invalid. Expected " + resourceType + ".");
      }
      tags.addAll(tagList(r.params(), prefix + ".Tag"));
    }
    Map<String, Tag> byKey = new LinkedHashMap<>();
    tags.forEach(t -> byKey.put(t.key(), t));
    if (byKey.size() > CommandHandler.MAX_TAGS_PER_RESOURCE) {
      throw invalid("A resource can have at most " + CommandHandler.MAX_TAGS_PER_RESOURCE + " tags.");
    }
    return List.copyOf(byKey.values());
  }

  static List<Tag> tagList(Params params, String prefix) {
    List<Tag> tags = new ArrayList<>();
    for (long index : params.indexes(prefix)) {
      String key = params.required(prefix + "." + index + ".Key");
      String value = params.asMap().getOrDefault(prefix + "." + index + ".Value", "");
      if (key.length() > CommandHandler.MAX_TAG_KEY_LENGTH || key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
        throw invalid("Tag key (" + Params.shown(key) + ") is invalid: 1-" + CommandHandler.MAX_TAG_KEY_LENGTH
            + " characters, not starting with aws:.");
      }
      if (value != null && value.length() > CommandHandler.MAX_TAG_VALUE_LENGTH) {
        throw invalid("Tag value of key " + Params.shown(key) + " is longer than " + CommandHandler.MAX_TAG_VALUE_LENGTH
            + " characters.");
      }
      tags.add(new Tag(key, value));
    }
    return tags;
  }

  static String description(CommandRequest r) {
    String description = r.params().asMap().get("Description");
    if (description != null && description.length() > CommandHandler.MAX_DESCRIPTION_LENGTH) {
      throw invalid("The description is longer than " + CommandHandler.MAX_DESCRIPTION_LENGTH + " characters.");
    }
    return description == null || description.isEmpty() ? null : description;
  }

  /** A modify call's description: removed, given, or kept. */
  static String description(CommandRequest r, Set<String> removed, String old) {
    return removed.contains("description") ? null : r.params().given("Description") ? description(r) : old;
  }

  /** The RemoveField.N (or RemoveFields.N) values of a modify call, each one of {@code allowed}. */
  static Set<String> removeFields(Params params, Set<String> allowed) {
    // on the wire (CLI, SDKs) the list is RemoveField.N; the member name RemoveFields.N also works
    Set<String> fields = new HashSet<>(params.list("RemoveField", null));
    fields.addAll(params.list("RemoveFields", null));
    for (String field : fields) {
      if (!allowed.contains(field)) {
        throw invalid("Value (" + field + ") for parameter RemoveFields is invalid. Expected one of " + new TreeMap<>(
            allowed.stream().collect(Collectors.toMap(Function.identity(), Function.identity()))).keySet() + ".");
      }
    }
    return fields;
  }

  static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  static ApiErrorException invalid(String message) {
    return new ApiErrorException(INVALID_PARAMETER_VALUE, message);
  }
}
