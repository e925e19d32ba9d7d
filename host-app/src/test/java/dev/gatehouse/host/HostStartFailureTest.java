package dev.gatehouse.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.testing.LiveThreads;
import dev.gatehouse.host.testing.PluginJars;
import dev.gatehouse.host.testing.RecordingExit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails part-way: {@code close()} (also the CLI's shutdown hook) releases what started and never throws. */
class HostStartFailureTest {

    @TempDir
    Path dir;

    // An embedding application can hand the host a policy the loader would refuse; the overflow in the first tick
    // is this test's way to fail start() after the executors and plugins exist, but before the heartbeat does.
    @Test
    void closeAfterAFailedStartReleasesItsThreadsWithoutANullPointerException() throws Exception {
        Set<Long> leftBehindByOtherTests = LiveThreads.idsOf("gatehouse-");
        Files.copy(PluginJars.testPlugin(), Files.createDirectories(dir.resolve("plugins")).resolve("loopback.jar"));
        GatehouseConfig loaded = new ConfigLoader(k -> null).parse(
                "admin:\n  enabled: false\nworkspaces:\n  acme:\n    loopback:\n      port: 9\n", "t.yaml", dir);
        HealthPolicy d = HealthPolicy.defaults();
        HealthPolicy overflowing = new HealthPolicy(Duration.ofDays(200_000), d.fastCheckInterval(), d.staleAfter(),
                d.maxReconnectAttempts(), d.backoffBase(), d.backoffCap(), d.closeTimeout(), d.openTimeout(),
                d.outageReportAfter(), d.probeTimeout(), d.flapDetection(), d.flapWindow(), d.flapDownRatio(),
                d.stormGuard(), d.stormMaxDisconnects(), d.stormWindow());
        GatewayHost host = GatewayHost.builder().config(loaded.withHealth(overflowing)).processExit(new RecordingExit()).build();

        assertThatThrownBy(host::start).isInstanceOf(ArithmeticException.class);
        host.close();
        host.close();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Set<Thread> left = LiveThreads.namedSince(leftBehindByOtherTests, "gatehouse-");
            assertThat(left).as(() -> "threads the failed start left running:\n" + LiveThreads.describe(left)).isEmpty();
        });
    }
}
