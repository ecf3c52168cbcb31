package io.tapline.gateway.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

  private final QueryParser parser = new QueryParser(100);

  private QueryParameters parse(String body) {
    return new QueryParameters(parser.parse(body));
  }

  @Test
  void decodesFormEncodingAndKeepsOrder() {
    QueryParameters params = parse("Action=CreateTags&Version=2016-11-15&Tag.1.Value=a+b%26c%3D&Empty=&Flag");

    assertEquals(Optional.of("CreateTags"), params.action());
    assertEquals("a b&c=", params.require("Tag.1.Value"));
    assertEquals("", params.get("Empty").orElseThrow());
    assertEquals("", params.get("Flag").orElseThrow());
    assertEquals(List.of("Action", "Version", "Tag.1.Value", "Empty", "Flag"), List.copyOf(params.asMap().keySet()));
  }

  @Test
  void callParametersDropTheEnvelope() {
    QueryParameters params = parse("Action=CreateTags&Version=2016-11-15&ResourceId.1=tms-1");

    assertEquals(Map.of("ResourceId.1", "tms-1"), params.callParameters());
  }

  @Test
  void listsAreOrderedByIndexNotBySendingOrder() {
    QueryParameters params = parse("Id.2=b&Id.10=c&Id.1=a&Idx.1=no");

    assertEquals(List.of("a", "b", "c"), params.list("Id"));
  }

  @Test
  void filtersGroupNamesAndValues() {
    QueryParameters params = parse("Filter.2.Name=tag%3AName&Filter.2.Value.1=web*"
        + "&Filter.1.Name=session-number&Filter.1.Value.2=2&Filter.1.Value.1=1&Filter.3.Name=description");

    assertEquals(List.of(new QueryFilter("session-number", List.of("1", "2")),
        new QueryFilter("tag:Name", List.of("web*")), new QueryFilter("description", List.of())), params.filters());
  }

  @Test
  void filterValueWithoutNameIsMissingParameter() {
    assertEquals("MissingParameter",
        assertThrows(Ec2Exception.class, () -> parse("Filter.1.Value.1=x").filters()).code());
    assertEquals("InvalidParameterValue",
        assertThrows(Ec2Exception.class, () -> parse("Filter.1.Nme=x").filters()).code());
  }

  @Test
  void badInputIsAnEc2ErrorNeverACrash() {
    assertEquals("InvalidParameterValue", assertThrows(Ec2Exception.class, () -> parse("Action=%zz")).code());
    assertEquals("InvalidParameterValue", assertThrows(Ec2Exception.class, () -> parse("A=1&A=2")).code());
    assertEquals("InvalidParameterValue", assertThrows(Ec2Exception.class, () -> parse("=value")).code());
    assertEquals("InvalidParameterValue", assertThrows(Ec2Exception.class, () -> parse("DryRun=maybe").dryRun()).code());
    assertEquals("InvalidParameterValue",
        assertThrows(Ec2Exception.class, () -> parse("MaxResults=ten").integer("MaxResults")).code());
    assertEquals("InvalidParameterValue", assertThrows(Ec2Exception.class, () -> parse("Id.0=a").list("Id")).code());
  }

  @Test
  void parameterCountIsLimited() {
    StringBuilder body = new StringBuilder();
    for (int i = 1; i <= 101; i++) {
      body.append("P").append(i).append("=x&");
    }
    assertEquals("InvalidParameterValue", assertThrows(Ec2Exception.class, () -> parse(body.toString())).code());
  }

  @Test
  void dryRunIsCaseInsensitive() {
    assertTrue(parse("DryRun=TRUE").dryRun());
    assertFalse(parse("DryRun=false").dryRun());
    assertFalse(parse("").dryRun());
  }

  @Test
  void missingRequiredParameterIsNamed() {
    Ec2Exception error = assertThrows(Ec2Exception.class, () -> parse("").require("NetworkInterfaceId"));
    assertEquals("MissingParameter", error.code());
    assertTrue(error.getMessage().contains("NetworkInterfaceId"));
  }

  // ------------------------------------------------------------------ hostile input, unit level

  private static String code(Runnable call) {
    return assertThrows(Ec2Exception.class, call::run).code();
  }

  @Test
  void listIndexesAreCanonicalAndBounded() {
    for (String name : List.of("Filter.0.Name", "Filter.01.Name", "Filter.999999999.Name", "Filter.1001.Name",
        "TrafficMirrorFilterId.-1", "TrafficMirrorFilterId.1x", "TagSpecification.1.Tag.0.Key",
        "Filter.99999999999999999999.Name")) {
      assertEquals("InvalidParameterValue", code(() -> parser.parse(name + "=x")), name);
    }
    assertEquals(List.of("a", "b"), parse("Id.3=b&Id.1=a").list("Id"));
    assertEquals("InvalidParameterValue", code(() -> new QueryParameters(Map.of("Id.x", "a")).list("Id")));
  }

  @Test
  void namesAreEc2ShapedAndValuesStrictlyDecoded() {
    assertEquals("UnknownParameter", code(() -> parser.parse("{\"Action\":1}=x")));
    assertEquals("UnknownParameter", code(() -> parser.parse("Filter..Name=x")));
    assertEquals("UnknownParameter", code(() -> parser.parse("1Action=x")));
    assertEquals("UnknownParameter", code(() -> parser.parse("Act%00ion=x")));
    assertEquals("InvalidParameterValue", code(() -> parser.parse("Action=%ZZ")));
    assertEquals("InvalidParameterValue", code(() -> parser.parse("Action=%4")));
    assertEquals("InvalidParameterValue", code(() -> parser.parse("Action=%\u0664\u0661")));
    assertEquals("InvalidParameterValue", code(() -> parser.parse("Action=%FF%FE")));
    assertEquals("InvalidParameterValue", code(() -> parser.parseBodyInto(new byte[] {'A', '=', (byte) 0xC3}, new java.util.HashMap<>())));
    assertEquals("InvalidParameterValue", code(() -> parser.parse("A=1&A=2")));
    assertEquals("InvalidParameterValue", code(() -> parser.parse("A" + "b".repeat(200) + "=1")));
    assertEquals("InvalidParameterValue", code(() -> parser.parse("A=" + "b".repeat(5000))));
    assertEquals("\u00e9\uD83D\uDE00 x", parser.parse("A=%C3%A9%F0%9F%98%80+x").get("A"));
  }

  @Test
  void filtersAreCapped() {
    QueryLimits limits = new QueryLimits(1000, 128, 4096, 1000, 2, 3, 10);
    QueryParser small = new QueryParser(limits);
    java.util.function.Function<String, QueryParameters> p = body -> new QueryParameters(small.parse(body), limits);

    assertEquals(3, p.apply("Filter.1.Name=a&Filter.1.Value.1=1&Filter.1.Value.2=2&Filter.1.Value.7=3")
        .filters().getFirst().values().size());
    assertEquals("FilterLimitExceeded", code(() -> p.apply(
        "Filter.1.Name=a&Filter.1.Value.1=1&Filter.1.Value.2=2&Filter.1.Value.3=3&Filter.1.Value.4=4").filters()));
    assertEquals("FilterLimitExceeded", code(() -> p.apply(
        "Filter.1.Name=a&Filter.2.Name=b&Filter.3.Name=c").filters()));
    assertEquals("InvalidParameterValue", code(() -> p.apply(
        "Filter.1.Name=a&Filter.1.Value.1=" + "*".repeat(11)).filters()));
  }
}
