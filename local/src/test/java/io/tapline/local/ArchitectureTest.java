package io.tapline.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Layering rules of the house style, checked rather than hoped for: domain code and packet code
 * are plain Java, and only the local launcher starts a broker.
 */
class ArchitectureTest {

  private static JavaClasses tapline;

  @BeforeAll
  static void importClasses() {
    tapline = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.tapline");
  }

  @Test
  void domainAndPacketCodeImportNoFrameworkAndNoGeneratedContract() {
    noClasses().that().resideInAnyPackage("io.tapline..domain..", "io.tapline.packet..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.apache.kafka..", "io.micronaut..", "io.vertx..", "io.netty..", "org.apache.avro..",
            "io.tapline.schemas..", "io.micrometer..")
        .because("rule matching, session choice, VXLAN framing, validation and state transitions are plain Java")
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
    String[] services = {"io.tapline.gateway..", "io.tapline.control..", "io.tapline.capture..",
        "io.tapline.filter..", "io.tapline.delivery.."};
    for (String service : services) {
      java.util.List<String> others = new java.util.ArrayList<>(java.util.List.of(services));
      others.remove(service);
      noClasses().that().resideInAPackage(service)
          .should().dependOnClassesThat().resideInAnyPackage(others.toArray(String[]::new))
          .because("services talk only through Kafka")
          .check(tapline);
    }
  }
}
