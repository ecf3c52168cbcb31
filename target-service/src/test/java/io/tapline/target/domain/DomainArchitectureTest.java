package io.tapline.target.domain;

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
        .importPackages("io.tapline.target");

    noClasses().that().resideInAPackage("io.tapline.target.domain..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.apache.kafka..", "io.vertx..", "io.micrometer..", "org.apache.avro..",
            "io.tapline.schemas.avro..", "io.netty..", "io.tapline.target.kafka..", "io.tapline.target.udp..")
        .because("delivery rules are plain Java, unit-tested without a broker or a network")
        .check(classes);
  }
}
