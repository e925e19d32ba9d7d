package dev.gatehouse.host;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.gatehouse.host.exit.SystemProcessExit;
import org.junit.jupiter.api.Test;

/** Structural rules the design depends on. */
class ArchitectureTest {

    private final JavaClasses host = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gatehouse.host");

    @Test
    void onlyOneClassEndsTheProcess() {
        noClasses().that().doNotHaveFullyQualifiedName(SystemProcessExit.class.getName())
                .should().callMethod(System.class, "exit", int.class)
                .orShould().callMethod(Runtime.class, "halt", int.class)
                .orShould().callMethod(Runtime.class, "exit", int.class)
                .check(host);
    }

    @Test
    void policyCodeReadsTimeOnlyThroughTheInjectedSeam() {
        noClasses().that().resideInAnyPackage("..host.supervisor..", "..host.heartbeat..", "..host.events..")
                .should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .check(host);
    }

    @Test
    void theSupervisorKnowsNothingOfPf4jOrThePluginRuntime() {
        noClasses().that().resideInAPackage("..host.supervisor..")
                .should().dependOnClassesThat().resideInAnyPackage("org.pf4j..", "..host.plugins..", "..host.connections..")
                .check(host);
    }

    /** One slice per package, the root package ({@code GatewayHost}) included. */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            return c.getPackageName().startsWith("dev.gatehouse.host") ? SliceIdentifier.of(c.getPackageName())
                    : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the host's packages";
        }
    };

    @Test
    void theHostsPackagesHaveNoCycles() {
        slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(host);
    }
}
