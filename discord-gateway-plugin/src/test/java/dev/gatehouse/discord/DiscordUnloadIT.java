package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.outbound.Outbound;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ReloadResult;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.sim.discord.GatewayFault;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * After the host unloads the plugin (here: a reload of the same jar), nothing of the plugin keeps its
 * old class loader reachable: no JDA thread, no executor, and none of the bundled OkHttp/Okio threads
 * that held it for about 70 s (measured here: 69 s with an OkHttp read timeout and without stopping
 * OkHttp's task runner; 0.2–0.3 s with both measures). Host pool threads started while plugin code was
 * on the stack used to pin it too, through their inherited access-control context; the host now creates
 * its threads privileged, and this test would fail if any thread still did.
 */
class DiscordUnloadIT extends SimulatorIT {

    /** Measured 0.2–0.3 s; the host's leak check allows 90 s by default, this test 20 s. */
    private static final Duration COLLECTED_WITHIN = Duration.ofSeconds(15);


    @Test
    void theUnloadedPluginsClassLoaderIsCollectedWithinSeconds() throws Exception {
        h = new DiscordHost(sim, dir).plugins("  leakCheckTimeout: 20s\n").startConnected();
        // use everything that starts threads: gateway, REST (OkHttp pool), events, a resume
        h.bot.guildMessage(general, alice, "hello");
        String id = h.host.send(DiscordHost.WORKSPACE, DiscordHost.PLATFORM, new Outbound.Post(general.id(), "hi"))
                .get(10, TimeUnit.SECONDS);
        h.host.send(DiscordHost.WORKSPACE, DiscordHost.PLATFORM, new Outbound.React(general.id(), id, "👍"))
                .get(10, TimeUnit.SECONDS);
        h.bot.inject(GatewayFault.fin());
        await().atMost(Duration.ofSeconds(30)).until(() -> h.status().libraryReconnects() >= 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> h.texts().contains("hello"));
        WeakReference<ClassLoader> oldLoader = pluginLoader();

        ReloadResult reload = h.host.reloadPlugin("discord-gateway").toCompletableFuture().get(30, TimeUnit.SECONDS);
        long unloaded = System.nanoTime();
        assertThat(reload.outcome()).isEqualTo(ReloadResult.Outcome.SWAPPED);

        await().atMost(COLLECTED_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
            System.gc();
            return oldLoader.get() == null;
        });
        long collectedMillis = (System.nanoTime() - unloaded) / 1_000_000;

        // The swap handed the connection over, make before break: epoch 2 connected beside epoch 1, then epoch 1
        // closed. A handover is no state transition (CONNECTED throughout), so the status is what shows it.
        await().atMost(Duration.ofSeconds(15)).until(() -> h.status().epoch() == 2 && h.state() == ConnectionState.CONNECTED
                && h.bot.stats().openSockets() == 1);
        assertThat(h.events.transitions).noneMatch(t -> t.to() != ConnectionState.CONNECTED && t.epoch() == 2);
        assertThat(pluginLoader().get()).as("the new plugin's loader").isNotNull();
        assertThat(plugin().leakSuspected()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("Okio Watchdog"));
        assertThat(h.bot.stats().maxOpenAtOnce()).as("two sockets only during the handover").isEqualTo(2);
        h.bot.resetMaxOpen(); // from here on, one socket: checked after the test like every scenario's
        Figures.measured("unload", "the old plugin class loader was collected " + collectedMillis + " ms after the reload"
                + " returned");
    }

    /** Kept out of the test method, so no local variable of the test holds the connection. */
    private WeakReference<ClassLoader> pluginLoader() {
        return new WeakReference<>(h.host.supervisor(DiscordHost.WORKSPACE, DiscordHost.PLATFORM).orElseThrow()
                .liveConnection().getClass().getClassLoader());
    }

    private PluginStatus plugin() {
        List<PluginStatus> plugins = h.host.status().plugins();
        return plugins.stream().filter(p -> "discord-gateway".equals(p.id())).findFirst().orElseThrow();
    }
}
