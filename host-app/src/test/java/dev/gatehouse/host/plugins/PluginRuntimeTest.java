package dev.gatehouse.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.Version;
import dev.gatehouse.host.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime over real PF4J and the real test plugin jar, below the reloader's checks. */
class PluginRuntimeTest {

    @TempDir
    Path dir;
    private PluginRuntime runtime;

    @BeforeEach
    void setUp() {
        runtime = new PluginRuntime(dir, Version.API, Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    @Test
    void aLoadThatFailsInsidePf4jLeavesNothingRegisteredThere() throws Exception {
        // Past the host's own checks (which refuse Plugin-Dependencies): PF4J registers the plugin, then
        // throws while resolving it. Whatever it registered must go, or it poisons every later load.
        Path junk = PluginJars.variant(dir.resolve("junk.jar"), Map.of("Plugin-Id", "junk",
                "Plugin-Dependencies", "missing-plugin"), Set.of(), false);
        PluginStatus failed = runtime.load(new PluginJar(junk, "junk", "1.0.0", null, false));
        assertThat(failed.state()).isEqualTo("REJECTED");
        assertThat(failed.problem()).contains("missing-plugin");

        Path good = Files.copy(PluginJars.testPlugin(), dir.resolve("loopback.jar"));
        assertThat(runtime.load(PluginJar.inspect(good)).state()).isEqualTo("STARTED");
        runtime.unload("loopback-gateway");
        assertThat(runtime.load(PluginJar.inspect(good)).state()).as("loads again after an unload").isEqualTo("STARTED");
        assertThat(runtime.gateway("loopback")).isPresent();
    }

    @Test
    void aStartThatHangsIsRefusedAfterItsBoundAndReadersNeverWaitForIt() throws Exception {
        Path hanging = PluginJars.variant(dir.resolve("hanging.jar"), Map.of("Plugin-Id", "hanging",
                "Plugin-Class", "dev.gatehouse.testplugin.HangingStartPlugin"), Set.of(), false);
        Thread loader = new Thread(() -> {
            try {
                runtime.load(PluginJar.inspect(hanging));
            } catch (PluginJar.InvalidJarException e) {
                throw new IllegalStateException(e);
            }
        });
        long t0 = System.nanoTime();
        loader.start();
        while (loader.isAlive()) {
            long s = System.nanoTime();
            runtime.statuses();
            runtime.gateway("loopback");
            assertThat(Duration.ofNanos(System.nanoTime() - s)).as("readers never wait for plugin code")
                    .isLessThan(Duration.ofMillis(200));
            loader.join(50);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        PluginStatus s = runtime.statuses().stream().filter(p -> p.id().equals("hanging")).findFirst().orElseThrow();
        assertThat(s.state()).isEqualTo("REJECTED");
        assertThat(s.problem()).contains("start() did not return within 2000 ms");
        assertThat(runtime.gateway("loopback")).isEmpty();
    }
}
