package io.tapline.gateway.elbv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.tapline.gateway.api.CommandBus;
import io.tapline.gateway.api.Ec2ApiService.Answer;
import io.tapline.gateway.api.ResourceView;
import io.tapline.gateway.auth.Caller;
import io.tapline.gateway.domain.QueryParser;
import io.tapline.schemas.avro.CommandError;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.Listener;
import io.tapline.schemas.avro.LoadBalancer;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.TargetGroup;
import io.tapline.schemas.avro.TargetGroupHealthCheck;
import io.tapline.schemas.avro.TargetGroupMember;
import io.tapline.schemas.avro.TargetHealthState;
import io.tapline.schemas.avro.TargetHealthStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * The real AWS SDK ELBv2 client against {@link Elbv2ApiService} (no signature check, an in-memory
 * command bus standing in for the control service): the SDK's parameter names are the ones the
 * service forwards, and it parses every answer and error.
 */
class Elbv2ApiServiceSdkTest {

  private static final String ACCOUNT = "123456789012";
  private static final String LB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/ids/0123456789abcdef";
  private static final String TG_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/ids/fedcba9876543210";
  private static final String LISTENER_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/ids/0123456789abcdef/0000000000000001";

  private final List<ResourceState> resources = new CopyOnWriteArrayList<>();
  private final List<ResourceCommand> commands = new CopyOnWriteArrayList<>();
  private final Map<String, TargetHealthState> health = new ConcurrentHashMap<>();
  private volatile Function<ResourceCommand, CommandResult> control = c -> result(c, null, List.of());
  private HttpServer server;
  private ElasticLoadBalancingV2Client elb;

  @BeforeEach
  void start() throws IOException {
    Elbv2ApiService service = new Elbv2ApiService(new InMemoryBus(), new InMemoryView(), new InMemoryHealth(),
        Duration.ofSeconds(2), Clock.systemUTC());
    QueryParser parser = new QueryParser(1000);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      Map<String, String> params = parser.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      Answer answer = service.handle(new Caller("AKIA", ACCOUNT, "eu-west-1"), params);
      byte[] body = answer.xml().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
      exchange.sendResponseHeaders(answer.status(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    elb = ElasticLoadBalancingV2Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIA", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
        .build();
  }

  @AfterEach
  void stop() {
    elb.close();
    server.stop(0);
  }

  @Test
  void createLoadBalancerForwardsTheSdksParametersAndTheSdkParsesTheAnswer() {
    control = c -> result(c, null, List.of(loadBalancer()));
    var lb = elb.createLoadBalancer(r -> r.name("ids").type(LoadBalancerTypeEnum.NETWORK).subnets("subnet-1", "subnet-2")
        .scheme("internal")).loadBalancers().getFirst();
    assertEquals(LB_ARN, lb.loadBalancerArn());
    assertEquals(LoadBalancerTypeEnum.NETWORK, lb.type());
    assertEquals("ids", lb.loadBalancerName());
    assertEquals("active", lb.state().codeAsString());
    Map<String, String> sent = commands.getFirst().getParameters();
    assertEquals("ids", sent.get("Name"));
    assertEquals("network", sent.get("Type"));
    assertEquals("subnet-2", sent.get("Subnets.member.2"));
    assertEquals("eu-west-1", sent.get(Elbv2ApiService.REGION_PARAMETER));
  }

  @Test
  void createTargetGroupSendsTheHealthCheckSettingsAndParsesThem() {
    control = c -> result(c, null, List.of(targetGroup()));
    var tg = elb.createTargetGroup(r -> r.name("ids").protocol(ProtocolEnum.UDP).port(4789).targetType(TargetTypeEnum.IP)
        .healthCheckProtocol(ProtocolEnum.TCP).healthCheckPort("8080").healthCheckIntervalSeconds(5)
        .healthCheckTimeoutSeconds(2).healthyThresholdCount(2).unhealthyThresholdCount(3)).targetGroups().getFirst();
    assertEquals(TG_ARN, tg.targetGroupArn());
    assertEquals(ProtocolEnum.UDP, tg.protocol());
    assertEquals("8080", tg.healthCheckPort());
    assertEquals(5, tg.healthCheckIntervalSeconds());
    assertEquals(3, tg.unhealthyThresholdCount());
    Map<String, String> sent = commands.getFirst().getParameters();
    assertEquals(List.of("TCP", "8080", "5", "2", "2", "3"), List.of(sent.get("HealthCheckProtocol"),
        sent.get("HealthCheckPort"), sent.get("HealthCheckIntervalSeconds"), sent.get("HealthCheckTimeoutSeconds"),
        sent.get("HealthyThresholdCount"), sent.get("UnhealthyThresholdCount")));
  }

  @Test
  void registerTargetsAndCreateListenerUseTheNamesTheControlServiceReads() {
    elb.registerTargets(r -> r.targetGroupArn(TG_ARN).targets(t -> t.id("10.0.0.1").port(4789), t -> t.id("10.0.0.2")));
    Map<String, String> sent = commands.getLast().getParameters();
    assertEquals("10.0.0.1", sent.get("Targets.member.1.Id"));
    assertEquals("4789", sent.get("Targets.member.1.Port"));
    assertEquals("10.0.0.2", sent.get("Targets.member.2.Id"));

    control = c -> result(c, null, List.of(listener()));
    var listener = elb.createListener(r -> r.loadBalancerArn(LB_ARN).protocol(ProtocolEnum.UDP).port(4789)
        .defaultActions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(TG_ARN))).listeners().getFirst();
    sent = commands.getLast().getParameters();
    assertEquals("forward", sent.get("DefaultActions.member.1.Type"));
    assertEquals(TG_ARN, sent.get("DefaultActions.member.1.TargetGroupArn"));
    assertEquals(LISTENER_ARN, listener.listenerArn());
    assertEquals(TG_ARN, listener.defaultActions().getFirst().targetGroupArn());
  }

  @Test
  void controlServiceErrorsBecomeTheSdksExceptions() {
    control = c -> result(c, new CommandError("TargetGroupNotFound", "One or more target groups not found"), List.of());
    var e = assertThrows(TargetGroupNotFoundException.class, () -> elb.deleteTargetGroup(r -> r.targetGroupArn(TG_ARN)));
    assertEquals("TargetGroupNotFound", e.awsErrorDetails().errorCode());
    assertEquals(400, e.statusCode());
  }

  @Test
  void describeCallsAnswerFromTheViewsAndTargetHealthJoinsTheReportedStates() {
    // Given a load balancer whose listener forwards to a group of three members, one reported unhealthy
    resources.addAll(List.of(loadBalancer(), targetGroup(), listener()));
    health.put(TargetHealthLookup.key(TG_ARN, "10.0.0.1", 4789), healthState("10.0.0.1", TargetHealthStatus.HEALTHY, null));
    health.put(TargetHealthLookup.key(TG_ARN, "10.0.0.2", 4789),
        healthState("10.0.0.2", TargetHealthStatus.UNHEALTHY, "Target.Timeout"));

    assertEquals(LB_ARN, elb.describeLoadBalancers(r -> r.names("ids")).loadBalancers().getFirst().loadBalancerArn());
    assertEquals(List.of(LB_ARN), elb.describeTargetGroups(r -> r.loadBalancerArn(LB_ARN)).targetGroups().getFirst()
        .loadBalancerArns());
    assertEquals(LISTENER_ARN, elb.describeListeners(r -> r.loadBalancerArn(LB_ARN)).listeners().getFirst().listenerArn());

    List<TargetHealthDescription> states = elb.describeTargetHealth(r -> r.targetGroupArn(TG_ARN))
        .targetHealthDescriptions();
    assertEquals(List.of(TargetHealthStateEnum.HEALTHY, TargetHealthStateEnum.UNHEALTHY, TargetHealthStateEnum.INITIAL),
        states.stream().map(d -> d.targetHealth().state()).toList());
    assertEquals("Target.Timeout", states.get(1).targetHealth().reasonAsString());
    assertEquals("8080", states.getFirst().healthCheckPort());
    assertTrue(assertThrows(TargetGroupNotFoundException.class, () -> elb.describeTargetHealth(
        r -> r.targetGroupArn(TG_ARN + "0"))).getMessage().contains("target groups not found"));
  }

  @Test
  void targetHealthShowsOnlyFixedReasonCodesAndDescriptionsWhateverTheTopicSays() {
    // Given reports carrying a far end's and an exception's words, an unknown code, and a proper mismatch
    resources.addAll(List.of(loadBalancer(), targetGroup(), listener()));
    TargetHealthState leaky = healthState("10.0.0.1", TargetHealthStatus.UNHEALTHY, "Target.FailedHealthChecks");
    leaky.setDescription("Health checks failed: java.net.ConnectException: secret-host refused <b>");
    health.put(TargetHealthLookup.key(TG_ARN, "10.0.0.1", 4789), leaky);
    TargetHealthState unknown = healthState("10.0.0.2", TargetHealthStatus.UNHEALTHY, "Whatever the far end said");
    unknown.setDescription("HTTP/1.1 500 secret status line");
    health.put(TargetHealthLookup.key(TG_ARN, "10.0.0.2", 4789), unknown);
    TargetHealthState mismatch = healthState("10.0.0.3", TargetHealthStatus.UNHEALTHY, "Target.ResponseCodeMismatch");
    mismatch.setDescription("Health checks failed with these codes: [503]");
    health.put(TargetHealthLookup.key(TG_ARN, "10.0.0.3", 4789), mismatch);

    // When DescribeTargetHealth is asked
    List<TargetHealthDescription> states = elb.describeTargetHealth(r -> r.targetGroupArn(TG_ARN))
        .targetHealthDescriptions();

    // Then each shows a code of the set with its fixed description
    assertEquals("Target.FailedHealthChecks", states.get(0).targetHealth().reasonAsString());
    assertEquals("Health checks failed", states.get(0).targetHealth().description());
    assertEquals("Elb.InternalError", states.get(1).targetHealth().reasonAsString());
    assertEquals("Health checks failed due to an internal error", states.get(1).targetHealth().description());
    assertEquals("Target.ResponseCodeMismatch", states.get(2).targetHealth().reasonAsString());
    assertEquals("Health checks failed with these codes: [503]", states.get(2).targetHealth().description());
  }

  // ------------------------------------------------------------------ fixtures

  private static CommandResult result(ResourceCommand c, CommandError error, List<ResourceState> states) {
    return CommandResult.newBuilder().setCommandId(c.getCommandId()).setAccountId(c.getAccountId())
        .setAction(c.getAction()).setError(error).setResources(states).setStateOffsets(List.of()).build();
  }

  private static ResourceState state(String id, Object resource) {
    return ResourceState.newBuilder().setResourceId(id).setAccountId(ACCOUNT).setCreatedAtMillis(1_700_000_000_000L)
        .setResource(resource).build();
  }

  private static ResourceState loadBalancer() {
    return state(LB_ARN, LoadBalancer.newBuilder().setLoadBalancerName("ids").setScheme("internal")
        .setSubnets(List.of("subnet-1", "subnet-2")).setDnsName("ids-0123456789abcdef.elb.eu-west-1.tapline.internal")
        .setRegion("eu-west-1").build());
  }

  private static ResourceState targetGroup() {
    return state(TG_ARN, TargetGroup.newBuilder().setTargetGroupName("ids").setProtocol("UDP").setPort(4789)
        .setTargetType("ip").setRegion("eu-west-1")
        .setHealthCheck(TargetGroupHealthCheck.newBuilder().setProtocol("TCP").setPort(8080).setIntervalSeconds(5)
            .setTimeoutSeconds(2).setHealthyThresholdCount(2).setUnhealthyThresholdCount(3).build())
        .setTargets(List.of(new TargetGroupMember("10.0.0.1", 4789, null), new TargetGroupMember("10.0.0.2", 4789, null),
            new TargetGroupMember("10.0.0.3", 4789, null)))
        .build());
  }

  private static ResourceState listener() {
    return state(LISTENER_ARN, Listener.newBuilder().setLoadBalancerArn(LB_ARN).setProtocol("UDP").setPort(4789)
        .setTargetGroupArn(TG_ARN).build());
  }

  private static TargetHealthState healthState(String address, TargetHealthStatus status, String reason) {
    return TargetHealthState.newBuilder().setTargetGroupArn(TG_ARN).setTargetId(address).setPort(4789)
        .setState(status).setReason(reason).setReportedBy("test").setUpdatedAtMillis(1L).build();
  }

  private final class InMemoryBus implements CommandBus {
    private final Map<String, CompletableFuture<CommandResult>> pending = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<CommandResult> expectResult(String commandId) {
      return pending.computeIfAbsent(commandId, k -> new CompletableFuture<>());
    }

    @Override
    public void forget(String commandId) {
      pending.remove(commandId);
    }

    @Override
    public CompletableFuture<?> publish(ResourceCommand command) {
      commands.add(command);
      pending.get(command.getCommandId()).complete(control.apply(command));
      return CompletableFuture.completedFuture(null);
    }
  }

  private final class InMemoryView implements ResourceView {
    @Override
    public Collection<ResourceState> all() {
      return new ArrayList<>(resources);
    }

    @Override
    public boolean awaitCaughtUp(Duration timeout) {
      return true;
    }

    @Override
    public boolean awaitPosition(int partition, long offset, Duration timeout) {
      return true;
    }
  }

  private final class InMemoryHealth implements TargetHealthLookup {
    @Override
    public Optional<TargetHealthState> find(String targetGroupArn, String address, int port) {
      return Optional.ofNullable(health.get(TargetHealthLookup.key(targetGroupArn, address, port)));
    }

    @Override
    public boolean awaitCaughtUp(Duration timeout) {
      return true;
    }
  }
}
