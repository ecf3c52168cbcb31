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
    QueryParameters params = parse("Id.2=b&Id.10=c&Id.1=a&Idx.1=no&Id.x=no");

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
}
