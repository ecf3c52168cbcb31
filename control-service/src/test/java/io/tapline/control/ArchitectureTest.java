package io.tapline.control;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The domain stays plain Java: no Kafka, Micronaut, Micrometer, Vert.x or generated Avro types. */
class ArchitectureTest {

  private final JavaClasses classes = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.tapline.control");

  @Test
  void domainImportsNoFrameworkOrContractType() {
    noClasses().that().resideInAPackage("io.tapline.control.domain..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.micronaut..", "io.micrometer..",
            "io.vertx..", "io.tapline.schemas..", "org.apache.avro..")
        .check(classes);
  }
}
