package dev.gatehouse.host.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin operations as an operator performs them: {@code gatehouse run} in its own JVM, jars dropped
 * into {@code plugins/incoming/} or removed, the admin API over HTTP, the heartbeat file on disk.
 */
class PluginOperationsProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "loopback-gateway";

    @TempDir
    Path dir;
    private Path plugins;
    private Path incoming;
    private LoopbackServer server;
    /** Beta's own platform endpoint, so that its token can be revoked without touching acme. */
    private LoopbackServer betaServer;
    private RevokedToken betaToken;
    private Process process;
    private int adminPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackServer();
        betaServer = new LoopbackServer();
        betaToken = new RevokedToken(betaServer);
        plugins = Files.createDirectories(dir.resolve("plugins"));
        incoming = Files.createDirectories(plugins.resolve("incoming"));
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        try (ServerSocket s = new ServerSocket(0)) {
            adminPort = s.getLocalPort();
        }
        String yaml = """
                admin:
                  listen: 127.0.0.1:%d
                heartbeat:
                  file: run/alive
                  interval: 1s
                plugins:
                  quietPeriod: 200ms
                health:
                  openTimeout: 2s
                  closeTimeout: 2s
                  maxReconnectAttempts: 3
                  backoffBase: 100ms
                  backoffCap: 200ms
                workspaces:
                  acme:
                    loopback:
                      port: %d
                  beta:
                    loopback:
                      port: %d
                """.formatted(adminPort, server.port(), betaServer.port());
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), yaml);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.gatehouse.host.cli.Main", "run", "--config", config.toString()))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> state("acme").equals("CONNECTED")
                && state("beta").equals("CONNECTED"));
    }

    @AfterEach
    void stop() throws Exception {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        betaToken.close();
        betaServer.close();
        server.close();
    }

    private String log() throws Exception {
        return Files.readString(dir.resolve("out.log"));
    }

    private HttpResponse<String> call(String method, String path, Duration timeout) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).timeout(timeout);
        b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode status() throws Exception {
        return JSON.readTree(call("GET", "/status", Duration.ofSeconds(2)).body());
    }

    private JsonNode connection(String ws) throws Exception {
        for (JsonNode c : status().get("connections")) {
            if (c.get("workspace").asText().equals(ws)) {
                return c;
            }
        }
        throw new AssertionError("no connection " + ws);
    }

    private String state(String ws) throws Exception {
        return connection(ws).get("state").asText();
    }

    private JsonNode plugin(String id) throws Exception {
        for (JsonNode p : status().get("plugins")) {
            if (p.get("id").asText().equals(id)) {
                return p;
            }
        }
        return null;
    }

    private String pluginState(String id) throws Exception {
        JsonNode p = plugin(id);
        return p == null ? "ABSENT" : p.get("state").asText();
    }

    private boolean quarantined(String prefix) throws Exception {
        return PluginJars.quarantined(incoming, prefix);
    }

    private void drop(Path jar, String name) throws Exception {
        PluginJars.drop(incoming, jar, name);
    }

    private Path variant(String name, Map<String, String> manifest) throws Exception {
        return PluginJars.variant(dir.resolve(name), manifest, Set.of(), false);
    }

    @Test
    void reloadingAndUpgradingWhileOneWorkspaceIsFailedKeepsTheOthersRunning() throws Exception {
        betaToken.revoke();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> state("beta").equals("FAILED"));

        HttpResponse<String> reload = call("POST", "/plugins/" + ID + "/reload", Duration.ofSeconds(60));
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> state("acme").equals("CONNECTED") && betaFailedAgainAfter(1));

        long betaEpoch = connection("beta").get("epoch").asLong();
        drop(variant("v110.jar", Map.of("Plugin-Version", "1.1.0")), "v110.jar");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> plugin(ID).get("version").asText().equals("1.1.0")
                && pluginState(ID).equals("STARTED") && state("acme").equals("CONNECTED") && betaFailedAgainAfter(betaEpoch));
        assertThat(Files.exists(incoming.resolve("rejected/v110.jar"))).isFalse();
        assertThat(process.isAlive()).as(log()).isTrue();
    }

    /** Beta was reopened by the swap and, its token being revoked, failed again on its own. */
    private boolean betaFailedAgainAfter(long epoch) throws Exception {
        JsonNode b = connection("beta");
        return b.get("state").asText().equals("FAILED") && b.get("epoch").asLong() > epoch
                && b.get("lastError").asText().contains("token revoked");
    }

    @Test
    void aForcedReloadInstallsTheDowngradeThatWasRefused() throws Exception {
        drop(variant("old.jar", Map.of("Plugin-Version", "0.9.0")), "old.jar");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> Files.exists(incoming.resolve("rejected/old.jar")));
        HttpResponse<String> forced = call("POST", "/plugins/" + ID + "/reload?force=true", Duration.ofSeconds(60));
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
        assertThat(JSON.readTree(forced.body()).get("toVersion").asText()).isEqualTo("0.9.0");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> plugin(ID).get("version").asText().equals("0.9.0")
                && state("acme").equals("CONNECTED"));
    }

    @Test
    void removingTheJarAndDroppingItBackEndsWithEveryConnectionRunning() throws Exception {
        Files.delete(plugins.resolve("loopback.jar"));
        // The states change first, the problem naming the missing plugin is recorded after: wait for both.
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> state("acme").equals("STOPPED") && state("beta").equals("STOPPED")
                && status().get("problems").toString().contains(ID));

        drop(PluginJars.testPlugin(), "loopback.jar");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> state("acme").equals("CONNECTED") && state("beta").equals("CONNECTED"));
        assertThat(process.isAlive()).isTrue();
    }

    @Test
    void aJunkJarWithUnsatisfiableDependenciesPoisonsNoLaterUpgrade() throws Exception {
        drop(variant("junk.jar", Map.of("Plugin-Id", "junk", "Plugin-Dependencies", "missing-plugin")), "junk.jar");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> quarantined("junk"));
        // Every wait here polls the child's /status while a swap may be under way: the plugin can be
        // missing from one answer to the next, hence ignoreExceptions on each of them.
        drop(variant("v110.jar", Map.of("Plugin-Version", "1.1.0")), "v110.jar");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> plugin(ID) != null && plugin(ID).get("version").asText().equals("1.1.0")
                && pluginState(ID).equals("STARTED") && state("acme").equals("CONNECTED") && state("beta").equals("CONNECTED"));
        assertThat(Files.exists(incoming.resolve("rejected/v110.jar"))).isFalse();
        assertThat(process.isAlive()).as(log()).isTrue();
    }

    @Test
    void aPluginWhoseStartHangsLeavesStatusLivezAndTheHeartbeatAnswering() throws Exception {
        Path alive = dir.resolve("run/alive");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> Files.exists(alive));
        drop(variant("hanging.jar", Map.of("Plugin-Id", "hanging", "Plugin-Class", "dev.gatehouse.testplugin.HangingStartPlugin")),
                "hanging.jar");
        long t0 = System.nanoTime();
        long lastBeat = Long.parseLong(Files.readString(alive).trim());
        int beats = 0;
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(6)) {
            // Each probe must answer within a second, the whole time the plugin's start() hangs.
            assertThat(call("GET", "/livez", Duration.ofSeconds(1)).statusCode()).isEqualTo(200);
            assertThat(call("GET", "/status", Duration.ofSeconds(1)).statusCode()).isEqualTo(200);
            long beat = Long.parseLong(Files.readString(alive).trim());
            if (beat > lastBeat) {
                beats++;
                lastBeat = beat;
            }
            Thread.sleep(200);
        }
        assertThat(beats).as("heartbeats written while the plugin hangs").isGreaterThanOrEqualTo(3);
        JsonNode hanging = plugin("hanging");
        assertThat(hanging).as(log()).isNotNull();
        assertThat(hanging.get("state").asText()).isEqualTo("REJECTED");
        assertThat(hanging.get("problem").asText()).contains("start()").contains("did not return within 2000 ms");
        assertThat(state("acme")).isEqualTo("CONNECTED");
    }
}
