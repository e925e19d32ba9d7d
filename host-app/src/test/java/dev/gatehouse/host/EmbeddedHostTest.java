package dev.gatehouse.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.testing.LogCapture;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import dev.gatehouse.host.testing.RecordingListener;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host as an application embeds it: built with nothing but a configuration, it must not end the
 * application's JVM, open an HTTP port, or keep its meters in the application's registry after close.
 */
class EmbeddedHostTest {

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

    private GatewayHost.Builder builder(String health, int port) throws Exception {
        String yaml = """
                plugins:
                  dir: plugins
                heartbeat:
                  file: run/alive
                admin:
                  listen: 127.0.0.1:0
                health:
                %s
                workspaces:
                  acme:
                    loopback:
                      port: %d
                      probeUrl: http://127.0.0.1:%d/
                """.formatted(health.indent(2).stripTrailing(), port, server.port());
        return GatewayHost.builder().config(new ConfigLoader().parse(yaml, "embedded.yaml", dir));
    }

    private ConnectionStatus acme() {
        return host.status().connections().get(0);
    }

    @Test
    void aConnectionThatSpendsItsAttemptsStopsAndSaysSoWithoutEndingTheJvm() throws Exception {
        int refused;
        try (ServerSocket s = new ServerSocket(0)) {
            refused = s.getLocalPort();
        }
        RecordingListener events = new RecordingListener();
        // The default ProcessExit: had it called System.exit, this test JVM (surefire's fork) would have
        // ended and the run would report it as crashed.
        host = builder("maxReconnectAttempts: 2\nbackoffBase: 100ms\nbackoffCap: 200ms\nopenTimeout: 2s", refused)
                .listener(events).build();
        host.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> !events.giveUps.isEmpty());
        assertThat(events.giveUps).singleElement().asString().contains("acme").contains("2 consecutive failed");
        await().atMost(Duration.ofSeconds(5)).until(() -> acme().state() == ConnectionState.STOPPED);
        assertThat(acme().lastError()).startsWith("gave up after 2 consecutive failed attempts; the last: ");
    }

    @Test
    void withoutAMaskingLogLayoutTheHostSaysSoAtStart() throws Exception {
        // This module's logback-test.xml is plain logback, as an application that did not include host-logback.
        try (LogCapture logs = new LogCapture("%level %logger - %msg%n")) {
            host = builder("openTimeout: 2s", server.port()).build();
            host.start();
            assertThat(logs.text()).contains("WARN dev.gatehouse.host.GatewayHost - log lines are not masked")
                    .contains("conversion-rules.xml");
        }
    }

    @Test
    void theAdminApiListensOnlyWhenTheApplicationAsks() throws Exception {
        host = builder("openTimeout: 2s", server.port()).build();
        host.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> acme().state() == ConnectionState.CONNECTED);
        assertThat(host.adminPort()).isEmpty();
        host.close();

        host = builder("openTimeout: 2s", server.port()).adminApi(true).build();
        host.start();
        assertThat(host.adminPort()).isPresent();
    }

    @Test
    void theHostsMetersJoinTheApplicationsRegistryAndLeaveItOnClose() throws Exception {
        SimpleMeterRegistry app = new SimpleMeterRegistry();
        host = builder("openTimeout: 2s", server.port()).meterRegistry(app).build();
        host.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> acme().state() == ConnectionState.CONNECTED);
        assertThat(app.find("gatehouse.connection.up").tags("workspace", "acme", "platform", "loopback").gauge())
                .isNotNull().satisfies(g -> assertThat(g.value()).isEqualTo(1.0));
        assertThat(app.find("jvm.memory.used").meters()).as("the JVM's meters are the application's business").isEmpty();
        assertThat(host.scrapeMetrics()).contains("gatehouse_connection_up{platform=\"loopback\",workspace=\"acme\"} 1.0")
                .contains("jvm_memory_used_bytes");

        host.close();
        host = null;
        List<String> left = app.getMeters().stream().map(Meter::getId).map(Meter.Id::getName)
                .filter(n -> n.startsWith("gatehouse")).toList();
        assertThat(left).isEmpty();
        assertThat(app.isClosed()).isFalse();
    }
}
