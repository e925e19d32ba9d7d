package dev.gatehouse.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        assertInvalid("heartbeet:\n  file: x\n", "heartbeet: unknown key", "known keys here: admin, health, heartbeat");
    }

    @Test
    void duplicateKeysAreRejected() {
        assertInvalid("health:\n  staleAfter: 10s\n  staleAfter: 20s\n", "Duplicate field 'staleAfter'");
    }

    @Test
    void malformedDurationsNameTheKeyAndTheSyntax() {
        assertInvalid("health:\n  staleAfter: 3 minutes\n", "health.staleAfter: '3 minutes' is not a duration",
                "e.g. 500ms, 10s, 5m");
        assertInvalid("health:\n  closeTimeout: 0s\n", "health.closeTimeout: must be longer than 0");
    }

    @Test
    void malformedNumbersAndBooleansNameTheKey() {
        assertInvalid("health:\n  maxReconnectAttempts: six\n", "health.maxReconnectAttempts: expected a whole number");
        assertInvalid("health:\n  maxReconnectAttempts: 0\n", "health.maxReconnectAttempts: must be at least 1");
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
}
