package io.tapline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The container image's classpath is the five services' runtime dependency trees
 * (deploy/image-libs.sh, which the Dockerfile runs): resolved here offline, without building, and
 * without the script's exclusions, so a service that started to depend on the broker would fail
 * here rather than only be filtered out of the image.
 */
class ImageClasspathIT {

  private static final Set<String> SERVICES =
      Set.of("api-gateway", "control-service", "capture-service", "filter-service", "target-service");
  /** The embedded broker and the Kafka server side: never on a service's runtime classpath. */
  private static final List<String> FORBIDDEN = List.of(":embedded-kafka:", ":test-fixtures:",
      "org.apache.kafka:kafka_2.13:", "org.apache.kafka:kafka-server:", "org.apache.kafka:kafka-server-common:",
      "org.apache.kafka:kafka-raft:", "org.apache.kafka:kafka-metadata:", "org.apache.kafka:kafka-storage:",
      "org.apache.kafka:kafka-group-coordinator:", "org.scala-lang:scala-library:");

  @Test
  void theServicesRuntimeTreesHoldNoBrokerJar() throws IOException {
    Path tree = Files.createTempFile("tapline-image-tree-", ".txt");
    try {
      DeployFiles.Result result = DeployFiles.run(List.of("bash", "deploy/image-libs.sh", "tree", tree.toString()));
      assertEquals(0, result.exitCode(), result.output());
      Map<String, List<String>> byModule = new LinkedHashMap<>();
      List<String> current = null;
      for (String line : Files.readAllLines(tree)) {
        if (line.startsWith("io.tapline:")) {
          current = byModule.computeIfAbsent(line.split(":")[1], m -> new ArrayList<>());
        } else if (current != null) {
          current.add(line);
        }
      }
      assertTrue(byModule.keySet().containsAll(SERVICES), byModule.keySet().toString());
      for (String service : SERVICES) {
        List<String> deps = byModule.get(service);
        assertTrue(deps.stream().anyMatch(d -> d.contains("org.apache.kafka:kafka-clients:")), service + " uses the client");
        for (String dep : deps) {
          for (String forbidden : FORBIDDEN) {
            assertTrue(!dep.contains(forbidden), service + " would ship " + dep.trim());
          }
        }
      }
    } finally {
      Files.deleteIfExists(tree);
    }
  }
}
