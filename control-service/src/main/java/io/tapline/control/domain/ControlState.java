package io.tapline.control.domain;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every stored resource, by account. The command handler only reads it; the adapter applies a
 * command's changes once their transaction committed, so an aborted command leaves no trace.
 * Not thread-safe: one thread (the command loop) owns it.
 */
public final class ControlState {

  private final Map<String, AccountState> accounts = new HashMap<>();
  /** Account of every resource id, so that ids stay unique across accounts. */
  private final Map<String, String> accountOfId = new HashMap<>();

  /** Applies one change; changes of a command are applied in order. */
  public void apply(StateChange change) {
    ResourceRecord record = change.record();
    switch (change) {
      case StateChange.Upsert upsert -> put(record);
      case StateChange.Delete delete -> remove(record.id());
    }
  }

  public void applyAll(Collection<StateChange> changes) {
    changes.forEach(this::apply);
  }

  /** Puts a record as read from the resources topic (start-up rebuild). */
  public void put(ResourceRecord record) {
    String previousAccount = accountOfId.put(record.id(), record.accountId());
    if (previousAccount != null && !previousAccount.equals(record.accountId())) {
      writableAccount(previousAccount).remove(record.id());
    }
    writableAccount(record.accountId()).put(record);
  }

  /** Removes a resource (a tombstone); unknown ids are ignored. */
  public void remove(String resourceId) {
    String accountId = accountOfId.remove(resourceId);
    if (accountId != null) {
      writableAccount(accountId).remove(resourceId);
    }
  }

  /** The account's state; empty when the account has no resources. */
  public AccountState account(String accountId) {
    AccountState account = accounts.get(accountId);
    return account != null ? account : new AccountState(accountId);
  }

  private AccountState writableAccount(String accountId) {
    return accounts.computeIfAbsent(accountId, AccountState::new);
  }

  /** A record by id, whatever its account. */
  public Optional<ResourceRecord> find(String resourceId) {
    String accountId = accountOfId.get(resourceId);
    return accountId == null ? Optional.empty() : account(accountId).record(resourceId);
  }

  public boolean containsId(String resourceId) {
    return accountOfId.containsKey(resourceId);
  }

  public Collection<AccountState> accounts() {
    return accounts.values();
  }

  public int size() {
    return accountOfId.size();
  }

  /** The resources of one account, by kind; maps keep insertion order. */
  public static final class AccountState {
    private final String accountId;
    private final Map<String, ResourceRecord> targets = new LinkedHashMap<>();
    private final Map<String, ResourceRecord> filters = new LinkedHashMap<>();
    private final Map<String, ResourceRecord> sessions = new LinkedHashMap<>();
    private final Map<String, ResourceRecord> interfaces = new LinkedHashMap<>();
    /** Load balancers, target groups and listeners (ELBv2), by ARN. */
    private final Map<String, ResourceRecord> loadBalancing = new LinkedHashMap<>();
    /** ClientToken of a create call -> id of the resource it created. */
    private final Map<String, String> clientTokens = new HashMap<>();

    AccountState(String accountId) {
      this.accountId = accountId;
    }

    public String accountId() {
      return accountId;
    }

    private Map<String, ResourceRecord> mapFor(Resource resource) {
      return switch (resource) {
        case Target t -> targets;
        case Filter f -> filters;
        case Session s -> sessions;
        case NetworkInterface n -> interfaces;
        case LoadBalancingResource l -> loadBalancing;
      };
    }

    void put(ResourceRecord record) {
      remove(record.id());
      mapFor(record.resource()).put(record.id(), record);
      if (record.clientToken() != null) {
        clientTokens.put(record.clientToken(), record.id());
      }
    }

    void remove(String id) {
      for (Map<String, ResourceRecord> map : List.of(targets, filters, sessions, interfaces, loadBalancing)) {
        ResourceRecord removed = map.remove(id);
        if (removed != null && removed.clientToken() != null) {
          clientTokens.remove(removed.clientToken(), id);
        }
      }
    }

    public Optional<ResourceRecord> record(String id) {
      for (Map<String, ResourceRecord> map : List.of(targets, filters, sessions, interfaces, loadBalancing)) {
        ResourceRecord record = map.get(id);
        if (record != null) {
          return Optional.of(record);
        }
      }
      return Optional.empty();
    }

    public Optional<ResourceRecord> byClientToken(String clientToken) {
      String id = clientTokens.get(clientToken);
      return id == null ? Optional.empty() : record(id);
    }

    public Optional<Target> target(String id) {
      return Optional.ofNullable(targets.get(id)).map(r -> (Target) r.resource());
    }

    public Optional<Filter> filter(String id) {
      return Optional.ofNullable(filters.get(id)).map(r -> (Filter) r.resource());
    }

    public Optional<Session> session(String id) {
      return Optional.ofNullable(sessions.get(id)).map(r -> (Session) r.resource());
    }

    public Optional<NetworkInterface> networkInterface(String id) {
      return Optional.ofNullable(interfaces.get(id)).map(r -> (NetworkInterface) r.resource());
    }

    public List<Target> targets() {
      return targets.values().stream().map(r -> (Target) r.resource()).toList();
    }

    public List<Filter> filters() {
      return filters.values().stream().map(r -> (Filter) r.resource()).toList();
    }

    public List<Session> sessions() {
      return sessions.values().stream().map(r -> (Session) r.resource()).toList();
    }

    public List<NetworkInterface> networkInterfaces() {
      return interfaces.values().stream().map(r -> (NetworkInterface) r.resource()).toList();
    }

    /** The account's load balancers, target groups and listeners, in creation order. */
    public List<ResourceRecord> loadBalancingRecords() {
      return List.copyOf(loadBalancing.values());
    }

    /** The filter whose rules include {@code ruleId}. */
    public Optional<Filter> filterOfRule(String ruleId) {
      return filters().stream().filter(f -> f.rule(ruleId).isPresent()).findFirst();
    }
  }
}
