package io.tapline.gateway.domain;

import java.util.List;
import java.util.Optional;

/**
 * What a Describe call asks for: explicit ids, filters and a page.
 *
 * @param ids        ids the caller named; empty means all
 * @param filters    Filter.N of the call, all must match
 * @param maxResults page size, 5-1000; empty means everything
 * @param nextToken  token of the previous page, if any
 */
public record DescribeQuery(List<String> ids, List<QueryFilter> filters,
                            Optional<Integer> maxResults, Optional<String> nextToken) {

  public static final int MIN_RESULTS = 5;
  public static final int MAX_RESULTS = 1000;

  public DescribeQuery {
    ids = List.copyOf(ids);
    filters = List.copyOf(filters);
    maxResults.ifPresent(max -> {
      if (max < MIN_RESULTS || max > MAX_RESULTS) {
        throw Ec2Exception.invalidParameterValue("Value (" + max
            + ") for parameter MaxResults is invalid. Expected a value between "
            + MIN_RESULTS + " and " + MAX_RESULTS + ".");
      }
    });
  }

  /** Reads ids from the list parameter {@code idListName} (for example TrafficMirrorSessionId). */
  public static DescribeQuery from(QueryParameters params, String idListName) {
    return new DescribeQuery(params.list(idListName), params.filters(),
        params.integer(QueryParameters.MAX_RESULTS),
        params.get(QueryParameters.NEXT_TOKEN).filter(t -> !t.isEmpty()));
  }
}
