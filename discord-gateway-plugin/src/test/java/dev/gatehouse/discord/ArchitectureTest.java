package dev.gatehouse.discord;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The plugin talks to the host through the plugin API only, makes no threads of its own and never exits. */
class ArchitectureTest {

    private static final JavaClasses PLUGIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gatehouse.discord");

    @Test
    void mainCodeUsesNothingOfTheHost() {
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.gatehouse.host..")
                .because("a plugin sees the host only through dev.gatehouse.api")
                .check(PLUGIN);
    }

    @Test
    void threadsComeFromTheHostsExecutorsOnly() {
        noClasses().should().callConstructorWhere(target(owner(assignableTo(Thread.class))))
                .orShould().callMethodWhere(target(owner(type(Executors.class))))
                .because("threads must be the host's: named, tracked and shut down with the connection")
                .check(PLUGIN);
    }

    @Test
    void nothingEndsTheProcess() {
        noClasses().should().callMethod(System.class, "exit", int.class)
                .orShould().callMethod(Runtime.class, "halt", int.class)
                .check(PLUGIN);
    }
}
