package io.tapline.delivery.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class DomainArchitectureTest {

  @Test
  void domainImportsNoKafkaVertxMicrometerOrAvro() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.tapline.delivery");

    noClasses().that().resideInAPackage("io.tapline.delivery.domain..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.apache.kafka..", "io.vertx..", "io.micrometer..", "org.apache.avro..",
            "io.tapline.schemas.avro..", "io.netty..", "io.tapline.delivery.kafka..", "io.tapline.delivery.udp..")
        .because("delivery rules are plain Java, unit-tested without a broker or a network")
        .check(classes);
  }
}
