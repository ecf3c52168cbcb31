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
  private final QueryLimits limits;

  public QueryParameters(Map<String, String> values) {
    this(values, QueryLimits.DEFAULTS);
  }

  /** Parameters whose filters are bounded by {@code limits} (number, values per filter, length). */
  public QueryParameters(Map<String, String> values, QueryLimits limits) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.limits = limits;
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

  /**
   * The members of list {@code prefix} ({@code prefix.1}, {@code prefix.2}, ...) in index order.
   * Gaps are allowed ({@code .1} and {@code .3} make a list of two), as the AWS Query protocol
   * collects members by index; the indexes are only sorted, never used as sizes.
   */
  public List<String> list(String prefix) {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    String lead = prefix + ".";
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(lead)) {
        byIndex.put(index(key.substring(lead.length()), key), e.getValue());
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
      if (parts.length < 2) {
        throw Ec2Exception.invalidParameterValue("The parameter " + key + " is not a valid filter parameter");
      }
      int n = index(parts[0], key);
      if (parts.length == 2 && parts[1].equals("Name")) {
        names.put(n, e.getValue());
        if (names.size() > limits.maxFilters()) {
          throw filterLimit("The request has more than " + limits.maxFilters() + " filters");
        }
      } else if (parts.length == 3 && parts[1].equals("Value")) {
        int m = index(parts[2], key);
        if (e.getValue().length() > limits.maxFilterValueLength()) {
          throw Ec2Exception.invalidParameterValue("The value of " + key + " is longer than "
              + limits.maxFilterValueLength() + " characters");
        }
        TreeMap<Integer, String> forFilter = filterValues.computeIfAbsent(n, k -> new TreeMap<>());
        forFilter.put(m, e.getValue());
        if (forFilter.size() > limits.maxFilterValues()) {
          throw filterLimit("Filter." + n + " has more than " + limits.maxFilterValues() + " values");
        }
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

  /** EC2's answer to too many filters or filter values. */
  private static Ec2Exception filterLimit(String message) {
    return Ec2Exception.badRequest("FilterLimitExceeded", message);
  }

  /** A list index: 1 to maxListIndex, ASCII digits, no sign or leading zero. */
  private int index(String text, String key) {
    boolean ok = !text.isEmpty() && text.length() <= 9 && text.charAt(0) != '0'
        && text.chars().allMatch(c -> c >= '0' && c <= '9')
        && Integer.parseInt(text) <= limits.maxListIndex();
    if (!ok) {
      throw Ec2Exception.invalidParameterValue("The list index in " + QueryParser.printable(key)
          + " must be a whole number from 1 to " + limits.maxListIndex() + " without leading zeros");
    }
    return Integer.parseInt(text);
  }

  @Override
  public String toString() {
    return "QueryParameters" + values.keySet();
  }
}
