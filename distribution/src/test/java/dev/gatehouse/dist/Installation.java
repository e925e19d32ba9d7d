package dev.gatehouse.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The archive unpacked with the real {@code tar} and installed as the README says, with one change: the
 * state folder {@code /var/lib/gatehouse} is a temporary folder, rewritten in {@code conf/gatehouse.yaml}
 * and nowhere else. The plugin jars are copied into the configuration's plugins folder (the install step).
 */
final class Installation {

    static final String STATE_DIR = "/var/lib/gatehouse";
    static final String INSTALL_DIR = "/opt/gatehouse";
    static final String CONFIG_DIR = "/etc/gatehouse";

    /** The unpacked {@code gatehouse-<version>/}, standing for /opt/gatehouse. */
    final Path home;
    /** Standing for /var/lib/gatehouse. */
    final Path state;
    /** conf/gatehouse.yaml as shipped, before the state folder was rewritten. */
    final String shippedConfig;

    private Installation(Path home, Path state, String shippedConfig) {
        this.home = home;
        this.state = state;
        this.shippedConfig = shippedConfig;
    }

    static Path archive() {
        return Path.of(System.getProperty("gatehouse.archive"));
    }

    static String version() {
        return System.getProperty("gatehouse.version");
    }

    static Installation unpack(Path into) throws Exception {
        Path unpacked = Files.createDirectories(into.resolve("unpacked"));
        Processes.Result tar = Processes.run(List.of("tar", "-xzf", archive().toString(), "-C", unpacked.toString()),
                into, Map.of("PATH", System.getenv("PATH")), Duration.ofSeconds(120));
        assertThat(tar.exitCode()).as(tar.output()).isZero();
        try (Stream<Path> top = Files.list(unpacked)) {
            assertThat(top.map(p -> p.getFileName().toString())).as("one top folder").containsExactly("gatehouse-" + version());
        }
        Path home = unpacked.resolve("gatehouse-" + version());
        Path state = Files.createDirectories(into.resolve("state"));
        Path conf = home.resolve("conf/gatehouse.yaml");
        String shipped = Files.readString(conf);
        Files.writeString(conf, shipped.replace(STATE_DIR, state.toString()));

        Path plugins = Files.createDirectories(state.resolve("plugins"));
        try (Stream<Path> jars = Files.list(home.resolve("plugins"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
        return new Installation(home, state, shipped);
    }

    Path conf() {
        return home.resolve("conf/gatehouse.yaml");
    }

    /** Where an absolute path of the shipped files lands in this installation. */
    Path map(String shippedPath) {
        if (shippedPath.startsWith(INSTALL_DIR)) {
            return Path.of(home + shippedPath.substring(INSTALL_DIR.length()));
        }
        if (shippedPath.startsWith(STATE_DIR)) {
            return Path.of(state + shippedPath.substring(STATE_DIR.length()));
        }
        throw new IllegalArgumentException(shippedPath + " is neither under " + INSTALL_DIR + " nor under " + STATE_DIR);
    }

    /**
     * An environment with only what the launcher needs: PATH, and the variables the configuration reads
     * without a default set to dummy values of the right shape.
     */
    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("GATEHOUSE_ADMIN_TOKEN", "archive-test-admin-token");
        env.put("SLACK_APP_TOKEN", "xapp-1-A000-archive-test");
        env.put("SLACK_BOT_TOKEN", "xoxb-000-archive-test");
        env.put("DISCORD_TOKEN", "archive-test-discord-token");
        return env;
    }

    /** The JVM running this test, for the launcher to find through JAVA_HOME or PATH. */
    static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }
}
