package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.Version;
import dev.gatehouse.host.plugins.PluginJar;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped plugins are compiled against this build's plugin API and use all of it (the Slack and
 * Discord plugins implement {@code history()}, new in 1.2.0). A host one minor version older must refuse
 * them at load, naming the API they need — not load them and fail every connection attempt with a
 * {@code NoClassDefFoundError}, as it did while their {@code Plugin-Requires} still said {@code >=1.0.0}.
 */
class ShippedPluginsRequireTheirApiTest {

    @TempDir
    Path dir;

    @Test
    void aHostOneMinorVersionOlderRefusesEachShippedPluginByNameAndThisHostLoadsIt() throws Exception {
        List<Path> shipped;
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("gatehouse.dist")).resolve("plugins"))) {
            shipped = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        assertThat(shipped).hasSizeGreaterThanOrEqualTo(2);
        String[] v = Version.API.split("\\.");
        assertThat(Integer.parseInt(v[1])).as("this check needs a minor version above 0").isPositive();
        String older = v[0] + "." + (Integer.parseInt(v[1]) - 1) + ".0";
        for (Path jar : shipped) {
            Path folder = Files.createDirectories(dir.resolve(jar.getFileName().toString() + ".d"));
            Files.copy(jar, folder.resolve(jar.getFileName()));
            PluginJar inspected = PluginJar.inspect(folder.resolve(jar.getFileName()));

            PluginRuntime old = new PluginRuntime(folder, older, Duration.ofSeconds(10), Duration.ofSeconds(10));
            try {
                assertThat(old.requiresSatisfied(inspected)).as(jar + " on a host at " + older).isFalse();
                List<PluginStatus> statuses = old.loadAll();
                assertThat(statuses).singleElement().satisfies(st -> {
                    assertThat(st.state()).isEqualTo("REJECTED");
                    assertThat(st.problem()).contains("requires host API '>=" + Version.API)
                            .contains("this host implements " + older);
                });
            } finally {
                old.close();
            }

            PluginRuntime current = new PluginRuntime(folder, Version.API, Duration.ofSeconds(10), Duration.ofSeconds(10));
            try {
                assertThat(current.loadAll()).singleElement()
                        .satisfies(st -> assertThat(st.state()).as(st.problem()).isEqualTo("STARTED"));
            } finally {
                current.close();
            }
        }
    }
}
