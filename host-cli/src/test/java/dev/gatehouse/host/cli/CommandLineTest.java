package dev.gatehouse.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.testing.PluginJars;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {

    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void plugins() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        PluginJars.variant(plugins.resolve("noindex.jar"), Map.of("Plugin-Id", "noindex"), Set.of("META-INF/extensions.idx"), false);
    }

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private Path config(String yaml) throws Exception {
        return Files.writeString(dir.resolve("gatehouse.yaml"), yaml);
    }

    @Test
    void validateAcceptsAGoodConfiguration() throws Exception {
        Files.delete(dir.resolve("plugins/noindex.jar"));
        Path c = config("workspaces:\n  acme:\n    loopback:\n      port: 4000\n  beta:\n    loopback:\n      enabled: false\n      port: 4001\n");
        assertThat(run("validate", "--config", c.toString())).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("is valid: 2 workspace(s), 2 connection(s), 1 enabled");
    }

    @Test
    void validateListsSchemaAndPluginSettingProblemsWithExit78() throws Exception {
        Path c = config("workspaces:\n  acme:\n    loopback:\n      port: 99999\n  zed:\n    teams: {}\n");
        assertThat(run("validate", "-c", c.toString())).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(err.toString())
                .contains("workspaces.acme.loopback.port: expected the loopback server's TCP port")
                .contains("workspaces.zed.teams: no plugin in")
                .contains("plugin noindex.jar: has no META-INF/extensions.idx");
        Path bad = config("health:\n  staleAfter: forever\n");
        assertThat(run("validate", "-c", bad.toString())).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(err.toString()).contains("health.staleAfter: 'forever' is not a duration");
    }

    @Test
    void pluginsListsIdVersionStateAndPlatformsOrTheReason() throws Exception {
        Path c = config("workspaces: {}\n");
        assertThat(run("plugins", "-c", c.toString())).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).containsPattern("loopback-gateway\\s+1\\.0\\.0\\s+STARTED\\s+loopback\\s+loopback\\.jar")
                .containsPattern("noindex\\s+1\\.0\\.0\\s+REJECTED\\s+-\\s+noindex\\.jar: .*has no META-INF/extensions\\.idx");
    }

    @Test
    void aMissingConfigOptionIsAUsageError() {
        assertThat(run("run")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("Missing required option: '--config=FILE'");
    }
}
