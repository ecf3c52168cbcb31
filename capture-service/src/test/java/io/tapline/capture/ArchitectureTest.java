package io.tapline.capture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The capture domain is plain Java: no Kafka, Vert.x, Micrometer, Micronaut or generated Avro types. */
class ArchitectureTest {

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.tapline.capture");

  @Test
  void domainImportsNoInfrastructure() {
    noClasses().that().resideInAPackage("io.tapline.capture.domain..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.vertx..", "io.micrometer..",
            "io.micronaut..", "org.apache.avro..", "io.tapline.schemas..", "io.tapline.runtime..")
        .check(CLASSES);
  }

  @Test
  void adaptersDoNotReachIntoTheCompositionRoot() {
    noClasses().that().resideInAPackage("io.tapline.capture.kafka..")
        .should().dependOnClassesThat().haveSimpleName("CaptureMain")
        .check(CLASSES);
  }
}
