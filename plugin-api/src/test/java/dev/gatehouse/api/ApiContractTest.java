package dev.gatehouse.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The API is a contract with code we don't control: small dependency surface, no static state. */
class ApiContractTest {

    private final JavaClasses api = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gatehouse.api");

    @Test
    void dependsOnlyOnTheJdkPf4jAndSlf4j() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.pf4j..", "org.slf4j..", "dev.gatehouse.api..")
                .check(api);
    }

    @Test
    void holdsNoMutableStaticState() {
        fields().that().areStatic().should().beFinal().check(api);
        fields().that().areStatic().and().doNotHaveName("serialVersionUID")
                .should().haveRawType(java.util.regex.Pattern.class)
                .because("the only static field allowed is a compiled constant pattern")
                .check(api);
    }

    @Test
    void everyPublicTypeIsInterfaceRecordOrFinalOrException() {
        classes().that().arePublic().and().areNotInterfaces().and().areNotRecords()
                .and().areNotAssignableTo(RuntimeException.class)
                .should().haveModifier(JavaModifier.FINAL)
                .check(api);
    }
}
