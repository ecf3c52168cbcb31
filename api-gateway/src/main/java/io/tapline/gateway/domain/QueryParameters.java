package io.tapline.gateway.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The decoded parameters of one EC2 Query call, with the EC2 conventions for lists
 * ({@code Name.1}, {@code Name.2}), structures ({@code DestinationPortRange.FromPort}) and filters
 * ({@code Filter.1.Name}, {@code Filter.1.Value.1}).
 */
public final class QueryParameters {

  public static final String ACTION = "Action";
  public static final String VERSION = "Version";
  public static final String DRY_RUN = "DryRun";
  public static final String MAX_RESULTS = "MaxResults";
  public static final String NEXT_TOKEN = "NextToken";
  public static final String CLIENT_TOKEN = "ClientToken";
  public static final String FILTER = "Filter";

  /** Parameters that belong to the transport, not to the call itself; never forwarded. */
  private static final List<String> ENVELOPE = List.of(ACTION, VERSION, "AWSAccessKeyId",
      "SignatureMethod", "SignatureVersion", "Signature", "Timestamp", "X-Amz-Algorithm",
      "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token");

  private final Map<String, String> values;

  public QueryParameters(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public Map<String, String> asMap() {
    return values;
  }

  /** The call's own parameters: everything except Action, Version and authentication. */
  public Map<String, String> callParameters() {
    Map<String, String> call = new LinkedHashMap<>(values);
    ENVELOPE.forEach(call::remove);
    return call;
  }

  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  public String require(String name) {
    String value = values.get(name);
    if (value == null || value.isEmpty()) {
      throw Ec2Exception.missingParameter(name);
    }
    return value;
  }

  public Optional<String> action() {
    return get(ACTION).filter(a -> !a.isEmpty());
  }

  /** DryRun=true|false (case-insensitive); anything else is an InvalidParameterValue. */
  public boolean dryRun() {
    return bool(DRY_RUN).orElse(false);
  }

  public Optional<Boolean> bool(String name) {
    String value = values.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value.equalsIgnoreCase("true")) {
      return Optional.of(true);
    }
    if (value.equalsIgnoreCase("false")) {
      return Optional.of(false);
    }
    throw Ec2Exception.invalidParameterValue(
        "Value (" + value + ") for parameter " + name + " is invalid. Expected true or false.");
  }

  public Optional<Integer> integer(String name) {
    String value = values.get(name);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      throw Ec2Exception.invalidParameterValue(
          "Value (" + value + ") for parameter " + name + " is invalid. Expected an integer.");
    }
  }

  /** The members of list {@code prefix} ({@code prefix.1}, {@code prefix.2}, ...) by index. */
  public List<String> list(String prefix) {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    String lead = prefix + ".";
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(lead)) {
        String rest = key.substring(lead.length());
        Integer index = parseIndex(rest, key);
        if (index != null) {
          byIndex.put(index, e.getValue());
        }
      }
    }
    return List.copyOf(byIndex.values());
  }

  /** {@code Filter.N.Name} with its {@code Filter.N.Value.M}; a filter without a name is refused. */
  public List<QueryFilter> filters() {
    TreeMap<Integer, String> names = new TreeMap<>();
    TreeMap<Integer, TreeMap<Integer, String>> filterValues = new TreeMap<>();
    String lead = FILTER + ".";
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(lead)) {
        continue;
      }
      String[] parts = key.substring(lead.length()).split("\\.", -1);
      Integer n = parts.length >= 2 ? parseIndex(parts[0], key) : null;
      if (n == null) {
        throw Ec2Exception.invalidParameterValue("The parameter " + key + " is not a valid filter parameter");
      }
      if (parts.length == 2 && parts[1].equals("Name")) {
        names.put(n, e.getValue());
      } else if (parts.length == 3 && parts[1].equals("Value")) {
        Integer m = parseIndex(parts[2], key);
        if (m == null) {
          throw Ec2Exception.invalidParameterValue("The parameter " + key + " is not a valid filter parameter");
        }
        filterValues.computeIfAbsent(n, k -> new TreeMap<>()).put(m, e.getValue());
      } else {
        throw Ec2Exception.invalidParameterValue("The parameter " + key + " is not a valid filter parameter");
      }
    }
    for (Integer n : filterValues.keySet()) {
      if (!names.containsKey(n)) {
        throw Ec2Exception.missingParameter(FILTER + "." + n + ".Name");
      }
    }
    List<QueryFilter> filters = new ArrayList<>();
    for (Map.Entry<Integer, String> e : names.entrySet()) {
      TreeMap<Integer, String> vs = filterValues.getOrDefault(e.getKey(), new TreeMap<>());
      filters.add(new QueryFilter(e.getValue(), List.copyOf(vs.values())));
    }
    return filters;
  }

  private static Integer parseIndex(String text, String key) {
    if (text.isEmpty() || text.length() > 6 || !text.chars().allMatch(Character::isDigit)) {
      return null;
    }
    int index = Integer.parseInt(text);
    if (index < 1) {
      throw Ec2Exception.invalidParameterValue("List index in " + key + " must start at 1");
    }
    return index;
  }

  @Override
  public String toString() {
    return "QueryParameters" + values.keySet();
  }
}
