package io.tapline.gateway.domain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Answers a {@link DescribeQuery} over one kind of resource: ids (unknown id is the kind's
 * NotFound error), filters by name (unknown filter name is an InvalidParameterValue), then a page
 * in a stable order (ascending id). Tag filters ({@code tag:KEY}, {@code tag-key},
 * {@code tag-value}) work for every kind.
 *
 * <p>The page token names the last id of the page, so pages stay consistent while resources are
 * created or deleted between calls.
 *
 * @param <T> the resource type
 */
public final class ResourceSelector<T> {

  private static final String TOKEN_PREFIX = "tapline-v1:";

  private final String kindName;
  private final String notFoundCode;
  private final Function<T, String> id;
  private final Function<T, Map<String, String>> tags;
  private final Map<String, Function<T, List<String>>> filterValues;

  /**
   * @param kindName     how errors name the kind ("traffic mirror session")
   * @param notFoundCode EC2 code for an unknown id (InvalidTrafficMirrorSessionId.NotFound)
   * @param id           the resource id
   * @param tags         the resource's tags (key to value)
   * @param filterValues for each supported filter name, the resource's values for it
   */
  public ResourceSelector(String kindName, String notFoundCode, Function<T, String> id,
                          Function<T, Map<String, String>> tags,
                          Map<String, Function<T, List<String>>> filterValues) {
    this.kindName = kindName;
    this.notFoundCode = notFoundCode;
    this.id = id;
    this.tags = tags;
    this.filterValues = Map.copyOf(filterValues);
  }

  /** A page of results and the token of the next page, if there is one. */
  public record Page<T>(List<T> items, Optional<String> nextToken) {}

  public Set<String> filterNames() {
    return filterValues.keySet();
  }

  public Page<T> select(Collection<T> candidates, DescribeQuery query) {
    List<T> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparing(id));
    if (!query.ids().isEmpty()) {
      Set<String> wanted = new LinkedHashSet<>(query.ids());
      List<T> named = sorted.stream().filter(r -> wanted.contains(id.apply(r))).toList();
      Set<String> missing = new LinkedHashSet<>(wanted);
      named.forEach(r -> missing.remove(id.apply(r)));
      if (!missing.isEmpty()) {
        throw Ec2Exception.badRequest(notFoundCode, "The " + kindName
            + (missing.size() == 1 ? " ID '" : " IDs '") + String.join(", ", missing) + "' "
            + (missing.size() == 1 ? "does" : "do") + " not exist");
      }
      sorted = named;
    }
    for (QueryFilter filter : query.filters()) {
      Function<T, List<String>> values = valuesOf(filter.name());
      java.util.function.Predicate<List<String>> matcher = filter.matcher();
      sorted = sorted.stream().filter(r -> matcher.test(values.apply(r))).toList();
    }
    Optional<String> after = query.nextToken().map(ResourceSelector::decodeToken);
    if (after.isPresent()) {
      String last = after.get();
      sorted = sorted.stream().filter(r -> id.apply(r).compareTo(last) > 0).toList();
    }
    if (query.maxResults().isEmpty() || sorted.size() <= query.maxResults().get()) {
      return new Page<>(List.copyOf(sorted), Optional.empty());
    }
    List<T> page = List.copyOf(sorted.subList(0, query.maxResults().get()));
    return new Page<>(page, Optional.of(encodeToken(id.apply(page.getLast()))));
  }

  private Function<T, List<String>> valuesOf(String filterName) {
    Function<T, List<String>> known = filterValues.get(filterName);
    if (known != null) {
      return known;
    }
    if (filterName.startsWith("tag:") && filterName.length() > 4) {
      String key = filterName.substring(4);
      return r -> Optional.ofNullable(tags.apply(r).get(key)).map(List::of).orElse(List.of());
    }
    if (filterName.equals("tag-key")) {
      return r -> List.copyOf(tags.apply(r).keySet());
    }
    if (filterName.equals("tag-value")) {
      return r -> List.copyOf(tags.apply(r).values());
    }
    throw Ec2Exception.invalidParameterValue("The filter '" + filterName + "' is invalid");
  }

  static String encodeToken(String lastId) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((TOKEN_PREFIX + lastId).getBytes(StandardCharsets.UTF_8));
  }

  static String decodeToken(String token) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (decoded.startsWith(TOKEN_PREFIX) && decoded.length() > TOKEN_PREFIX.length()) {
        return decoded.substring(TOKEN_PREFIX.length());
      }
    } catch (IllegalArgumentException e) {
      // falls through to the EC2 error below
    }
    throw Ec2Exception.badRequest("InvalidPaginationToken", "The token '" + token + "' is invalid.");
  }
}
