package dev.gatehouse.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.outbound.Outbound;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.testing.LiveThreads;
import dev.gatehouse.host.testing.LogCapture;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import dev.gatehouse.host.testing.RecordingExit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host with real PF4J, a real plugin jar built by Maven, real files and real sockets on loopback. */
class PluginHostTest {

    @TempDir
    Path dir;
    private Path plugins;
    private LoopbackServer server;
    private GatewayHost host;
    private final RecordingExit exit = new RecordingExit();
    private final List<String> handled = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        server = new LoopbackServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (host != null) {
            host.close();
        }
        server.close();
    }

    private String yaml(String workspaces) {
        return """
                plugins:
                  dir: plugins
                heartbeat:
                  file: run/alive
                  interval: 1s
                admin:
                  enabled: false
                health:
                  openTimeout: 5s
                  closeTimeout: 5s
                workspaces:
                """ + workspaces.replace("PORT", Integer.toString(server.port()));
    }

    private GatewayHost start(String workspaces) throws Exception {
        GatehouseConfig config = new ConfigLoader(Map.of("LOOPBACK_CREDENTIAL", "sup3r-s3cret-credential")::get)
                .parse(yaml(workspaces), "test.yaml", dir);
        host = GatewayHost.builder().config(config).processExit(exit)
                .onEvent((ws, platform, e) -> handled.add(ws + ":" + e.eventId())).build();
        host.start();
        return host;
    }

    private ConnectionStatus conn(String workspace) {
        return host.status().connections().stream().filter(c -> c.workspace().equals(workspace)).findFirst().orElseThrow();
    }

    private PluginStatus plugin(String jar) {
        return host.status().plugins().stream().filter(p -> jar.equals(p.jar())).findFirst().orElseThrow();
    }

    private static final String ONE = "  acme:\n    loopback:\n      port: PORT\n";

    @Test
    void gatewaysOpenForTheEnabledWorkspacesOnly() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        start("""
                  acme:
                    loopback:
                      port: PORT
                  beta:
                    loopback:
                      enabled: false
                      port: PORT
                  gamma:
                    teams:
                      tenant: x
                  delta:
                    loopback:
                      port: PORT
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> conn("acme").state() == ConnectionState.CONNECTED
                && conn("delta").state() == ConnectionState.CONNECTED);
        assertThat(server.await("acme", 1).plugin).isEqualTo("loopback-gateway");
        assertThat(server.connectionsOf("beta")).isZero();
        assertThat(conn("beta").state()).isEqualTo(ConnectionState.STOPPED);
        assertThat(host.status().problems()).anySatisfy(p -> assertThat(p)
                .contains("workspaces.gamma.teams: no loaded plugin serves platform 'teams'"));
        assertThat(plugin("loopback.jar").state()).isEqualTo("STARTED");
        assertThat(plugin("loopback.jar").platforms()).containsExactly("loopback");
        assertThat(server.maxLive("acme")).isEqualTo(1);
    }

    @Test
    void eventsReachHandlersOnceAndAreAcknowledgedAfterwards() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        start(ONE);
        LoopbackServer.Conn c = server.await("acme", 1);
        await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
        c.send("EVENT ev1 C1 hello");
        c.send("EVENT ev1 C1 hello");
        c.send("EVENT ev2 C1 again");
        await().atMost(Duration.ofSeconds(5)).until(() -> c.count("ACK") == 3);
        assertThat(handled).containsExactly("acme:ev1", "acme:ev2");
    }

    @Test
    void outboundMessagesGoThroughThePluginConnection() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        start(ONE);
        LoopbackServer.Conn c = server.await("acme", 1);
        await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
        String id = host.send("acme", "loopback", new Outbound.Post("C9", "hi there")).get(5, TimeUnit.SECONDS);
        host.send("acme", "loopback", new Outbound.React("C9", id, "tada")).get(5, TimeUnit.SECONDS);
        await().until(() -> c.count("REACT") == 1);
        assertThat(c.received).containsExactly("POST C9 " + id + " hi there", "REACT C9 " + id + " tada");
    }

    @Test
    void theHeartbeatFileHoldsEpochMillis() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        start(ONE);
        Path file = dir.resolve("run/alive");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file));
        String content = Files.readString(file);
        assertThat(content).matches("\\d{13}\n");
        assertThat(Long.parseLong(content.trim())).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(10_000L));
        assertThat(host.isLive()).isTrue();
    }

    @Test
    void aPluginThatThrowsInStartIsReportedAndTheOthersRun() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        PluginJars.variant(plugins.resolve("throwing.jar"), Map.of("Plugin-Id", "throwing",
                "Plugin-Class", "dev.gatehouse.testplugin.ThrowingStartPlugin"), Set.of(), false);
        start(ONE);
        assertThat(plugin("throwing.jar").state()).isEqualTo("REJECTED");
        assertThat(plugin("throwing.jar").problem()).contains("failed to start").contains("refuses to start");
        await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
    }

    @Test
    void aCorruptJarIsReportedAndTheOthersRun() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        byte[] good = Files.readAllBytes(PluginJars.testPlugin());
        Files.write(plugins.resolve("half-written.jar"), java.util.Arrays.copyOf(good, good.length * 6 / 10));
        Files.write(plugins.resolve("garbage.jar"), "not a zip at all".getBytes());
        start(ONE);
        assertThat(plugin("half-written.jar").problem()).contains("is not a readable jar").contains("copy it again");
        assertThat(plugin("garbage.jar").state()).isEqualTo("REJECTED");
        await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
    }

    @Test
    void aJarWithoutAnExtensionIndexIsReported() throws Exception {
        PluginJars.variant(plugins.resolve("noindex.jar"), Map.of("Plugin-Id", "noindex"),
                Set.of("META-INF/extensions.idx"), false);
        start(ONE);
        assertThat(plugin("noindex.jar").problem()).contains("has no META-INF/extensions.idx").contains("annotation processor");
        assertThat(host.status().problems()).anySatisfy(p -> assertThat(p).contains("no loaded plugin serves platform 'loopback'"));
    }

    @Test
    void aDuplicatePluginIdKeepsOneAndReportsTheOther() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("a-loopback.jar"));
        Files.copy(PluginJars.testPlugin(), plugins.resolve("b-loopback.jar"));
        start(ONE);
        assertThat(plugin("a-loopback.jar").state()).isEqualTo("STARTED");
        assertThat(plugin("b-loopback.jar").problem()).contains("duplicate plugin id 'loopback-gateway'")
                .contains("remove one of the two jars");
        await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
    }

    @Test
    void theHighestVersionWinsAmongDuplicates() throws Exception {
        PluginJars.variant(plugins.resolve("a-old.jar"), Map.of("Plugin-Version", "0.9.0"), Set.of(), false);
        Files.copy(PluginJars.testPlugin(), plugins.resolve("b-new.jar"));
        start(ONE);
        assertThat(plugin("b-new.jar").state()).isEqualTo("STARTED");
        assertThat(plugin("a-old.jar").state()).isEqualTo("REJECTED");
    }

    @Test
    void aPluginBundlingTheApiStillLoadsWithTheHostsApi() throws Exception {
        PluginJars.variant(plugins.resolve("bundled.jar"), Map.of(), Set.of(), true);
        start(ONE);
        assertThat(plugin("bundled.jar").state()).isEqualTo("STARTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> conn("acme").state() == ConnectionState.CONNECTED);
    }

    @Test
    void aPluginRequiringAnotherApiVersionIsRefusedWithTheVersionItNeeds() throws Exception {
        PluginJars.variant(plugins.resolve("future.jar"), Map.of("Plugin-Requires", ">=2.0.0"), Set.of(), false);
        start(ONE);
        assertThat(plugin("future.jar").problem()).contains("requires host API '>=2.0.0' but this host implements 1.2.0");
    }

    @Test
    void invalidPluginSettingsAreReportedWithTheKeyPath() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        start(ONE + "  broken:\n    loopback:\n      port: 70000\n");
        assertThat(host.status().problems()).anySatisfy(p -> assertThat(p)
                .isEqualTo("workspaces.broken.loopback.port: expected the loopback server's TCP port (1-65535)"));
        await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
    }

    @Test
    void secretsArriveInThePluginButNeverInTheHostsLinesOrStatus() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        try (LogCapture logs = new LogCapture("%logger - %msg%n%ex")) {
            start(ONE + "      credential: ${LOOPBACK_CREDENTIAL}\n");
            await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
            // The test plugin logs its credential on purpose: it reached the plugin. Masking what a plugin
            // logs is the log layout's job (host-logback); the host's own lines must be clean without it.
            assertThat(logs.text()).contains("connecting with credential " + "sup3r-s3cret-credential");
            assertThat(logs.text().lines().filter(l -> !l.startsWith("dev.gatehouse.testplugin")))
                    .isNotEmpty().noneMatch(l -> l.contains("sup3r-s3cret-credential"));
            assertThat(host.status().toString()).doesNotContain("sup3r-s3cret-credential");
            assertThat(host.config().toString()).doesNotContain("sup3r-s3cret-credential");
        }
    }

    @Test
    void aPreviousRunDownLongerThanTheOutageThresholdIsReportedOncePerConnection() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        Files.createDirectories(dir.resolve("run"));
        long elevenMinutesAgo = System.currentTimeMillis() - 11 * 60_000;
        Files.writeString(dir.resolve("run/alive"), elevenMinutesAgo + "\n");
        List<dev.gatehouse.host.status.OutageEvent> outages = new CopyOnWriteArrayList<>();
        GatehouseConfig config = new ConfigLoader(k -> null).parse(yaml(ONE), "t.yaml", dir);
        host = GatewayHost.builder().config(config).processExit(exit).onOutage(outages::add).build();
        host.start();
        await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
        host.reconnect("acme", "loopback");
        await().until(() -> conn("acme").epoch() == 2 && conn("acme").state() == ConnectionState.CONNECTED);
        assertThat(outages).hasSize(1);
        assertThat(outages.get(0).downFrom().toEpochMilli()).isEqualTo(elevenMinutesAgo);
        assertThat(outages.get(0).gap()).isGreaterThan(Duration.ofMinutes(11));
    }

    @Test
    void aRecentPreviousRunIsNotAnOutage() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        Files.createDirectories(dir.resolve("run"));
        Files.writeString(dir.resolve("run/alive"), (System.currentTimeMillis() - 9 * 60_000) + "\n");
        List<dev.gatehouse.host.status.OutageEvent> outages = new CopyOnWriteArrayList<>();
        host = GatewayHost.builder().config(new ConfigLoader(k -> null).parse(yaml(ONE), "t.yaml", dir)).processExit(exit)
                .onOutage(outages::add).build();
        host.start();
        await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
        assertThat(outages).isEmpty();
    }

    @Test
    void closeReleasesEverySocketAndPluginThread() throws Exception {
        Set<Long> leftBehindByOtherTests = LiveThreads.idsOf("gh-", "gatehouse-");
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        start(ONE);
        LoopbackServer.Conn c = server.await("acme", 1);
        await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
        host.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> c.closed);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Set<Thread> left = LiveThreads.namedSince(leftBehindByOtherTests, "gh-", "gatehouse-");
            assertThat(left).as(() -> "threads this host left running:\n" + LiveThreads.describe(left)).isEmpty();
        });
        assertThat(exit.requests).isEmpty();
        host = null;
    }

    @Test
    void aServerSideDisconnectIsHealedByAForcedReconnectWithANewEpoch() throws Exception {
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        GatehouseConfig config = new ConfigLoader(k -> null).parse(yaml(ONE).replace("  openTimeout: 5s",
                "  openTimeout: 5s\n  staleAfter: 1s\n  checkInterval: 500ms\n  backoffBase: 100ms"), "t.yaml", dir);
        host = GatewayHost.builder().config(config).processExit(exit).build();
        host.start();
        LoopbackServer.Conn first = server.await("acme", 1);
        await().until(() -> conn("acme").state() == ConnectionState.CONNECTED);
        first.drop();
        LoopbackServer.Conn second = server.await("acme", 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> conn("acme").state() == ConnectionState.CONNECTED
                && conn("acme").epoch() == 2);
        assertThat(conn("acme").forcedReconnects()).isEqualTo(1);
        assertThat(second.epoch).isEqualTo(2);
        assertThat(server.maxLive("acme")).isEqualTo(1);
    }

}
