package dev.gatehouse.host.reload;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Swaps, watches and leak checks wait and measure only through the injected ticker and scheduler. */
class ReloadTimeSeamTest {

    private final JavaClasses reload = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gatehouse.host.reload");

    @Test
    void noClassOfReloadReadsTheClockOrSleeps() {
        noClasses().should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.Clock.class, "systemUTC")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(java.util.concurrent.TimeUnit.class, "sleep", long.class)
                .check(reload);
    }
}
