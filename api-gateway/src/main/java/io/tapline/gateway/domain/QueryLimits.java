package io.tapline.gateway.domain;

/**
 * Bounds on what one Query call may ask, so that no request can make the gateway allocate or
 * compute without limit. The gateway's settings ({@code tapline.gateway.max-*}) feed it.
 *
 * @param maxParameters        most parameters per call
 * @param maxNameLength        longest parameter name
 * @param maxValueLength       longest parameter value (characters)
 * @param maxListIndex         largest {@code N} in {@code Name.N} (lists start at 1)
 * @param maxFilters           most {@code Filter.N} per Describe call
 * @param maxFilterValues      most {@code Filter.N.Value.M} per filter
 * @param maxFilterValueLength longest filter value (characters), also the glob matcher's bound
 */
public record QueryLimits(int maxParameters, int maxNameLength, int maxValueLength, int maxListIndex,
                          int maxFilters, int maxFilterValues, int maxFilterValueLength) {

  /** EC2 names are far shorter; the longest Tapline knows is TagSpecification.N.Tag.M.Value. */
  public static final int DEFAULT_MAX_NAME_LENGTH = 128;
  /** The longest value Tapline's API takes is a 256-character tag value; 4 KiB leaves room. */
  public static final int DEFAULT_MAX_VALUE_LENGTH = 4096;
  public static final int DEFAULT_MAX_PARAMETERS = 1000;
  /** No list can hold more members than a call has parameters. */
  public static final int DEFAULT_MAX_LIST_INDEX = 1000;
  /** Tapline's choice; EC2 documents no number of filters. */
  public static final int DEFAULT_MAX_FILTERS = 50;
  /** EC2's limit of values per filter (answered with FilterLimitExceeded). */
  public static final int DEFAULT_MAX_FILTER_VALUES = 200;
  /** A tag value, the longest value a filter compares, is at most 256 characters. */
  public static final int DEFAULT_MAX_FILTER_VALUE_LENGTH = 256;

  public static final QueryLimits DEFAULTS = new QueryLimits(DEFAULT_MAX_PARAMETERS, DEFAULT_MAX_NAME_LENGTH,
      DEFAULT_MAX_VALUE_LENGTH, DEFAULT_MAX_LIST_INDEX, DEFAULT_MAX_FILTERS, DEFAULT_MAX_FILTER_VALUES,
      DEFAULT_MAX_FILTER_VALUE_LENGTH);

  public QueryLimits {
    positive("maxParameters", maxParameters);
    positive("maxNameLength", maxNameLength);
    positive("maxValueLength", maxValueLength);
    positive("maxListIndex", maxListIndex);
    positive("maxFilters", maxFilters);
    positive("maxFilterValues", maxFilterValues);
    positive("maxFilterValueLength", maxFilterValueLength);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
