package io.tapline.local;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of the whole repository, in one place (checked rather than hoped for): domain
 * and packet code are plain Java, services talk only through Kafka, the gateway's application
 * services know no transport, and only the local launcher starts a broker. docs/DESIGN.md draws the
 * same picture.
 */
class ArchitectureTest {

  /** Frameworks and transports that domain code never sees. */
  private static final String[] FRAMEWORKS = {"org.apache.kafka..", "io.micronaut..", "io.vertx..", "io.netty..",
      "org.apache.avro..", "io.micrometer.."};
  private static final String[] SERVICES = {"io.tapline.gateway..", "io.tapline.control..", "io.tapline.capture..",
      "io.tapline.filter..", "io.tapline.delivery.."};

  private static JavaClasses tapline;

  @BeforeAll
  static void importClasses() {
    tapline = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.tapline");
  }

  @Test
  void domainAndPacketCodeImportNoFrameworkAndNoGeneratedContract() {
    noClasses().that().resideInAnyPackage("io.tapline..domain..", "io.tapline.packet..")
        .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
        // the generated Avro contract, its codecs and topics stay in adapters; io.tapline.schemas.api is plain Java
        .orShould().dependOnClassesThat(resideInAPackage("io.tapline.schemas..")
            .and(not(resideInAPackage("io.tapline.schemas.api.."))))
        .because("rule matching, session choice, VXLAN framing, validation and state transitions are plain Java")
        .check(tapline);
  }

  @Test
  void domainCodeImportsNoServiceRuntime() {
    noClasses().that().resideInAnyPackage("io.tapline..domain..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tapline.runtime..")
        .because("settings, health and metrics endpoints are the composition root's, not the domain's")
        .check(tapline);
  }

  @Test
  void deliveryDomainUsesNoAdapter() {
    noClasses().that().resideInAPackage("io.tapline.delivery.domain..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tapline.delivery.kafka..", "io.tapline.delivery.udp..")
        .because("delivery rules are plain Java, unit-tested without a broker or a network")
        .check(tapline);
  }

  @Test
  void captureAdaptersDoNotReachIntoTheCompositionRoot() {
    noClasses().that().resideInAPackage("io.tapline.capture.kafka..")
        .should().dependOnClassesThat().haveSimpleName("CaptureMain")
        .check(tapline);
  }

  @Test
  void gatewayApplicationServicesKnowNoTransport() {
    noClasses().that().resideInAPackage("io.tapline.gateway.api..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.micronaut..", "io.netty..",
            "io.vertx..", "io.micrometer..", "io.tapline.gateway.kafka..", "io.tapline.gateway.elbv2..")
        .orShould().dependOnClassesThat().resideInAPackage("io.tapline.gateway")
        .because("the EC2 answers are decided behind the CommandBus and ResourceView ports; HTTP, signatures and "
            + "Kafka are adapters around them")
        .check(tapline);
  }

  @Test
  void controlDomainDoesNotDependOnItsLoadBalancingPackage() {
    noClasses().that().resideInAPackage("io.tapline.control.domain")
        .should().dependOnClassesThat().resideInAPackage("io.tapline.control.domain.loadbalancing..")
        .because("load balancing builds on the domain's types (one way, no package cycle); the domain reaches it "
            + "only through CommandFamily and LoadBalancerRouting")
        .check(tapline);
  }

  @Test
  void onlyTheLauncherAndTestFixturesStartABroker() {
    noClasses().that().resideOutsideOfPackages("io.tapline.local..", "io.tapline.kafka.embedded..",
            "io.tapline.testing..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tapline.kafka.embedded..", "kafka..")
        .because("production services take bootstrap servers from configuration")
        .check(tapline);
  }

  @Test
  void servicesDoNotReachIntoEachOther() {
    for (String service : SERVICES) {
      List<String> others = new ArrayList<>(List.of(SERVICES));
      others.remove(service);
      noClasses().that().resideInAPackage(service)
          .should().dependOnClassesThat().resideInAnyPackage(others.toArray(String[]::new))
          .because("services talk only through Kafka")
          .check(tapline);
    }
  }
}
