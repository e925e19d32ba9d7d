package dev.gatehouse.host.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ReloadResult.Outcome;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.testing.LiveThreads;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import dev.gatehouse.host.testing.RecordingExit;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

/** Hot reload of the loopback plugin through the watched plugins folder and the reload API. */
class PluginReloadTest {

    @TempDir
    Path dir;
    private Path plugins;
    private Path incoming;
    private LoopbackServer server;
    private GatewayHost host;
    private final List<String> handled = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackServer();
        plugins = Files.createDirectories(dir.resolve("plugins"));
        incoming = Files.createDirectories(plugins.resolve("incoming"));
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback-gateway-1.0.0.jar"));
        startHost("2s");
    }

    private void startHost(String openTimeout) throws Exception {
        String yaml = """
                admin:
                  enabled: false
                plugins:
                  quietPeriod: 300ms
                  leakCheckTimeout: 3s
                health:
                  openTimeout: %s
                  closeTimeout: 2s
                workspaces:
                  acme:
                    loopback:
                      port: %d
                """.formatted(openTimeout, server.port());
        host = GatewayHost.builder().config(new ConfigLoader().parse(yaml, dir.resolve("gatehouse.yaml").toString(), dir))
                .processExit(new RecordingExit()).watchFiles(true)
                .onEvent((ws, p, e) -> handled.add(e.eventId())).build();
        host.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> host.isReady());
    }

    @AfterEach
    void stop() throws Exception {
        host.close();
        server.close();
    }

    private ConnectionStatus acme() {
        return host.status().connections().get(0);
    }

    private PluginStatus plugin() {
        return host.status().plugins().stream().filter(p -> p.id().equals("loopback-gateway") && p.jar() != null
                && p.state().equals("STARTED")).findFirst().orElseThrow();
    }

    private Path version(String v, Map<String, String> more) throws Exception {
        Map<String, String> m = new java.util.HashMap<>(more);
        m.put("Plugin-Version", v);
        return PluginJars.variant(dir.resolve("build-" + v + "-" + m.size() + ".jar"), m, Set.of(), false);
    }

    /** Drops a finished jar the documented way: write under a temporary name, then rename. */
    private void drop(Path jar, String name) throws Exception {
        Path tmp = incoming.resolve("." + name + ".part");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, incoming.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aNewVersionDroppedIntoIncomingIsSwappedInAndTheOldJarKept() throws Exception {
        drop(version("1.1.0", Map.of()), "loopback-1.1.0.jar");
        // ignoreExceptions: between unload and load no version of the plugin is STARTED and plugin() throws.
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> "1.1.0".equals(plugin().version()) && host.isReady() && acme().epoch() == 2
                        && Files.exists(plugins.resolve(".previous/loopback-gateway-1.0.0.jar")));
        assertThat(Files.exists(plugins.resolve("loopback-gateway-1.1.0.jar"))).isTrue();
        assertThat(Files.exists(plugins.resolve(".previous/loopback-gateway-1.0.0.jar"))).isTrue();
        assertThat(Files.exists(plugins.resolve("loopback-gateway-1.0.0.jar"))).isFalse();
        assertThat(server.maxLive("acme")).as("the new connection opened before the old one closed").isEqualTo(2);
        assertThat(server.live("acme")).isEqualTo(1);
        assertThat(host.scrapeMetrics()).contains("gatehouse_plugin_reloads_total{plugin=\"loopback-gateway\",result=\"swapped\"} 1.0");
    }

    @Test
    void aHalfWrittenJarIsNeverLoaded() throws Exception {
        byte[] full = Files.readAllBytes(version("1.2.0", Map.of()));
        Path target = incoming.resolve("slow-copy.jar");
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int off = 0; off < full.length; off += 1024) {
                out.write(full, off, Math.min(1024, full.length - off));
                out.flush();
                Thread.sleep(full.length > 40_000 ? 5 : 60);
            }
        }
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> "1.2.0".equals(plugin().version()) && host.isReady());
        assertThat(host.status().plugins()).noneMatch(p -> p.problem() != null && p.problem().contains("readable"));
        assertThat(host.scrapeMetrics()).doesNotContain("result=\"rejected\"");
    }

    @Test
    void aCorruptJarIsRejectedAndNothingRunningIsTouched() throws Exception {
        Files.writeString(incoming.resolve("broken.jar"), "not a jar");
        // The jar is quarantined first and the outcome recorded after it: wait for both.
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(incoming.resolve("rejected/broken.jar"))
                && host.scrapeMetrics().contains("result=\"rejected\""));
        assertThat(acme().epoch()).isEqualTo(1);
        assertThat(acme().state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aDowngradeIsRefusedUnlessForced() throws Exception {
        drop(version("0.9.0", Map.of()), "old.jar");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> Files.exists(incoming.resolve("rejected/old.jar"))
                && plugin().problem() != null);
        assertThat(plugin().version()).isEqualTo("1.0.0");
        assertThat(acme().epoch()).isEqualTo(1);
        assertThat(plugin().problem()).contains("downgrade from 1.0.0 to 0.9.0 refused");

        drop(version("0.9.0", Map.of()), "old.force.jar");
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> "0.9.0".equals(plugin().version()) && host.isReady());
    }

    @Test
    void theSameVersionAgainIsADuplicateNotASwap() throws Exception {
        drop(PluginJars.testPlugin(), "again.jar");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> !Files.exists(incoming.resolve("again.jar"))
                && plugin().problem() != null);
        assertThat(acme().epoch()).isEqualTo(1);
        assertThat(plugin().problem()).contains("version 1.0.0 is already running");
    }

    @Test
    void swapKeepsTheOldVersionServingUntilTheNewConnected() throws Exception {
        host.close();
        startHost("30s"); // the new connection is held back while the test looks: not a failed attempt
        LoopbackServer.Conn old = server.latest("acme");
        server.autoConnect = false;
        java.util.concurrent.CompletableFuture<ReloadResult> r = host.installPlugin(version("1.3.0", Map.of()), false)
                .toCompletableFuture();
        LoopbackServer.Conn next = server.await("acme", 2);
        assertThat(host.status().plugins()).anyMatch(p -> p.version().equals("1.3.0") && p.state().equals("STAGED"));
        old.send("EVENT before-promotion C1 still-served-by-the-old-version");
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("before-promotion"));
        assertThat(old.closed).as("the old connection serves until the new one is connected").isFalse();
        assertThat(acme().state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(r).isNotDone();
        assertThat(plugin().version()).isEqualTo("1.0.0");

        next.send("CONNECTED");
        assertThat(r.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.SWAPPED);
        await().atMost(Duration.ofSeconds(10)).until(() -> old.closed);
        assertThat(plugin().version()).isEqualTo("1.3.0");
        assertThat(server.maxLive("acme")).isEqualTo(2);
        assertThat(server.live("acme")).isEqualTo(1);
        assertThat(acme().lastOutage()).as("a clean handover is no outage").isNull();
        next.send("EVENT after-promotion C1 served-by-the-new-version");
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("after-promotion"));
    }

    @Test
    void failedStageLeavesTheRunningVersionUntouched() throws Exception {
        LoopbackServer.Conn old = server.latest("acme");
        ReloadResult r = host.installPlugin(version("2.2.0", Map.of("Plugin-Class", "dev.gatehouse.testplugin.ThrowingStartPlugin")),
                false).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(r.reason()).contains("did not start").contains("keeps running");
        assertThat(server.connections).as("no connection was opened or closed").containsExactly(old);
        assertThat(old.closed).isFalse();
        assertThat(acme().epoch()).isEqualTo(1);
        assertThat(acme().state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(plugin().version()).isEqualTo("1.0.0");
        assertThat(host.status().plugins()).noneMatch(p -> "STAGED".equals(p.state()) || "DRAINING".equals(p.state()));
        old.send("EVENT after-the-failed-stage C1 hi");
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("after-the-failed-stage"));
    }

    @Test
    void aVersionThatThrowsInStartIsRolledBack() throws Exception {
        ReloadResult r = host.installPlugin(version("2.0.0", Map.of("Plugin-Class", "dev.gatehouse.testplugin.ThrowingStartPlugin")), false)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(r.reason()).contains("did not start").contains("refuses to start");
        assertThat(r.toVersion()).isEqualTo("1.0.0");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> host.isReady());
        assertThat(plugin().version()).isEqualTo("1.0.0");
        assertThat(server.maxLive("acme")).isEqualTo(1);
    }

    @Test
    void aVersionThatDoesNotConnectIsRolledBack() throws Exception {
        // Refuse every connection until the verdict: refusing only the next one let a quick retry (backoff
        // jitter near zero) connect the new version within the bound, and it was rightly kept.
        server.refuseNext.set(Integer.MAX_VALUE);
        ReloadResult r = host.installPlugin(version("2.1.0", Map.of()), false).toCompletableFuture().get(30, TimeUnit.SECONDS);
        server.refuseNext.set(0);
        assertThat(r.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(r.reason()).contains("did not connect");
        // The restored version's first attempt may have been refused too: open timeout 2 s + backoff up to 10 s.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> host.isReady());
        assertThat(plugin().version()).isEqualTo("1.0.0");
        assertThat(Files.exists(plugins.resolve("loopback-gateway-1.0.0.jar"))).isTrue();
    }

    @Test
    void aCloseThatHangsIsBoundedAndReported() throws Exception {
        server.latest("acme").send("HANG_CLOSE");
        await().until(() -> server.latest("acme").received.isEmpty());
        long t0 = System.nanoTime();
        ReloadResult r = host.reloadPlugin("loopback-gateway").toCompletableFuture().get(30, TimeUnit.SECONDS);
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.outcome()).isEqualTo(Outcome.SWAPPED);
        assertThat(r.reason()).contains("close hung");
        assertThat(took).as("bounded by closeTimeout, not the 60 s hang").isLessThan(15_000);
        assertThat(acme().heartbeatWithheldBecause()).as("reported to the watchdog").contains("hung");
        assertThat(server.live("acme")).as("the new socket and the old one whose close hangs; never a third")
                .isLessThanOrEqualTo(2);
        assertThat(server.maxLive("acme")).isLessThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> plugin().leakSuspected());
        assertThat(host.scrapeMetrics()).contains("gatehouse_restart_recommended 1.0");
    }

    @Test
    void hostThreadsStartedInsideAPluginCallDoNotPinItsClassLoader() throws Exception {
        // The first events start the host's handler threads from the plugin's reader thread.
        for (int i = 0; i < 20; i++) {
            server.event("acme", "warm" + i, "C" + i, "hi");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 20);
        ReloadResult r = host.reloadPlugin("loopback-gateway").toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(Outcome.SWAPPED);
        await().atMost(Duration.ofSeconds(10)).until(() -> host.isReady());
        java.util.function.BooleanSupplier suspected = () -> host.status().plugins().stream().anyMatch(PluginStatus::leakSuspected);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && !suspected.getAsBoolean()) {
            Thread.sleep(100);
        }
        assertThat(suspected.getAsBoolean()).as("the first version's class loader was collected").isFalse();
    }

    @Test
    void removingTheJarClosesItsConnectionsAndUnloadsIt() throws Exception {
        LoopbackServer.Conn c = server.latest("acme");
        Files.delete(plugins.resolve("loopback-gateway-1.0.0.jar"));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.closed && host.status().plugins().stream()
                .noneMatch(p -> p.state().equals("STARTED")));
        assertThat(acme().state()).isEqualTo(ConnectionState.STOPPED);
    }

    @Test
    void fiftySwapsUnderEventsLoseNothingAndLeakNothing() throws Exception {
        int swaps = 50;
        // A previous test's plugin whose close hangs on purpose keeps its reader for a minute: not ours.
        Set<Long> leftBehindByOtherTests = LiveThreads.idsOf("gh-");
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        Thread pusher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                server.event("acme", "ev" + sent.incrementAndGet(), "C1", "hello");
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        pusher.start();
        // Baseline after one warm-up swap under load, so lazily started host threads and classes count.
        host.reloadPlugin("loopback-gateway").toCompletableFuture().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).until(() -> host.status().plugins().stream().noneMatch(PluginStatus::leakSuspected));
        int threadsBefore = Thread.getAllStackTraces().size();
        long metaspaceBefore = metaspaceAfterGc();
        long unloadedBefore = java.lang.management.ManagementFactory.getClassLoadingMXBean().getUnloadedClassCount();
        List<Long> millis = new java.util.ArrayList<>();
        for (int i = 0; i < swaps; i++) {
            ReloadResult r = host.reloadPlugin("loopback-gateway").toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(r.outcome()).isEqualTo(Outcome.SWAPPED);
            millis.add(r.took().toMillis());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> host.isReady());
        int threadsAfter = Thread.getAllStackTraces().size();
        pusher.interrupt();
        pusher.join();
        assertThat(acme().epoch()).isEqualTo(swaps + 2);
        assertThat(server.maxLive("acme")).as("two sockets during each handover, never more").isEqualTo(2);
        assertThat(server.live("acme")).isEqualTo(1);
        assertThat(handled).doesNotHaveDuplicates();
        await("every event sent was handled and acknowledged").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(handled).hasSize(sent.get()));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.unacked("acme") == 0);
        // Every swapped-out loader collected, although each old version left a thread-local on the host
        // thread that opened its connection (LoopbackConnection): those threads end with the call.
        await("old class loaders collected").atMost(Duration.ofSeconds(15))
                .until(() -> host.scrapeMetrics().contains("gatehouse_plugin_loaders_pending 0.0"));
        assertThat(host.status().plugins()).noneMatch(PluginStatus::leakSuspected);
        String current = "gh-loopback-acme-" + (swaps + 2) + "-";
        await("plugin threads of old versions end").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Set<Thread> old = LiveThreads.namedSince(leftBehindByOtherTests, "gh-");
            old.removeIf(t -> t.getName().startsWith(current));
            assertThat(old).as(() -> "plugin threads of old versions:\n" + LiveThreads.describe(old)).isEmpty();
        });
        assertThat(threadsAfter).as("threads under load, after vs before 50 swaps").isLessThanOrEqualTo(threadsBefore + 2);
        long metaspaceAfter = metaspaceAfterGc();
        long unloaded = java.lang.management.ManagementFactory.getClassLoadingMXBean().getUnloadedClassCount() - unloadedBefore;
        assertThat(unloaded).as("classes of the 50 old versions unloaded").isGreaterThanOrEqualTo(swaps * 3L);
        assertThat(metaspaceAfter - metaspaceBefore).as("metaspace growth after 50 swaps").isLessThan(8L << 20);
        java.util.Collections.sort(millis);
        System.out.printf("loopback plugin: %d swaps, median %d ms, p95 %d ms, max %d ms, events %d sent / %d handled,"
                + " threads %d -> %d, %d classes unloaded, metaspace %+d KB%n", swaps, millis.get(swaps / 2),
                millis.get(swaps * 95 / 100), millis.get(swaps - 1), sent.get(), handled.size(), threadsBefore, threadsAfter,
                unloaded, (metaspaceAfter - metaspaceBefore) / 1024);
    }

    private static long metaspaceAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getName().equals("Metaspace")).mapToLong(p -> p.getUsage().getUsed()).sum();
    }
}
