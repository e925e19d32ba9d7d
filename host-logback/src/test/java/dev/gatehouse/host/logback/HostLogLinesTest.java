package dev.gatehouse.host.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.testing.LogCapture;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import dev.gatehouse.host.testing.RecordingExit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversion words of {@code conversion-rules.xml}, included by this module's test logback
 * configuration exactly as an embedding application would, on a real host with the real test plugin:
 * what a plugin itself logs is masked, and lines from its threads name their connection.
 */
class HostLogLinesTest {

    private static final String SECRET = "sup3r-s3cret-credential";

    @TempDir
    Path dir;
    private LoopbackServer server;
    private GatewayHost host;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PluginJars.testPlugin(), dir.resolve("plugins/loopback.jar"));
        server = new LoopbackServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (host != null) {
            host.close();
        }
        server.close();
    }

    private void start() throws Exception {
        String yaml = """
                plugins:
                  dir: plugins
                heartbeat:
                  file: run/alive
                admin:
                  enabled: false
                workspaces:
                  acme:
                    loopback:
                      port: %d
                      credential: ${LOOPBACK_CREDENTIAL}
                """.formatted(server.port());
        GatehouseConfig config = new ConfigLoader(Map.of("LOOPBACK_CREDENTIAL", SECRET)::get).parse(yaml, "test.yaml", dir);
        host = GatewayHost.builder().config(config).processExit(new RecordingExit()).build();
        host.start();
        await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> host.status().connections().get(0).state() == ConnectionState.CONNECTED);
    }

    @Test
    void aSecretThePluginLogsItselfIsMasked() throws Exception {
        try (LogCapture logs = new LogCapture("%level [%thread] %logger %conn- %msg%n%ex")) {
            start();
            assertThat(logs.text()).contains("connecting with credential [REDACTED]").doesNotContain(SECRET)
                    .doesNotContain("log lines are not masked");
        }
    }

    @Test
    void linesFromPluginThreadsCarryTheConnection() throws Exception {
        try (LogCapture logs = new LogCapture("%level [%thread] %logger %conn- %msg%n%ex")) {
            start();
            LoopbackServer.Conn c = server.await("acme", 1);
            c.send("BOGUS line");
            await().until(() -> logs.text().contains("unknown line from server"));
            assertThat(logs.text()).contains("[gh-loopback-acme-1-reader-1] dev.gatehouse.testplugin.LoopbackConnection "
                    + "[loopback/acme#1] - loopback: unknown line from server: BOGUS line");
        }
    }
}
