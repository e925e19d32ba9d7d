package dev.gatehouse.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the kit, as a plugin author's build would, against gateways with one deliberate defect each and
 * checks that exactly the rule that defect breaks fails, with a message naming the rule and the fix.
 */
class KitCatchesBrokenPluginsTest {

    /** The kit against one flawed {@link LineGateway}. Nested, so that surefire never runs it by itself. */
    abstract static class FlawedKit extends GatewayConformanceTest {
        abstract LineGateway.Flaw flaw();

        @Override
        protected PluginSource plugin() {
            return PluginSource.gateway(ctx -> new LineGateway(flaw()));
        }

        @Override
        protected TransportControl openTransport() throws Exception {
            return new LineServer();
        }

        // Shorter than the kit's defaults, since each flaw makes its rule wait the whole bound, yet long enough
        // on a loaded machine that no rule other than the one under test can time out (the tests assert the
        // exact set of failed rules).
        @Override
        protected Duration signalBound() {
            return Duration.ofSeconds(5);
        }

        @Override
        protected Duration closeTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        protected Duration quietPeriod() {
            return Duration.ofMillis(500);
        }
    }

    static class NeverMarksDisconnected extends FlawedKit {
        @Override
        LineGateway.Flaw flaw() {
            return LineGateway.Flaw.NEVER_MARKS_DISCONNECTED;
        }
    }

    static class AcksBeforeStageCompletes extends FlawedKit {
        @Override
        LineGateway.Flaw flaw() {
            return LineGateway.Flaw.ACKS_BEFORE_STAGE_COMPLETES;
        }
    }

    static class LeaksAThread extends FlawedKit {
        @Override
        LineGateway.Flaw flaw() {
            return LineGateway.Flaw.LEAKS_A_THREAD;
        }
    }

    static class SecretInCause extends FlawedKit {
        @Override
        LineGateway.Flaw flaw() {
            return LineGateway.Flaw.SECRET_IN_CAUSE;
        }
    }

    /** The flawed gateway packed in a plugin jar and loaded through PF4J, as the kit loads real plugins. */
    static class KeepsItselfInAJvmRegistry extends FlawedKit {
        static Path jar;

        @Override
        LineGateway.Flaw flaw() {
            return LineGateway.Flaw.KEEPS_ITSELF_IN_A_JVM_REGISTRY;
        }

        @Override
        protected PluginSource plugin() {
            return PluginSource.jar(jar);
        }

        @Override
        protected TransportControl openTransport() throws Exception {
            return new LineServer(flaw());
        }

        @Override
        protected Duration unloadBound() {
            return Duration.ofSeconds(3);
        }
    }

    /** Display name of each failed test to its failure message; passed, skipped and aborted ones are left out. */
    private static Map<String, String> failures(Class<?> kit) {
        Map<String, String> failed = new ConcurrentHashMap<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit)).build(),
                new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (id.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                            failed.put(id.getDisplayName(), result.getThrowable().map(Throwable::getMessage).orElse(""));
                        }
                    }
                });
        return new TreeMap<>(failed);
    }

    @Test
    void aGatewayThatNeverMarksDisconnectedFailsTheLossRules() {
        Map<String, String> failed = failures(NeverMarksDisconnected.class);
        // The revoked-handle and secrets checks start from a reported loss too, so they cannot pass either.
        assertThat(failed).containsOnlyKeys("markDisconnected once per socket loss", "nothing through a revoked handle",
                "secrets absent from every message");
        assertThat(failed.get("markDisconnected once per socket loss"))
                .startsWith("Rule 'markDisconnected once per socket loss' broken")
                .contains("no markDisconnected within 5000 ms of the server dropping the socket")
                .contains("Fix: hook the library's close/failure callback");
    }

    @Test
    void aGatewayThatAcknowledgesBeforeTheStageCompletesFailsTheAckRule() {
        Map<String, String> failed = failures(AcksBeforeStageCompletes.class);
        assertThat(failed).containsOnlyKeys("no event acknowledged before the sink's stage completes");
        assertThat(failed.values().iterator().next())
                .startsWith("Rule 'no event acknowledged before the sink's stage completes' broken")
                .contains("was acknowledged while the sink's stage was still pending")
                .contains("Fix: acknowledge in deliver(event).whenComplete");
    }

    @Test
    void aGatewayThatLeavesAThreadBehindFailsTheThreadRule() {
        Map<String, String> failed = failures(LeaksAThread.class);
        assertThat(failed).containsOnlyKeys("no thread leak after close");
        assertThat(failed.values().iterator().next()).startsWith("Rule 'no thread leak after close' broken")
                .contains("'line-gateway-stray' (WAITING");
    }

    @Test
    void aPluginThatKeepsItselfInAJvmRegistryFailsTheClassLoaderRule(@TempDir Path dir) throws Exception {
        KeepsItselfInAJvmRegistry.jar = LinePluginJar.build(dir);
        try {
            Map<String, String> failed = failures(KeepsItselfInAJvmRegistry.class);
            assertThat(failed).containsOnlyKeys("no class-loader leak after unload");
            assertThat(failed.values().iterator().next()).startsWith("Rule 'no class-loader leak after unload' broken")
                    .contains("the plugin's class loader is still reachable 3000 ms after close, stop and unload");
        } finally {
            System.getProperties().remove(LineGateway.REGISTRY_KEY);
        }
    }

    @Test
    void theSameGatewayWithoutTheFlawPassesEveryRuleFromItsJar(@TempDir Path dir) throws Exception {
        KeepsItselfInAJvmRegistry.jar = LinePluginJar.build(dir);
        assertThat(failures(ConformingJar.class)).isEmpty();
    }

    /** The jar-loaded gateway without a flaw: the class-loader check passes when nothing holds the plugin. */
    static class ConformingJar extends KeepsItselfInAJvmRegistry {
        @Override
        LineGateway.Flaw flaw() {
            return LineGateway.Flaw.NONE;
        }

        @Override
        protected Duration unloadBound() {
            return Duration.ofSeconds(10); // a passing wait returns as soon as the loader is collected
        }
    }

    @Test
    void aGatewayThatPutsItsSecretInACauseFailsTheSecretsRuleWithoutShowingIt() {
        Map<String, String> failed = failures(SecretInCause.class);
        assertThat(failed).containsOnlyKeys("secrets absent from every message");
        assertThat(failed.values().iterator().next()).startsWith("Rule 'secrets absent from every message' broken")
                .contains("health signal DISCONNECTED shows the value of 'secret': socket lost (secret ****)")
                .doesNotContain(LineServer.SECRET);
    }
}
