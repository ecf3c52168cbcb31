package io.tapline.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.schemas.avro.CommandResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * No poison command, against a real broker: a command whose result cannot be written (larger than
 * the producer's max.request.size) is rejected with an error, and the commands behind it are applied.
 */
class ControlPoisonCommandIT {

  @AutoClose
  private final ControlTestHarness control = new ControlTestHarness();

  @Test
  void aCommandWhoseResultIsTooLargeIsRejectedAndTheNextOneIsApplied() throws Exception {
    // Given 80 filters
    control.startService();
    List<String> creates = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      creates.add(control.send("CreateTrafficMirrorFilter", Map.of("Description", "poison-" + i)));
    }
    await().atMost(ControlTestHarness.WAIT).until(() -> creates.stream().allMatch(control.results::containsKey));
    List<String> filters = creates.stream()
        .map(id -> control.results.get(id).getFirst().getResources().getFirst().getResourceId()).toList();

    // When one CreateTags puts 50 long tags on all of them (the result, holding every tagged filter, is ~1.5 MB)
    Map<String, String> tags = new HashMap<>();
    for (int i = 0; i < filters.size(); i++) {
      tags.put("ResourceId." + (i + 1), filters.get(i));
    }
    for (int t = 1; t <= 50; t++) {
      tags.put("Tag." + t + ".Key", String.format("%03d", t) + "k".repeat(124));
      tags.put("Tag." + t + ".Value", "v".repeat(255));
    }
    String poison = control.send("CreateTags", tags);
    // and a command follows it on the same partition (same key)
    String next = control.send("CreateTags", Map.of("ResourceId.1", filters.getFirst(), "Tag.1.Key", "after", "Tag.1.Value", "ok"));

    // Then the oversized one is rejected with a clear error, once
    await().atMost(ControlTestHarness.WAIT).until(() -> control.results.containsKey(poison) && control.results.containsKey(next));
    CommandResult rejected = control.results.get(poison).getFirst();
    assertNotNull(rejected.getError());
    assertEquals("InvalidParameterValue", rejected.getError().getCode());
    assertTrue(rejected.getError().getMessage().contains("larger than"), rejected.getError().getMessage());
    assertEquals(0, rejected.getStateOffsets().size());
    // And the next command is applied, on a state the rejected one did not touch
    CommandResult applied = control.results.get(next).getFirst();
    assertNull(applied.getError(), () -> "" + applied.getError());
    assertEquals(List.of("after"), applied.getResources().getFirst().getTags().stream().map(tag -> tag.getKey()).toList());
    // And it is counted
    String metrics = control.get("/prometheus").body();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("tapline_control_poison_commands_total") && l.endsWith(" 1.0")),
        metrics);
    // And nothing was answered twice
    assertTrue(control.results.values().stream().allMatch(list -> list.size() == 1), () -> "duplicated results: " + control.results);
  }
}
