package dev.gatehouse.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
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

    // An invalid PF4J mode (an operator's JAVA_OPTS) fails start() after the executors exist but before the
    // plugins, the connections and the heartbeat do.
    @Test
    void closeAfterAFailedStartReleasesItsThreadsWithoutANullPointerException() throws Exception {
        Set<Long> leftBehindByOtherTests = LiveThreads.idsOf("gatehouse-");
        Files.copy(PluginJars.testPlugin(), Files.createDirectories(dir.resolve("plugins")).resolve("loopback.jar"));
        GatehouseConfig loaded = new ConfigLoader(k -> null).parse(
                "admin:\n  enabled: false\nworkspaces:\n  acme:\n    loopback:\n      port: 9\n", "t.yaml", dir);
        GatewayHost host = GatewayHost.builder().config(loaded).processExit(new RecordingExit()).build();

        String mode = System.getProperty("pf4j.mode");
        System.setProperty("pf4j.mode", "bogus");
        try {
            assertThatThrownBy(host::start).isInstanceOf(RuntimeException.class);
        } finally {
            if (mode == null) {
                System.clearProperty("pf4j.mode");
            } else {
                System.setProperty("pf4j.mode", mode);
            }
        }
        host.close();
        host.close();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Set<Thread> left = LiveThreads.namedSince(leftBehindByOtherTests, "gatehouse-");
            assertThat(left).as(() -> "threads the failed start left running:\n" + LiveThreads.describe(left)).isEmpty();
        });
    }
}
