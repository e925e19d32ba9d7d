package dev.gatehouse.host.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ReloadResult.Outcome;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.testing.LogCapture;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import dev.gatehouse.host.testing.RecordingExit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin swaps that meet the rest of the host: connections that failed on their own, configuration
 * changes and folder problems in the middle of a swap, hostile jars. A real host, the real test plugin
 * jar, real PF4J, real files and sockets on loopback.
 */
class PluginLifecycleTest {

    @TempDir
    Path dir;
    private Path plugins;
    private Path incoming;
    private LoopbackServer server;
    /** Beta's own platform endpoint, so that its token can be revoked without touching acme. */
    private LoopbackServer betaServer;
    private RevokedToken betaToken;
    private GatewayHost host;
    private String yaml;

    private static final String ID = "loopback-gateway";

    private String config(String workspaces) {
        return """
                admin:
                  listen: 127.0.0.1:0
                plugins:
                  quietPeriod: 200ms
                  leakCheckTimeout: 5s
                health:
                  openTimeout: 2s
                  closeTimeout: 2s
                workspaces:
                """ + workspaces.replace("BETAPORT", Integer.toString(betaServer.port()))
                .replace("PORT", Integer.toString(server.port()));
    }

    private static final String TWO = """
              acme:
                loopback:
                  port: PORT
              beta:
                loopback:
                  port: BETAPORT
            """;

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackServer();
        betaServer = new LoopbackServer();
        betaToken = new RevokedToken(betaServer);
        plugins = Files.createDirectories(dir.resolve("plugins"));
        incoming = Files.createDirectories(plugins.resolve("incoming"));
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback-gateway-1.0.0.jar"));
        yaml = config(TWO);
        host = GatewayHost.builder().config(parse(yaml)).processExit(new RecordingExit()).watchFiles(true).adminApi(true).build();
        host.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> host.isReady() && host.status().connections().size() == 2);
    }

    @AfterEach
    void stop() throws Exception {
        host.close();
        betaToken.close();
        betaServer.close();
        server.close();
    }

    private GatehouseConfig parse(String text) throws Exception {
        return new ConfigLoader().parse(text, dir.resolve("gatehouse.yaml").toString(), dir);
    }

    private Optional<ConnectionStatus> conn(String ws) {
        return host.status().connections().stream().filter(c -> c.workspace().equals(ws)).findFirst();
    }

    private boolean connected(String ws) {
        return conn(ws).map(c -> c.state() == ConnectionState.CONNECTED).orElse(false);
    }

    private Optional<PluginStatus> running() {
        return host.status().plugins().stream().filter(p -> p.id().equals(ID) && p.state().equals("STARTED")).findFirst();
    }

    private Path version(String v, Map<String, String> more) throws Exception {
        Map<String, String> m = new HashMap<>(more);
        m.put("Plugin-Version", v);
        return PluginJars.variant(dir.resolve("build-" + v + "-" + m.hashCode() + ".jar"), m, Set.of(), false);
    }

    private boolean quarantined(String prefix) throws Exception {
        return PluginJars.quarantined(incoming, prefix);
    }

    private void drop(Path jar, String name) throws Exception {
        PluginJars.drop(incoming, jar, name);
    }

    /**
     * Revokes beta's token the way a platform does: the plugin reports fatal, the host stops retrying,
     * and every later attempt (a swap reopens it) fails the same way.
     */
    private void failBeta() {
        betaToken.revoke();
        await().atMost(Duration.ofSeconds(5)).until(() -> conn("beta").orElseThrow().state() == ConnectionState.FAILED);
    }

    private boolean betaFailedAgainAfter(long epoch) {
        ConnectionStatus b = conn("beta").orElseThrow();
        return b.state() == ConnectionState.FAILED && b.epoch() > epoch && b.lastError().contains("token revoked");
    }

    private HttpResponse<String> post(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://127.0.0.1:" + host.adminPort().orElseThrow() + path);
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFailedConnectionNeitherBlocksNorRollsBackAReload() throws Exception {
        failBeta();
        ReloadResult r = host.reloadPlugin(ID).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(r.outcome()).as(String.valueOf(r)).isEqualTo(Outcome.SWAPPED);
        assertThat(r.reason()).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> connected("acme") && betaFailedAgainAfter(1));
        assertThat(conn("acme").orElseThrow().epoch()).isEqualTo(2);
        assertThat(server.maxLive("acme")).as("handed over: two sockets during the swap").isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.live("acme") == 1);
    }

    @Test
    void aFailedConnectionNeitherBlocksNorRollsBackAnUpgrade() throws Exception {
        failBeta();
        ReloadResult r = host.installPlugin(version("1.1.0", Map.of()), false).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(r.outcome()).as(String.valueOf(r)).isEqualTo(Outcome.SWAPPED);
        assertThat(running().orElseThrow().version()).isEqualTo("1.1.0");
        await().atMost(Duration.ofSeconds(10)).until(() -> connected("acme") && betaFailedAgainAfter(1));
    }

    @Test
    void aRolledBackSwapSaysHowLongItReallyWaited() throws Exception {
        server.refuseNext.set(Integer.MAX_VALUE);
        betaServer.refuseNext.set(Integer.MAX_VALUE);
        ReloadResult r = host.installPlugin(version("2.1.0", Map.of()), false).toCompletableFuture().get(60, TimeUnit.SECONDS);
        server.refuseNext.set(0);
        betaServer.refuseNext.set(0);
        assertThat(r.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        // Make before break: the new connection's own open bound decides, while the old one keeps serving.
        Matcher m = Pattern.compile("not connected within (\\d+) s").matcher(r.reason());
        assertThat(m.find()).as(r.reason()).isTrue();
        long waited = Long.parseLong(m.group(1)) * 1000;
        assertThat(waited).as("the bound is openTimeout").isEqualTo(2000);
        assertThat(waited).isLessThanOrEqualTo(r.took().toMillis());
        assertThat(r.reason()).contains("kept serving");
        await().atMost(Duration.ofSeconds(30)).until(() -> host.isReady());
    }

    @Test
    void aForcedReloadThroughTheAdminApiInstallsTheRefusedDowngrade() throws Exception {
        drop(version("0.9.0", Map.of()), "old.jar");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(incoming.resolve("rejected/old.jar"))
                && running().map(p -> p.problem() != null).orElse(false));
        assertThat(running().orElseThrow().problem()).contains("downgrade from 1.0.0 to 0.9.0 refused").contains("force=true");

        HttpResponse<String> forced = post("/plugins/" + ID + "/reload?force=true");
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
        assertThat(forced.body()).contains("\"toVersion\":\"0.9.0\"");
        assertThat(running().orElseThrow().version()).isEqualTo("0.9.0");
        await().atMost(Duration.ofSeconds(10)).until(() -> host.isReady());
    }

    @Test
    void aRemovedPluginDroppedBackReopensItsConnections() throws Exception {
        Files.delete(plugins.resolve("loopback-gateway-1.0.0.jar"));
        await().atMost(Duration.ofSeconds(10)).until(() -> running().isEmpty()
                && conn("acme").orElseThrow().state() == ConnectionState.STOPPED);
        assertThat(host.status().problems()).as("the status says why acme is stopped")
                .anySatisfy(p -> assertThat(p).contains(ID).contains("acme"));

        drop(PluginJars.testPlugin(), "again.jar");
        await().atMost(Duration.ofSeconds(15)).until(() -> connected("acme") && connected("beta"));
        assertThat(conn("acme").orElseThrow().epoch()).isEqualTo(2);
        assertThat(host.status().problems()).noneMatch(p -> p.contains(ID));
    }

    @Test
    void aSwapWhoseMoveIntoThePluginsFolderFailsTouchesNothingAndLogsOneOutcome() throws Exception {
        try (LogCapture logs = new LogCapture(); ReadOnly ro = ReadOnly.of(plugins)) {
            Assumptions.assumeTrue(ro.effective(), "cannot make a folder read-only here");
            drop(version("1.1.0", Map.of()), "new.jar");
            await().atMost(Duration.ofSeconds(15)).until(() -> host.scrapeMetrics().contains("result=\"rejected\""));
            assertThat(running().orElseThrow().version()).isEqualTo("1.0.0");
            assertThat(running().orElseThrow().problem()).contains("cannot move").contains("plugins");
            assertThat(conn("acme").orElseThrow().epoch()).as("nothing was touched").isEqualTo(1);
            assertThat(connected("acme") && connected("beta")).isTrue();
            assertThat(Pattern.compile("plugin loopback-gateway: REJECTED").matcher(logs.text()).results().count())
                    .as(logs.text()).isEqualTo(1);
        }
    }

    @Test
    void aJarWithUnsatisfiableDependenciesPoisonsNoLaterSwap() throws Exception {
        drop(PluginJars.variant(dir.resolve("junk.jar"), Map.of("Plugin-Id", "junk",
                "Plugin-Dependencies", "missing-plugin@>=1.0.0"), Set.of(), false), "junk.jar");
        await().atMost(Duration.ofSeconds(10)).until(() -> quarantined("junk")
                && host.scrapeMetrics().contains("plugin=\"junk\",result=\"rejected\""));
        assertThat(host.status().plugins()).anySatisfy(p -> assertThat(p.problem()).contains("Plugin-Dependencies"));

        ReloadResult r = host.reloadPlugin(ID).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(r.outcome()).as(String.valueOf(r)).isEqualTo(Outcome.SWAPPED);
        ReloadResult up = host.installPlugin(version("1.1.0", Map.of()), false).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(up.outcome()).as(String.valueOf(up)).isEqualTo(Outcome.SWAPPED);
        await().atMost(Duration.ofSeconds(10)).until(() -> connected("acme") && connected("beta"));
    }

    @Test
    void connectionsAddedByConfigDuringASwapEndRunning() throws Exception {
        CompletableFuture<ReloadResult> swap = host.installPlugin(version("2.0.0",
                Map.of("Plugin-Class", "dev.gatehouse.testplugin.SlowStartPlugin")), false).toCompletableFuture();
        // The new version is still starting beside the old one, which serves.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> host.status().plugins()
                .stream().anyMatch(p -> "2.0.0".equals(p.version()) && !"STARTED".equals(p.state())));
        host.applyConfig(parse(config(TWO + "  gamma:\n    loopback:\n      port: PORT\n")));
        assertThat(swap.get(60, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.SWAPPED);
        await().atMost(Duration.ofSeconds(15)).until(() -> connected("gamma") && connected("acme") && connected("beta"));
    }

    @Test
    void aPluginIdThatIsAPathIsRefusedAndNothingLandsOutsideThePluginsFolder() throws Exception {
        Files.delete(plugins.resolve("loopback-gateway-1.0.0.jar"));
        await().atMost(Duration.ofSeconds(10)).until(() -> running().isEmpty());
        drop(PluginJars.variant(dir.resolve("escape.jar"), Map.of("Plugin-Id", "../outside"), Set.of(), false), "escape.jar");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(incoming.resolve("rejected/escape.jar")));
        assertThat(dir.resolve("outside-1.0.0.jar")).doesNotExist();
        assertThat(host.status().plugins()).noneMatch(p -> p.state().equals("STARTED"));
        assertThat(host.status().plugins()).anySatisfy(p -> assertThat(p.problem()).contains("Plugin-Id")
                .contains("[a-z0-9][a-z0-9._-]*"));
    }

    @Test
    void aSymbolicLinkInIncomingIsNotFollowed() throws Exception {
        Path elsewhere = version("1.1.0", Map.of());
        Files.createSymbolicLink(incoming.resolve("link.jar"), elsewhere);
        await().atMost(Duration.ofSeconds(10)).until(() -> host.scrapeMetrics().contains("result=\"rejected\""));
        assertThat(running().orElseThrow().version()).isEqualTo("1.0.0");
        assertThat(host.status().plugins()).anySatisfy(p -> assertThat(p.problem()).contains("symbolic link"));
        assertThat(elsewhere).exists();
        assertThat(conn("acme").orElseThrow().epoch()).isEqualTo(1);
    }

    @Test
    void aZipBombIsRefusedLoggedAndQuarantined() throws Exception {
        Path bomb = HostileJars.zipBomb(dir.resolve("bomb.jar"), "bomb", 3);
        assertThat(Files.size(bomb)).isLessThan(4L << 20);
        try (LogCapture logs = new LogCapture()) {
            drop(bomb, "bomb.jar");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(incoming.resolve("rejected/bomb.jar"))
                    && host.scrapeMetrics().contains("plugin=\"bomb\",result=\"rejected\""));
            assertThat(logs.text()).contains("plugin bomb: REJECTED").contains("extensions.idx");
        }
        assertThat(connected("acme")).isTrue();
        ReloadResult r = host.reloadPlugin(ID).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(Outcome.SWAPPED);
    }

    @Test
    void aZipBombWhoseHeadersUnderstateItsSizeIsCutOffAtTheBound() throws Exception {
        Path bomb = HostileJars.zipBomb(dir.resolve("liar.jar"), "liar", 3, 100);
        drop(bomb, "liar.jar");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(incoming.resolve("rejected/liar.jar"))
                && host.scrapeMetrics().contains("plugin=\"liar\",result=\"rejected\""));
        assertThat(host.status().plugins()).anySatisfy(p -> assertThat(p.problem())
                .contains("META-INF/extensions.idx inflates to more than 1048576 bytes"));
        assertThat(connected("acme")).isTrue();
    }

    @Test
    void aPluginWhoseStartHangsIsRefusedAfterItsBoundWhileStatusKeepsAnswering() throws Exception {
        drop(PluginJars.variant(dir.resolve("hanging.jar"), Map.of("Plugin-Id", "hanging",
                "Plugin-Class", "dev.gatehouse.testplugin.HangingStartPlugin"), Set.of(), false), "hanging.jar");
        long t0 = System.nanoTime();
        boolean refused = false;
        while (!refused && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20)) {
            long s = System.nanoTime();
            var status = CompletableFuture.supplyAsync(host::status).get(1, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s)).as("status answers at once").isLessThan(1000);
            assertThat(host.isLive()).isTrue();
            refused = status.plugins().stream().anyMatch(p -> p.id().equals("hanging") && p.state().equals("REJECTED"));
            Thread.sleep(100);
        }
        PluginStatus hanging = host.status().plugins().stream().filter(p -> p.id().equals("hanging")).findFirst().orElseThrow();
        assertThat(hanging.state()).isEqualTo("REJECTED");
        assertThat(hanging.problem()).contains("start()").contains("did not return within 2000 ms");
        assertThat(connected("acme")).isTrue();
    }

    /** Makes a folder read-only for this process, root included (chattr +i), and undoes it. */
    private static final class ReadOnly implements AutoCloseable {
        private final Path folder;
        private boolean immutable;

        private ReadOnly(Path folder) {
            this.folder = folder;
        }

        static ReadOnly of(Path folder) throws Exception {
            ReadOnly ro = new ReadOnly(folder);
            folder.toFile().setWritable(false, false);
            if (!ro.effective()) {
                Process p = new ProcessBuilder("chattr", "+i", folder.toString()).redirectErrorStream(true).start();
                ro.immutable = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            }
            return ro;
        }

        boolean effective() {
            try {
                Files.delete(Files.createTempFile(folder, "probe", ".tmp"));
                return false;
            } catch (java.io.IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws Exception {
            if (immutable) {
                new ProcessBuilder("chattr", "-i", folder.toString()).start().waitFor(10, TimeUnit.SECONDS);
            }
            folder.toFile().setWritable(true, false);
        }
    }
}
