package dev.gatehouse.host.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.outbound.Outbound;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import dev.gatehouse.host.testing.RecordingExit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration file edited while the host runs: valid, invalid and partial changes. */
class ConfigReloadTest {

    @TempDir
    Path dir;
    private LoopbackServer server;
    private GatewayHost host;
    private Path file;

    private String yaml(String workspaces, String health) {
        return "admin:\n  enabled: false\nhealth:\n  openTimeout: 5s\n  closeTimeout: 5s\n" + health + "workspaces:\n"
                + workspaces.replace("PORT", Integer.toString(server.port()));
    }

    private static final String TWO = """
              acme:
                loopback:
                  port: PORT
              beta:
                loopback:
                  port: PORT
            """;

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackServer();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        file = Files.writeString(dir.resolve("gatehouse.yaml"), yaml(TWO, ""));
        host = GatewayHost.builder().config(new ConfigLoader().load(file)).processExit(new RecordingExit())
                .watchFiles(true).build();
        host.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> host.isReady() && host.status().connections().size() == 2);
    }

    @AfterEach
    void stop() throws Exception {
        host.close();
        server.close();
    }

    private Optional<ConnectionStatus> conn(String ws) {
        return host.status().connections().stream().filter(c -> c.workspace().equals(ws)).findFirst();
    }

    private void edit(String content) throws Exception {
        Path tmp = dir.resolve("gatehouse.yaml.tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void addingAWorkspaceLeavesTheOthersAlone() throws Exception {
        edit(yaml(TWO + "  gamma:\n    loopback:\n      port: PORT\n", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> conn("gamma").map(c -> c.state() == ConnectionState.CONNECTED).orElse(false));
        assertThat(conn("acme").orElseThrow().epoch()).isEqualTo(1);
        assertThat(conn("beta").orElseThrow().epoch()).isEqualTo(1);
        assertThat(server.connectionsOf("acme")).isEqualTo(1);
    }

    @Test
    void removingAWorkspaceClosesOnlyItsConnection() throws Exception {
        LoopbackServer.Conn beta = server.latest("beta");
        edit(yaml("  acme:\n    loopback:\n      port: PORT\n", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> beta.closed && conn("beta").isEmpty());
        assertThat(conn("acme").orElseThrow().epoch()).isEqualTo(1);
        assertThat(server.latest("acme").closed).isFalse();
    }

    @Test
    void disablingAndChangedSettingsRestartOnlyThatConnection() throws Exception {
        edit(yaml("  acme:\n    loopback:\n      port: PORT\n      probeUrl: http://127.0.0.1:PORT/other\n"
                + "  beta:\n    loopback:\n      enabled: false\n      port: PORT\n", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> conn("beta").orElseThrow().state() == ConnectionState.STOPPED
                && conn("acme").orElseThrow().epoch() == 2 && conn("acme").orElseThrow().state() == ConnectionState.CONNECTED);
        // STOPPED is the state the moment the stop begins; the socket's close (a handshake with the server) follows.
        LoopbackServer.Conn beta = server.latest("beta");
        await().atMost(Duration.ofSeconds(10)).until(() -> beta.closed);
        assertThat(server.maxLive("acme")).as("new settings: make before break").isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.live("acme") == 1);
    }

    @Test
    void aPolicyChangeAppliesWithoutReconnecting() throws Exception {
        edit(yaml(TWO, "  staleAfter: 1s\n  checkInterval: 500ms\n"));
        await().atMost(Duration.ofSeconds(10)).until(() -> host.config().health().staleAfter().equals(Duration.ofSeconds(1)));
        assertThat(conn("acme").orElseThrow().epoch()).isEqualTo(1);
        server.latest("acme").send("DISCONNECTED gone");
        await().atMost(Duration.ofSeconds(10)).until(() -> conn("acme").orElseThrow().epoch() == 2);
        assertThat(conn("acme").orElseThrow().forcedReconnects()).as("the new 1 s stale threshold applied").isEqualTo(1);
    }

    @Test
    void anInvalidFileIsRejectedAndTheLastGoodConfigurationKeepsRunning() throws Exception {
        edit(yaml(TWO, "  staleAfter: soon\n") + "  gamma: {}\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> host.status().problems().stream()
                .anyMatch(p -> p.contains("configuration reload refused") && p.contains("health.staleAfter")));
        assertThat(host.status().problems()).anySatisfy(p -> assertThat(p).contains("workspaces.gamma"));
        assertThat(conn("gamma")).isEmpty();
        assertThat(host.isReady()).isTrue();
        assertThat(conn("acme").orElseThrow().epoch()).isEqualTo(1);

        edit(yaml(TWO, ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> host.status().problems().isEmpty());
    }

    @Test
    void settingsThePluginRejectsKeepThePreviousSettings() throws Exception {
        edit(yaml("  acme:\n    loopback:\n      port: 99999\n  beta:\n    loopback:\n      port: PORT\n", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> host.status().problems().stream()
                .anyMatch(p -> p.contains("workspaces.acme.loopback.port") && p.contains("keeps its previous settings")));
        assertThat(conn("acme").orElseThrow().state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(conn("acme").orElseThrow().epoch()).isEqualTo(1);
    }

    @Test
    void aWorkspaceRemovedAndAddedBackAtOnceKeepsItsSendRouteAndMeters() throws Exception {
        String onlyBeta = "  beta:\n    loopback:\n      port: PORT\n";
        host.applyConfig(new ConfigLoader().parse(yaml(onlyBeta, ""), file.toString(), dir));
        host.applyConfig(new ConfigLoader().parse(yaml(TWO, ""), file.toString(), dir));

        await().atMost(Duration.ofSeconds(20)).until(() -> conn("acme").map(c -> c.state() == ConnectionState.CONNECTED)
                .orElse(false) && server.connectionsOf("acme") == 2);
        // The removed connection's close finished after the new one was added: it must not take the new
        // one's route or meters with it (it did: both were unregistered by key once the old close returned).
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(6))
                .until(() -> host.scrapeMetrics().contains("gatehouse_connection_up{platform=\"loopback\",workspace=\"acme\"} 1.0"));
        String id = host.send("acme", "loopback", new Outbound.Post("C1", "after re-add")).get(10, TimeUnit.SECONDS);
        assertThat(id).isNotBlank();
    }
}
