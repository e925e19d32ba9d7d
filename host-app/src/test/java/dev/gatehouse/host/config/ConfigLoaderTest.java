package dev.gatehouse.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.api.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String APP_TOKEN = "xapp-1-A111-222-abcdefabcdef";
    private static final String BOT_TOKEN = "xoxb-111-222-secretsecret";
    private static final Map<String, String> ENV = Map.of(
            "SLACK_APP_TOKEN", APP_TOKEN, "SLACK_BOT_TOKEN", BOT_TOKEN, "DISCORD_TOKEN", "discord.secret.token");

    private final ConfigLoader loader = new ConfigLoader(ENV::get);
    @TempDir
    Path dir;

    private GatehouseConfig parse(String yaml) throws ConfigException {
        return loader.parse(yaml, "test.yaml", dir);
    }

    private void assertInvalid(String yaml, String... messageParts) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    for (String part : messageParts) {
                        assertThat(e.getMessage()).contains(part);
                    }
                    assertThat(e.getMessage()).doesNotContain(APP_TOKEN).doesNotContain(BOT_TOKEN);
                });
    }

    static final String EXAMPLE = """
            plugins:
              dir: plugins
            heartbeat:
              file: run/gatehouse.alive
            health:
              checkInterval: 60s
              fastCheckInterval: 10s
              staleAfter: 180s
              maxReconnectAttempts: 6
              backoffBase: 10s
              backoffCap: 300s
              closeTimeout: 30s
              outageReportAfter: 10m
            workspaces:
              acme:
                slack:
                  enabled: true
                  appToken: ${SLACK_APP_TOKEN}
                  botToken: ${SLACK_BOT_TOKEN}
              gamers:
                discord:
                  token: ${DISCORD_TOKEN}
            """;

    @Test
    void theDocumentedExampleLoadsWithEnvironmentSubstitution() throws Exception {
        GatehouseConfig c = parse(EXAMPLE);
        assertThat(c.pluginsDir()).isEqualTo(dir.resolve("plugins"));
        assertThat(c.heartbeatFile()).contains(dir.resolve("run/gatehouse.alive"));
        assertThat(c.health()).isEqualTo(HealthPolicy.defaults());
        assertThat(c.workspaces()).containsOnlyKeys("acme", "gamers");
        PlatformSettings slack = c.workspaces().get("acme").get(0);
        assertThat(slack.platform()).isEqualTo("slack");
        assertThat(slack.enabled()).isTrue();
        assertThat(slack.toGatewaySettings().string("appToken")).isEqualTo(APP_TOKEN);
        assertThat(slack.values()).doesNotContainKey("enabled");
        assertThat(c.workspaces().get("gamers").get(0).enabled()).as("enabled defaults to true").isTrue();
        assertThat(c.secrets()).contains(APP_TOKEN, BOT_TOKEN, "discord.secret.token");
    }

    @Test
    void toStringNeverShowsASecret() throws Exception {
        GatehouseConfig c = parse(EXAMPLE + "admin:\n  token: admintokenvalue\n");
        assertThat(c.toString()).doesNotContain(APP_TOKEN).doesNotContain(BOT_TOKEN)
                .doesNotContain("discord.secret.token").doesNotContain("admintokenvalue").contains("appToken");
        assertThat(c.secrets()).contains("admintokenvalue");
    }

    @Test
    void defaultsApplyToAnEmptySectionList() throws Exception {
        GatehouseConfig c = parse("workspaces: {}\n");
        assertThat(c.pluginsDir()).isEqualTo(dir.resolve("plugins"));
        assertThat(c.heartbeatFile()).isEmpty();
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.admin().port()).isEqualTo(8686);
        assertThat(c.admin().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertInvalid("plugins:\n  dir: [unclosed\n", "not valid YAML at line");
    }

    @Test
    void anEmptyFileIsRejected() {
        assertInvalid("", "the file is empty");
    }

    @Test
    void unknownKeysAreRejectedWithASuggestion() {
        assertInvalid("health:\n  staleAftr: 10s\n", "health.staleAftr: unknown key; did you mean 'staleAfter'?");
        assertInvalid("heartbeet:\n  file: x\n", "heartbeet: unknown key", "known keys here: admin, backfill, cluster, health, heartbeat");
    }

    @Test
    void duplicateKeysAreRejected() {
        assertInvalid("health:\n  staleAfter: 10s\n  staleAfter: 20s\n", "Duplicate field 'staleAfter'");
    }

    @Test
    void malformedDurationsNameTheKeyAndTheSyntax() {
        assertInvalid("health:\n  staleAfter: 3 minutes\n", "health.staleAfter: '3 minutes' is not a duration",
                "e.g. 500ms, 10s, 5m");
        assertInvalid("health:\n  closeTimeout: 0s\n", "health.closeTimeout: 0s is out of range 1ms to 30d");
    }

    @Test
    void malformedNumbersAndBooleansNameTheKey() {
        assertInvalid("health:\n  maxReconnectAttempts: six\n", "health.maxReconnectAttempts: expected a whole number");
        assertInvalid("health:\n  maxReconnectAttempts: 0\n", "health.maxReconnectAttempts: 0 is out of range 1 to 10000");
        assertInvalid("health:\n  flapDetection:\n    enabled: maybe\n", "health.flapDetection.enabled: expected true or false");
        assertInvalid("health:\n  flapDetection:\n    downRatio: 1.5\n", "health.flapDetection.downRatio: must be greater than 0");
    }

    @Test
    void inconsistentBackoffIsRejected() {
        assertInvalid("health:\n  backoffBase: 10m\n  backoffCap: 5m\n", "health.backoffBase: 10m is larger than health.backoffCap (5m)");
    }

    @Test
    void aMissingEnvironmentVariableNamesTheVariableAndTheKey() {
        assertInvalid("workspaces:\n  acme:\n    slack:\n      appToken: ${NOT_SET_ANYWHERE}\n",
                "workspaces.acme.slack.appToken: environment variable NOT_SET_ANYWHERE is not set");
    }

    @Test
    void anEnvironmentDefaultIsUsedWhenTheVariableIsUnset() throws Exception {
        GatehouseConfig c = parse("workspaces:\n  acme:\n    slack:\n      apiUrl: ${API_URL:-http://127.0.0.1:9/api/}\n");
        assertThat(c.workspaces().get("acme").get(0).values()).containsEntry("apiUrl", "http://127.0.0.1:9/api/");
    }

    @Test
    void badWorkspaceShapesAreRejected() {
        assertInvalid("workspaces:\n  acme: {}\n", "workspaces.acme: expected at least one platform");
        assertInvalid("workspaces:\n  acme:\n    slack: yes\n", "workspaces.acme.slack: expected the platform's settings as a mapping");
        assertInvalid("workspaces:\n  'ac me':\n    slack: {}\n", "workspaces.ac me: workspace ids may hold");
        assertInvalid("workspaces:\n  acme:\n    slack:\n      enabled: perhaps\n", "workspaces.acme.slack.enabled: expected true or false");
        assertInvalid("workspaces: [a, b]\n", "workspaces: expected a mapping");
    }

    @Test
    void aBadAdminListenAddressIsRejected() {
        assertInvalid("admin:\n  listen: localhost\n", "admin.listen: 'localhost' is not host:port");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> parse("health:\n  staleAfter: x\n  checkInterval: y\nplugin: {}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3));
    }

    @Test
    void aMissingFileSaysSo() {
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml"))).hasMessageContaining("file not found");
    }

    @Test
    void relativePathsResolveAgainstTheFilesFolder() throws Exception {
        Path file = dir.resolve("conf/gatehouse.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "plugins:\n  dir: ../plugins\nheartbeat:\n  file: /tmp/abs.alive\n");
        GatehouseConfig c = loader.load(file);
        assertThat(c.pluginsDir()).isEqualTo(dir.resolve("plugins").toAbsolutePath());
        assertThat(c.heartbeatFile()).contains(Path.of("/tmp/abs.alive"));
    }

    /** Every bounded duration key with a value in YAML nesting, e.g. "health.stormGuard.window" as nested mappings. */
    private static String nested(String path, String value) {
        String[] parts = path.split("\\.");
        StringBuilder y = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            y.append("  ".repeat(i)).append(parts[i]).append(':').append(i == parts.length - 1 ? " " + value : "").append('\n');
        }
        return y.toString();
    }

    @Test
    void everyDurationOutsideItsRangeNamesTheKeyTheValueTheRangeAndTheDefault() {
        ConfigLimits.DURATIONS.forEach((path, span) -> {
            Duration below = span.min().minusMillis(1);
            assertInvalid(nested(path, Durations.format(below)), path + ": " + Durations.format(below) + " is out of range "
                    + span + ";", "or remove the key for the default");
            assertInvalid(nested(path, "31d"), path + ": 31d is out of range " + span + ";");
        });
    }

    @Test
    void everyDurationAtTheEdgesOfItsRangeLoads() throws Exception {
        for (var e : ConfigLimits.DURATIONS.entrySet()) {
            // the base may not exceed the cap: move the other one along where the default would be in the way
            String other = e.getKey().equals("health.backoffCap") ? "health:\n  backoffBase: 100ms\n"
                    : e.getKey().equals("health.backoffBase") ? "health:\n  backoffCap: 30d\n" : "";
            for (String value : List.of(Durations.format(e.getValue().min()), Durations.format(e.getValue().max()))) {
                String yaml = e.getKey().startsWith("cluster.")
                        ? "cluster:\n  zookeeper: zk:2181\n  hostId: a\n  " + e.getKey().substring("cluster.".length()) + ": " + value + "\n"
                        : other.isEmpty() ? nested(e.getKey(), value)
                        : other + "  " + e.getKey().substring("health.".length()) + ": " + value + "\n";
                assertThat(parse(yaml)).as(yaml).isNotNull();
            }
        }
        assertThat(parse("health:\n  checkInterval: 100ms\n  probeTimeout: 1ms\n").health().probeTimeout())
                .isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void countsOutsideTheirRangeNameTheRange() {
        assertInvalid("health:\n  maxReconnectAttempts: 10001\n", "health.maxReconnectAttempts: 10001 is out of range 1 to 10000");
        assertInvalid("health:\n  maxReconnectAttempts: 99999999999\n", "health.maxReconnectAttempts: 99999999999 is out of range 1 to 10000");
        assertInvalid("health:\n  stormGuard:\n    maxDisconnects: 0\n", "health.stormGuard.maxDisconnects: 0 is out of range 1 to 10000");
        assertInvalid("admin:\n  listen: 127.0.0.1:70000\n", "admin.listen: port 70000 is out of range 0 to 65535");
    }

    @Test
    void everyOutOfRangeValueIsReportedAtOnce() {
        assertThatThrownBy(() -> parse("heartbeat:\n  interval: 0s\nhealth:\n  checkInterval: 200000d\n"
                + "  fastCheckInterval: 10ms\n  maxReconnectAttempts: 0\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4));
    }

    /** A valid configuration of exactly {@code size} bytes, padded with short comment lines (one long line parses slowly). */
    private static String yamlOfSize(int size) {
        StringBuilder y = new StringBuilder("workspaces: {}\n");
        while (size - y.length() >= 64) {
            y.append('#').append("x".repeat(62)).append('\n');
        }
        int rest = size - y.length();
        y.append(rest >= 2 ? "#" + "x".repeat(rest - 2) + "\n" : "\n".repeat(rest));
        return y.toString();
    }

    @Test
    void aFileLargerThanOneMebibyteIsRefusedWithItsSizeAndTheLimit() throws Exception {
        Path big = Files.writeString(dir.resolve("big.yaml"), yamlOfSize(1024 * 1024 + 1));
        assertThat(Files.size(big)).isEqualTo(1024 * 1024 + 1);
        assertThatThrownBy(() -> loader.load(big)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("the file is larger than 1048576 bytes (1 MiB), the limit for a configuration file"
                        + " (found 1048577 bytes)");
        Files.writeString(big, yamlOfSize(1024 * 1024));
        assertThat(loader.load(big).workspaces()).isEmpty();
        assertThatThrownBy(() -> parse(yamlOfSize(1024 * 1024 + 1))).hasMessageContaining("the limit for a configuration file");
    }

    @Test
    void anEndlessFileIsReadOnlyToTheLimit() {
        Path endless = Path.of("/dev/zero"); // read whole, it would exhaust the heap
        if (Files.isReadable(endless)) {
            assertThatThrownBy(() -> loader.load(endless)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("(found more than 1048576 bytes)");
        }
    }

    // Jackson's YAML parser does not expand an alias: it reads "*conn" as the string "conn", so an alias either
    // fails with a misleading message or silently stands for its anchor's name. Expanding parsers are open to
    // "billion laughs". Either way the file should say what it means, once.
    @Test
    void aliasesAndAnchorsAreRefusedNamingWhereTheyAre() {
        assertInvalid("""
                workspaces:
                  acme:
                    loopback: &conn
                      port: 4000
                  beta:
                    loopback: *conn
                """, "workspaces.acme.loopback (line 3, column 15): YAML anchors and aliases are not allowed",
                "workspaces.beta.loopback (line 6, column 15): YAML anchors and aliases are not allowed",
                "write each value out in full");
        assertInvalid("""
                workspaces:
                  acme:
                    loopback:
                      port: 4000
                      a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
                      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
                      c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]
                """, "aliases are not allowed");
    }

    @Test
    void aSecondYamlDocumentIsRefused() {
        assertInvalid("workspaces: {}\n---\nworkspaces: {}\n", "(root): the file holds more than one YAML document");
    }

    @Test
    void deeplyNestedYamlIsRefusedAsInvalid() {
        assertInvalid("workspaces:\n  acme:\n    loopback:\n      x: " + "[".repeat(100) + "]".repeat(100) + "\n",
                "not valid YAML");
    }

    @Test
    void anAdminApiOnANonLoopbackAddressNeedsAToken() throws Exception {
        assertInvalid("admin:\n  listen: 0.0.0.0:8686\n", "admin.listen: 0.0.0.0:8686 is reachable from other machines "
                + "and admin.token is not set; set admin.token (e.g. ${GATEHOUSE_ADMIN_TOKEN}) or bind 127.0.0.1");
        assertInvalid("admin:\n  listen: gatehouse.example:8686\n", "admin.listen: gatehouse.example:8686 is reachable");
        assertInvalid("admin:\n  listen: '[::]:8686'\n", "admin.listen: [::]:8686 is reachable");
        assertThat(parse("admin:\n  listen: 0.0.0.0:8686\n  token: s3cret-admin-token\n").admin().host()).isEqualTo("0.0.0.0");
        for (String loopback : List.of("127.0.0.1:0", "127.0.0.2:8686", "localhost:8686", "'[::1]:8686'")) {
            assertThat(parse("admin:\n  listen: " + loopback + "\n").admin().enabled()).as(loopback).isTrue();
        }
        assertThat(parse("admin:\n  enabled: false\n  listen: 0.0.0.0:8686\n").admin().enabled()).isFalse();
    }

    @Test
    void aPathTheFileSystemCannotHoldNamesTheKey() {
        assertInvalid("plugins:\n  dir: \"plu\\0gins\"\n", "plugins.dir: is not a valid path");
        assertInvalid("heartbeat:\n  file: \"run/\\0alive\"\n", "heartbeat.file: is not a valid path");
    }

    @Test
    void withoutAClusterSectionTheHostRunsAlone() throws Exception {
        assertThat(parse(EXAMPLE).cluster()).isEmpty();
    }

    @Test
    void aClusterSectionIsReadWithItsDefaultsAndACloseBoundThatFitsTheSession() throws Exception {
        GatehouseConfig c = parse("""
                cluster:
                  zookeeper: zk1:2181,zk2:2181,zk3:2181/chroot
                  hostId: ${HOST:-gh-1}
                workspaces: {}
                """);
        assertThat(c.cluster()).hasValueSatisfying(cl -> {
            assertThat(cl.zookeeper()).isEqualTo("zk1:2181,zk2:2181,zk3:2181/chroot");
            assertThat(cl.namespace()).isEqualTo("gatehouse");
            assertThat(cl.hostId()).isEqualTo("gh-1");
            assertThat(cl.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        });
        // Unset, the close bound is the longest a 10 s session allows: 10 s / 3 - 1 s.
        assertThat(c.health().closeTimeout()).isEqualTo(Duration.ofMillis(2333));
        assertThat(ClusterSettings.unsafeWith(c.cluster().get().sessionTimeout(), c.health().closeTimeout())).isNull();
    }

    @Test
    void aCloseBoundTheSessionCannotCoverIsRejectedWithTheFix() {
        assertInvalid("""
                health:
                  closeTimeout: 30s
                cluster:
                  zookeeper: zk1:2181
                  hostId: a
                  sessionTimeout: 10s
                workspaces: {}
                """, "cluster.sessionTimeout: 10s is shorter than 3 x (health.closeTimeout 30s + 1s) = 93s",
                "raise cluster.sessionTimeout", "or lower health.closeTimeout");
    }

    @Test
    void clusterSettingsOutOfRangeOrMissingAreEachNamed() {
        assertInvalid("""
                cluster:
                  zookeeper: not a connect string
                  namespace: "/bad"
                  sessionTimeout: 2s
                  colour: blue
                workspaces: {}
                """, "cluster.zookeeper: 'not a connect string' is not a ZooKeeper connect string",
                "cluster.namespace: '/bad'", "cluster.hostId: missing", "cluster.sessionTimeout: 2s is out of range 4s to 1m",
                "cluster.colour: unknown key");
        assertInvalid("""
                cluster:
                  hostId: a
                workspaces: {}
                """, "cluster.zookeeper: missing");
    }
}
