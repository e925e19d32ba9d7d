package dev.gatehouse.slack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.slack.api.socket_mode.SocketModeClient;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.Test;

/** Rules for the plugin's main code. */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gatehouse.slack");

    @Test
    void thePluginUsesNothingOfTheHostButTheContract() {
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.gatehouse.host..")
                .because("a plugin sees the host only through dev.gatehouse.api").check(MAIN);
    }

    @Test
    void thePluginNeverEndsTheProcessNorStartsItsOwnThreads() {
        noClasses().should().callMethod(System.class, "exit", int.class).check(MAIN);
        noClasses().should().callMethod(Thread.class, "start")
                .because("threads come from the host's GatewayExecutors").check(MAIN);
    }

    @Test
    void theJavaWebSocketBackendIsNeverChosen() {
        noClasses().should().accessField(SocketModeClient.Backend.class, "JavaWebSocket")
                .because("one ok:false from apps.connections.open kills its session monitor silently (trap C)"
                        + " and its threads are not daemons (trap H)").check(MAIN);
    }

    @Test
    void everyWebSocketIsOpenedBySlackSocketOnTheSharedTransport() {
        noClasses().that().doNotHaveSimpleName("SlackSocket").should()
                .callMethod(ClientManager.class, "createClient")
                .because("SlackSocket opens sockets on the plugin's shared Grizzly transport, without the SDK's"
                        + " session monitor").check(MAIN);
    }
}
