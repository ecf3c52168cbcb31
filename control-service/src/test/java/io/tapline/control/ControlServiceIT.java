package io.tapline.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.TargetDeliveryConfig;
import io.tapline.schemas.avro.TrafficMirrorSession;
import io.tapline.schemas.kafka.CompactedTopicView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The control service against a real broker: commands in, results, state and configuration out. */
class ControlServiceIT {

  private static final Duration WAIT = ControlTestHarness.WAIT;

  @AutoClose
  private final ControlTestHarness control = new ControlTestHarness();

  @Test
  void appliesCommandsInTransactionsAndRebuildsStateOnRestart() throws Exception {
    // Given a running service
    control.startService();
    String source = "eni-" + control.account.substring(0, 12) + "00001";
    String receiver = "eni-" + control.account.substring(0, 12) + "00002";
    control.create("RegisterNetworkInterface", Map.of("NetworkInterfaceId", source, "PrivateIpAddress.1", "10.9.0.1"));
    control.create("RegisterNetworkInterface", Map.of("NetworkInterfaceId", receiver, "PrivateIpAddress.1", "10.9.0.2"));
    String target = control.create("CreateTrafficMirrorTarget", Map.of("NetworkInterfaceId", receiver));
    String filter = control.create("CreateTrafficMirrorFilter", Map.of("Description", "it"));

    // When a session is created (with a client token)
    Map<String, String> sessionParams = Map.of("NetworkInterfaceId", source, "TrafficMirrorTargetId", target,
        "TrafficMirrorFilterId", filter, "SessionNumber", "1", "ClientToken", "it-token");
    CommandResult created = control.call("CreateTrafficMirrorSession", sessionParams);

    // Then the result carries the state and where it landed, and the view reaches it
    assertNull(created.getError());
    ResourceState session = created.getResources().getFirst();
    assertTrue(session.getResource() instanceof TrafficMirrorSession);
    assertEquals(1, created.getStateOffsets().size());
    try (CompactedTopicView<ResourceState> resources = new CompactedTopicView<>(control.bootstrap, Topics.RESOURCES, List.of()).start();
         CompactedTopicView<InterfaceMirrorConfig> mirrors = new CompactedTopicView<>(control.bootstrap, Topics.MIRROR_CONFIG, List.of()).start();
         CompactedTopicView<TargetDeliveryConfig> targets = new CompactedTopicView<>(control.bootstrap, Topics.TARGET_CONFIG, List.of()).start()) {
      var offset = created.getStateOffsets().getFirst();
      assertTrue(resources.awaitPosition(offset.getPartition(), offset.getOffset(), WAIT));
      assertNotNull(resources.get(session.getResourceId()));
      await().atMost(WAIT).until(() -> mirrors.get(source) != null);
      assertEquals(session.getResourceId(), mirrors.get(source).getSessions().getFirst().getTrafficMirrorSessionId());
      await().atMost(WAIT).until(() -> targets.get(target) != null);
      assertEquals("10.9.0.2", targets.get(target).getEndpoints().getFirst().getAddress());
    }

    // And errors come back as EC2 codes
    assertEquals("InvalidTrafficMirrorFilterId.NotFound", control.call("DeleteTrafficMirrorFilter",
        Map.of("TrafficMirrorFilterId", "tmf-00000000000000fff")).getError().getCode());

    // And a corrupt command is counted and skipped, the loop goes on
    control.sendRaw(new byte[] {1, 2, 3});
    assertEquals("TrafficMirrorFilterInUse", control.call("DeleteTrafficMirrorFilter",
        Map.of("TrafficMirrorFilterId", filter)).getError().getCode());
    String metrics = control.get("/prometheus").body();
    assertTrue(metrics.contains("tapline_control_corrupt_records"), metrics);
    assertTrue(metrics.contains("tapline_control_commands_total"), metrics);

    // When the service restarts
    control.stopService();
    control.startService();

    // Then the state was rebuilt: a retry of the create answers the same session, nothing new is written
    CommandResult retry = control.call("CreateTrafficMirrorSession", sessionParams);
    assertNull(retry.getError());
    assertEquals(session.getResourceId(), retry.getResources().getFirst().getResourceId());
    assertEquals(0, retry.getStateOffsets().size());
    // And the quota sees the existing session
    assertEquals("InvalidParameterValue", control.call("CreateTrafficMirrorSession", Map.of("NetworkInterfaceId", source,
        "TrafficMirrorTargetId", target, "TrafficMirrorFilterId", filter, "SessionNumber", "1")).getError().getCode());
    // And no command was applied twice
    assertTrue(control.results.values().stream().allMatch(list -> list.size() == 1), () -> "duplicated results: " + control.results);
  }
}
