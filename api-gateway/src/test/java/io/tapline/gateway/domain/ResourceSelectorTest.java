package io.tapline.gateway.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ResourceSelectorTest {

  record Thing(String id, String color, Map<String, String> tags) {}

  private final ResourceSelector<Thing> selector = new ResourceSelector<>("thing", "InvalidThingId.NotFound",
      Thing::id, Thing::tags, Map.<String, Function<Thing, List<String>>>of("color", t -> List.of(t.color())));

  private final List<Thing> things = List.of(
      new Thing("t-3", "red", Map.of("Name", "web-3")),
      new Thing("t-1", "blue", Map.of("Name", "web-1", "env", "prod")),
      new Thing("t-2", "red", Map.of()),
      new Thing("t-4", "green", Map.of("Name", "db")),
      new Thing("t-5", "red", Map.of()),
      new Thing("t-6", "red", Map.of()));

  private static DescribeQuery query(List<String> ids, List<QueryFilter> filters, Integer max, String token) {
    return new DescribeQuery(ids, filters, Optional.ofNullable(max), Optional.ofNullable(token));
  }

  private static List<String> ids(ResourceSelector.Page<Thing> page) {
    return page.items().stream().map(Thing::id).toList();
  }

  @Test
  void everythingSortedByIdWithoutArguments() {
    assertEquals(List.of("t-1", "t-2", "t-3", "t-4", "t-5", "t-6"),
        ids(selector.select(things, query(List.of(), List.of(), null, null))));
  }

  @Test
  void unknownIdIsTheKindsNotFound() {
    Ec2Exception error = assertThrows(Ec2Exception.class,
        () -> selector.select(things, query(List.of("t-1", "t-9"), List.of(), null, null)));

    assertEquals("InvalidThingId.NotFound", error.code());
    assertTrue(error.getMessage().contains("t-9"));
    assertEquals(400, error.httpStatus());
  }

  @Test
  void filtersAreAndAcrossNamesOrAcrossValuesWithWildcards() {
    var page = selector.select(things, query(List.of(),
        List.of(new QueryFilter("color", List.of("red", "blue")), new QueryFilter("tag:Name", List.of("web-?"))),
        null, null));
    assertEquals(List.of("t-1", "t-3"), ids(page));

    assertEquals(List.of("t-1", "t-3", "t-4"),
        ids(selector.select(things, query(List.of(), List.of(new QueryFilter("tag-key", List.of("Name"))), null, null))));
    assertEquals(List.of("t-1", "t-3"),
        ids(selector.select(things, query(List.of(), List.of(new QueryFilter("tag-value", List.of("web*"))), null, null))));
  }

  @Test
  void unknownFilterNameIsInvalidParameterValue() {
    assertEquals("InvalidParameterValue", assertThrows(Ec2Exception.class, () -> selector.select(things,
        query(List.of(), List.of(new QueryFilter("flavour", List.of("x"))), null, null))).code());
  }

  @Test
  void pagesWalkEverythingOnceInIdOrder() {
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      var page = selector.select(things, query(List.of(), List.of(), 5, token));
      seen.addAll(ids(page));
      token = page.nextToken().orElse(null);
      pages++;
    } while (token != null);

    assertEquals(List.of("t-1", "t-2", "t-3", "t-4", "t-5", "t-6"), seen);
    assertEquals(2, pages);
  }

  @Test
  void maxResultsOutOfRangeAndForgedTokensAreRefused() {
    assertEquals("InvalidParameterValue",
        assertThrows(Ec2Exception.class, () -> query(List.of(), List.of(), 4, null)).code());
    assertEquals("InvalidParameterValue",
        assertThrows(Ec2Exception.class, () -> query(List.of(), List.of(), 1001, null)).code());
    assertEquals("InvalidPaginationToken", assertThrows(Ec2Exception.class,
        () -> selector.select(things, query(List.of(), List.of(), 5, "not a token!"))).code());
  }

  @Test
  void wildcardsCanBeEscaped() {
    assertTrue(new QueryFilter("x", List.of("a\\*b")).matchesAny(List.of("a*b")));
    assertTrue(!new QueryFilter("x", List.of("a\\*b")).matchesAny(List.of("axxb")));
    assertTrue(new QueryFilter("x", List.of("a.b")).matchesAny(List.of("a.b")));
    assertTrue(!new QueryFilter("x", List.of("a.b")).matchesAny(List.of("axb")));
  }
}
