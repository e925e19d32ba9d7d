package dev.gatehouse.host.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.api.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's configuration table says what the loader does: every bounded key, its default and its range. */
class ConfigDocsTest {

    private static final Path README = Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| (.+?) \\| (.+?) \\|$", Pattern.MULTILINE);

    /** Each bounded key's default as the loader fills it in for a file that leaves it out. */
    private static final Map<String, Function<GatehouseConfig, Object>> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("plugins.quietPeriod", GatehouseConfig::pluginQuietPeriod);
        DEFAULTS.put("plugins.leakCheckTimeout", GatehouseConfig::leakCheckTimeout);
        DEFAULTS.put("heartbeat.interval", GatehouseConfig::heartbeatInterval);
        DEFAULTS.put("health.checkInterval", c -> c.health().checkInterval());
        DEFAULTS.put("health.fastCheckInterval", c -> c.health().fastCheckInterval());
        DEFAULTS.put("health.staleAfter", c -> c.health().staleAfter());
        DEFAULTS.put("health.maxReconnectAttempts", c -> (long) c.health().maxReconnectAttempts());
        DEFAULTS.put("health.backoffBase", c -> c.health().backoffBase());
        DEFAULTS.put("health.backoffCap", c -> c.health().backoffCap());
        DEFAULTS.put("health.closeTimeout", c -> c.health().closeTimeout());
        DEFAULTS.put("health.openTimeout", c -> c.health().openTimeout());
        DEFAULTS.put("health.outageReportAfter", c -> c.health().outageReportAfter());
        DEFAULTS.put("health.probeTimeout", c -> c.health().probeTimeout());
        DEFAULTS.put("health.flapDetection.window", c -> c.health().flapWindow());
        DEFAULTS.put("health.stormGuard.maxDisconnects", c -> (long) c.health().stormMaxDisconnects());
        DEFAULTS.put("health.stormGuard.window", c -> c.health().stormWindow());
        DEFAULTS.put("cluster.sessionTimeout", c -> c.cluster().map(ClusterSettings::sessionTimeout)
                .orElse(ClusterSettings.DEFAULT_SESSION_TIMEOUT));
    }

    private static final Map<String, String[]> rows = new LinkedHashMap<>();

    @BeforeAll
    static void readTheTable() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf("\n## Configuration\n");
        int end = readme.indexOf("\n## ", start + 1);
        Matcher m = ROW.matcher(readme.substring(start, end));
        while (m.find()) {
            rows.put(m.group(1), new String[] {m.group(2), m.group(3)});
        }
    }

    @Test
    void everyBoundedKeyHasARowWithItsDefaultAndItsRange(@TempDir Path dir) throws Exception {
        GatehouseConfig defaults = new ConfigLoader(k -> null).parse("workspaces: {}\n", "t.yaml", dir);
        Set<String> bounded = new HashSet<>(ConfigLimits.DURATIONS.keySet());
        bounded.addAll(ConfigLimits.COUNTS.keySet());
        assertThat(DEFAULTS.keySet()).as("this test knows every bounded key's default").isEqualTo(bounded);
        ConfigLimits.DURATIONS.forEach((key, span) -> {
            assertThat(rows).as("README row for " + key).containsKey(key);
            String[] row = rows.get(key);
            assertThat(Durations.parse(row[0].replace("`", ""))).as(key + " default").isEqualTo(DEFAULTS.get(key).apply(defaults));
            assertThat(row[1]).as(key + " range").startsWith(span.toString());
        });
        ConfigLimits.COUNTS.forEach((key, range) -> {
            assertThat(rows).as("README row for " + key).containsKey(key);
            String[] row = rows.get(key);
            assertThat(Long.parseLong(row[0].replace("`", ""))).as(key + " default").isEqualTo(DEFAULTS.get(key).apply(defaults));
            assertThat(row[1]).as(key + " range").startsWith(range.toString());
        });
    }

    @Test
    void theUnboundedKeysAndTheFileLimitsAreDocumentedToo() throws Exception {
        assertThat(rows).containsKeys("plugins.dir", "heartbeat.file", "admin.enabled", "admin.listen", "admin.token",
                "health.flapDetection.enabled", "health.flapDetection.downRatio", "health.stormGuard.enabled");
        assertThat(rows.get("admin.listen")[1]).contains("0 to 65535").contains("admin.token");
        assertThat(Files.readString(README)).contains("at most " + ConfigLimits.MAX_FILE_BYTES / (1024 * 1024) + " MiB")
                .contains("at most " + ConfigLimits.MAX_NESTING + " levels of nesting").contains("no YAML anchors or aliases");
    }
}
