package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorFilter;

/**
 * kill -9 of the control service, then of the gateway, in the middle of a burst of 200 concurrent
 * CreateTrafficMirrorFilter calls (distinct ClientTokens and descriptions), each service in its own
 * JVM of the local stack. The failed calls are retried with their ClientToken, as SDKs do. Then
 * every token maps to exactly one filter, acknowledged answers are never contradicted, and nothing
 * is created twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneCrashIT {

  private static final int BURST = 200;
  private static final int KILL_AFTER_ACKNOWLEDGED = 40;

  private Path workDir;
  private LocalStack stack;
  private final List<ServiceProcess> replacements = new ArrayList<>();

  @BeforeAll
  void startStack() throws IOException {
    workDir = Files.createTempDirectory("tapline-crash-");
    LocalStackConfig config = new LocalStackConfig(workDir.resolve("stack"), 0, 0, 0, 0, 0, 0, 0, 4789, "",
        Map.of("TAPLINE_GATEWAY_COMMAND_TIMEOUT", "3s"));
    stack = LocalStack.start(config);
  }

  @AfterAll
  void stopStack() {
    for (ServiceProcess replacement : replacements) {
      replacement.stop(Duration.ofSeconds(15));
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void killingTheControlServiceMidBurstLosesAndDoublesNothing() throws Exception {
    burstWithKill("ctl", "control-service", "io.tapline.control.ControlApplication",
        Map.of("TAPLINE_CONTROL_VXLAN_PORT", "4789"));
  }

  @Test
  void killingTheGatewayMidBurstLosesAndDoublesNothing() throws Exception {
    burstWithKill("gw", "api-gateway", "io.tapline.gateway.GatewayApplication", Map.of());
  }

  private void burstWithKill(String tag, String service, String mainClass, Map<String, String> extraEnv)
      throws Exception {
    String endpoint = stack.apiEndpoint();
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    Map<String, String> failures = new ConcurrentHashMap<>();
    AtomicInteger acks = new AtomicInteger();
    CountDownLatch killPoint = new CountDownLatch(KILL_AFTER_ACKNOWLEDGED);
    // Given a burst of creates from 16 threads
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (Ec2Client ec2 = client(endpoint)) {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        String token = tag + "-token-" + i;
        String description = tag + "-filter-" + i;
        calls.add(pool.submit(() -> {
          try {
            String id = ec2.createTrafficMirrorFilter(r -> r.clientToken(token).description(description))
                .trafficMirrorFilter().trafficMirrorFilterId();
            acknowledged.put(token, id);
            acks.incrementAndGet();
            killPoint.countDown();
          } catch (SdkException e) {
            failures.put(token, e.getClass().getSimpleName() + ": " + e.getMessage());
          }
        }));
      }
      // When the service is killed (SIGKILL) mid-burst and started again on the same port
      assertTrue(killPoint.await(120, TimeUnit.SECONDS), "no progress before the kill");
      int ackedBeforeKill = acks.get();
      stack.kill(service);
      int port = URI.create(stack.serviceUrl(service)).getPort();
      // the same environment it was started with: ports, bootstrap servers, the gateway's credentials file
      Map<String, String> env = new HashMap<>(stack.environment(service));
      env.putAll(extraEnv);
      ServiceProcess replacement = ServiceProcess.start(service + "-restarted", mainClass, port, "384m", env,
          stack.config().dataDir().toAbsolutePath().resolve("logs"));
      replacements.add(replacement);
      for (Future<?> call : calls) {
        call.get(180, TimeUnit.SECONDS);
      }
      replacement.awaitHealthy(Duration.ofSeconds(120));
      System.out.printf("%s: %d acknowledged before the kill, %d in all, %d failed%n", service, ackedBeforeKill,
          acknowledged.size(), failures.size());
      assertTrue(failures.size() > 0 || ackedBeforeKill < BURST, "the kill hit the burst");

      // Then retrying every call with its ClientToken, as an SDK does, gives each token one filter
      Map<String, String> finalIds = new ConcurrentHashMap<>();
      for (int i = 0; i < BURST; i++) {
        String token = tag + "-token-" + i;
        String description = tag + "-filter-" + i;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
          try {
            finalIds.put(token, ec2.createTrafficMirrorFilter(r -> r.clientToken(token).description(description))
                .trafficMirrorFilter().trafficMirrorFilterId());
            return true;
          } catch (Ec2Exception e) {
            if (e.statusCode() != 503) {
              throw e;
            }
            return false;
          } catch (SdkException e) {
            return false; // connection refused while the replacement starts
          }
        });
      }
      // acknowledged answers are never contradicted by a retry
      acknowledged.forEach((token, id) -> assertEquals(id, finalIds.get(token), token));
      // and the account holds exactly one filter per description, the one its token names
      List<TrafficMirrorFilter> filters = new ArrayList<>();
      ec2.describeTrafficMirrorFiltersPaginator(r -> r.maxResults(100)
              .filters(Filter.builder().name("description").values(tag + "-filter-*").build()))
          .forEach(page -> filters.addAll(page.trafficMirrorFilters()));
      assertEquals(BURST, filters.size(), "no filter created twice, none lost");
      Map<String, String> idByDescription = filters.stream()
          .collect(Collectors.toMap(TrafficMirrorFilter::description, TrafficMirrorFilter::trafficMirrorFilterId));
      for (int i = 0; i < BURST; i++) {
        assertEquals(finalIds.get(tag + "-token-" + i), idByDescription.get(tag + "-filter-" + i));
      }
      assertEquals(BURST, Set.copyOf(finalIds.values()).size());
    } finally {
      pool.shutdownNow();
    }
  }

  private Ec2Client client(String endpoint) {
    return Ec2Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.credentials().accessKeyId(),
                stack.credentials().secretAccessKey())))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(30)))
        .build();
  }
}
