package io.tapline.kafka;

import io.tapline.runtime.KafkaSettings;
import io.tapline.runtime.SettingsSource;
import io.tapline.schemas.TopicSpec;
import io.tapline.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The access each Tapline service needs on a cluster with an authorizer, built from the topic
 * catalog: one source for the operator's tool ({@link #main}), the docs and the tests. Anything
 * not listed is denied (run the brokers with {@code allow.everyone.if.no.acl.found=false}).
 *
 * <ul>
 *   <li>{@code User:tapline-gateway} writes commands; reads command results, resources, target health.</li>
 *   <li>{@code User:tapline-capture} writes commands (interface registration) and captured packets; reads mirror configuration.</li>
 *   <li>{@code User:tapline-control} alone writes resources, mirror and target configuration and command
 *       results (transactional id {@code tapline-control}); reads commands (group {@code tapline-control})
 *       and its own topics; provisions every {@code tapline.} topic (create, describe/alter configs).</li>
 *   <li>{@code User:tapline-filter} reads mirror configuration and captured packets (group {@code tapline-filter}),
 *       writes mirrored packets in transactions (ids prefixed {@code tapline-filter-}).</li>
 *   <li>{@code User:tapline-target} reads target configuration and mirrored packets (group {@code tapline-target}),
 *       writes target health.</li>
 * </ul>
 *
 * <p>Every service may describe the configs of the topics it uses, so its start-up check reports
 * topics that differ from the policy; only the control service changes them.
 */
public final class Acls {

  public static final String GATEWAY = "User:tapline-gateway";
  public static final String CAPTURE = "User:tapline-capture";
  public static final String CONTROL = "User:tapline-control";
  public static final String FILTER = "User:tapline-filter";
  public static final String TARGET = "User:tapline-target";

  /** Every Tapline topic starts with this; the control service provisions by this prefix. */
  public static final String TOPIC_PREFIX = "tapline.";

  private Acls() {}

  /** The SASL user name of a principal: {@code User:tapline-capture} -> {@code tapline-capture}. */
  public static String userName(String principal) {
    return principal.substring(principal.indexOf(':') + 1);
  }

  /** The bindings for the default group and transactional ids. */
  public static List<AclBinding> bindings() {
    List<AclBinding> acls = new ArrayList<>();
    // gateway
    write(acls, GATEWAY, Topics.COMMANDS);
    read(acls, GATEWAY, Topics.COMMAND_RESULTS);
    read(acls, GATEWAY, Topics.RESOURCES);
    read(acls, GATEWAY, Topics.TARGET_HEALTH);
    read(acls, GATEWAY, Topics.USAGE);
    // capture
    write(acls, CAPTURE, Topics.COMMANDS);
    write(acls, CAPTURE, Topics.PACKETS_CAPTURED);
    read(acls, CAPTURE, Topics.MIRROR_CONFIG);
    // control: the single writer of state, in transactions; the topic provisioner
    read(acls, CONTROL, Topics.COMMANDS);
    for (TopicSpec<?> state : List.of(Topics.RESOURCES, Topics.MIRROR_CONFIG, Topics.TARGET_CONFIG,
        Topics.COMMAND_RESULTS)) {
      write(acls, CONTROL, state);
      read(acls, CONTROL, state);
    }
    group(acls, CONTROL, "tapline-control");
    transactionalIds(acls, CONTROL, "tapline-control");
    ResourcePattern all = new ResourcePattern(ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED);
    for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS,
        AclOperation.ALTER_CONFIGS, AclOperation.DESCRIBE)) {
      acls.add(allow(all, CONTROL, op));
    }
    // filter: exactly-once consume-transform-produce
    read(acls, FILTER, Topics.MIRROR_CONFIG);
    read(acls, FILTER, Topics.PACKETS_CAPTURED);
    write(acls, FILTER, Topics.PACKETS_MIRRORED);
    group(acls, FILTER, "tapline-filter");
    transactionalIds(acls, FILTER, "tapline-filter-");
    // filter: usage records in its transactions, and the usage aggregation (Kafka Streams, application
    // id tapline-filter-usage: its group and transactional ids fall under the prefixes above)
    write(acls, FILTER, Topics.USAGE_RECORDED);
    read(acls, FILTER, Topics.USAGE_RECORDED);
    write(acls, FILTER, Topics.USAGE);
    ResourcePattern usageInternal = new ResourcePattern(ResourceType.TOPIC, "tapline-filter-usage-", PatternType.PREFIXED);
    for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE,
        AclOperation.DESCRIBE_CONFIGS, AclOperation.DELETE)) {
      acls.add(allow(usageInternal, FILTER, op));
    }
    // target
    read(acls, TARGET, Topics.TARGET_CONFIG);
    read(acls, TARGET, Topics.PACKETS_MIRRORED);
    write(acls, TARGET, Topics.TARGET_HEALTH);
    group(acls, TARGET, "tapline-target");
    return List.copyOf(acls);
  }

  private static void read(List<AclBinding> acls, String principal, TopicSpec<?> topic) {
    ResourcePattern pattern = new ResourcePattern(ResourceType.TOPIC, topic.name(), PatternType.LITERAL);
    acls.add(allow(pattern, principal, AclOperation.READ));
    acls.add(allow(pattern, principal, AclOperation.DESCRIBE));
    describeConfigs(acls, pattern, principal);
  }

  private static void write(List<AclBinding> acls, String principal, TopicSpec<?> topic) {
    ResourcePattern pattern = new ResourcePattern(ResourceType.TOPIC, topic.name(), PatternType.LITERAL);
    acls.add(allow(pattern, principal, AclOperation.WRITE));
    acls.add(allow(pattern, principal, AclOperation.DESCRIBE));
    describeConfigs(acls, pattern, principal);
  }

  private static void describeConfigs(List<AclBinding> acls, ResourcePattern pattern, String principal) {
    AclBinding binding = allow(pattern, principal, AclOperation.DESCRIBE_CONFIGS);
    if (!acls.contains(binding)) {
      acls.add(binding);
    }
  }

  /** Consumer groups by prefix, so {@code tapline-filter} and {@code tapline-filter-blue} both work. */
  private static void group(List<AclBinding> acls, String principal, String prefix) {
    ResourcePattern pattern = new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED);
    acls.add(allow(pattern, principal, AclOperation.READ));
    acls.add(allow(pattern, principal, AclOperation.DESCRIBE));
  }

  private static void transactionalIds(List<AclBinding> acls, String principal, String prefix) {
    ResourcePattern pattern = new ResourcePattern(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED);
    acls.add(allow(pattern, principal, AclOperation.WRITE));
    acls.add(allow(pattern, principal, AclOperation.DESCRIBE));
  }

  private static AclBinding allow(ResourcePattern pattern, String principal, AclOperation op) {
    return new AclBinding(pattern, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
  }

  /** The bindings as {@code kafka-acls.sh} command lines, for operators who apply ACLs by hand. */
  public static List<String> kafkaAclsCommands(String bootstrap, String commandConfig) {
    List<String> lines = new ArrayList<>();
    for (AclBinding b : bindings()) {
      ResourcePattern p = b.pattern();
      String resource = switch (p.resourceType()) {
        case TOPIC -> "--topic";
        case GROUP -> "--group";
        case TRANSACTIONAL_ID -> "--transactional-id";
        default -> throw new IllegalStateException("unexpected resource " + p);
      };
      lines.add("kafka-acls.sh --bootstrap-server " + bootstrap + " --command-config " + commandConfig
          + " --add --allow-principal " + b.entry().principal() + " --operation " + operationName(b.entry().operation())
          + " " + resource + " '" + p.name() + "' --resource-pattern-type " + p.patternType().name().toLowerCase());
    }
    return lines;
  }

  private static String operationName(AclOperation op) {
    StringBuilder name = new StringBuilder();
    for (String part : op.name().split("_")) {
      name.append(part.charAt(0)).append(part.substring(1).toLowerCase());
    }
    return name.toString();
  }

  /**
   * {@code Acls print} prints the kafka-acls.sh commands; {@code Acls apply} creates the bindings
   * through the Admin API with the {@code tapline.kafka.*} settings of an admin principal
   * (TAPLINE_KAFKA_SASL_USERNAME=admin ...).
   */
  public static void main(String[] args) throws Exception {
    String mode = args.length == 0 ? "print" : args[0];
    SettingsSource source = SettingsSource.fromEnvironment();
    KafkaSettings kafka = KafkaSettings.from(source);
    source.validate();
    switch (mode) {
      case "print" -> kafkaAclsCommands(kafka.bootstrapServers(), "admin.properties").forEach(System.out::println);
      case "apply" -> {
        try (Admin admin = Admin.create(kafka.connectionProperties())) {
          admin.createAcls(bindings()).all().get(60, TimeUnit.SECONDS);
          System.out.println("created " + bindings().size() + " ACL bindings");
        }
      }
      default -> {
        System.err.println("usage: Acls print|apply");
        System.exit(2);
      }
    }
  }
}
