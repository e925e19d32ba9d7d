package dev.gatehouse.slack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.sim.slack.ConnectionFault;
import dev.gatehouse.sim.slack.MethodFault;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackAppStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Trap A: the SDK's own stop/close leave a client that reconnects when it is stopped during an outage
 * or on a half-open socket. The plugin's close must leave nothing that reconnects, acknowledges or
 * keeps a thread.
 */
class CloseIT extends SimulatorIT {

    @Test
    void closingDuringHalfOpenAndDuringAnOutageLeavesNoClientThatReconnectsAndNoThread() throws Exception {
        SimSlackApp halfOpen = sim.registerApp();
        SimSlackApp outage = sim.registerApp();
        // The host must not replace anything by itself here: only the close is under test.
        SlackHost host = SlackHost.builder(sim, dir).workspace("halfopen", halfOpen).workspace("outage", outage)
                .health("staleAfter", "60s").start();
        host.awaitConnected("halfopen").awaitConnected("outage");
        ClassLoader plugin = JvmThreads.pluginLoader("gh-slack-");

        // Outage: the socket is gone and apps.connections.open fails; the SDK is retrying on its own.
        sim.failMethod(outage, "apps.connections.open", MethodFault.serverError());
        sim.inject(sim.oldestConnection(outage), ConnectionFault.abruptClose());
        host.awaitState("outage", ConnectionState.DISCONNECTED, Duration.ofSeconds(3));
        long opensBefore = sim.stats(outage).connectionsOpenCalls();
        await().atMost(Duration.ofSeconds(8)).until(() -> sim.stats(outage).connectionsOpenCalls() > opensBefore);
        // Half-open: wait until the SDK's session check is pinging the silent socket (≈3 s of pings).
        long pingsBefore = sim.stats(halfOpen).pings();
        sim.inject(sim.oldestConnection(halfOpen), ConnectionFault.halfOpen());
        await().atMost(Duration.ofSeconds(7)).until(() -> sim.stats(halfOpen).pings() >= pingsBefore + 3);

        long closing = System.nanoTime();
        host.close();
        long closeMillis = Figures.millisSince(closing);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(halfOpen).openNow() == 0 && sim.stats(outage).openNow() == 0);
        // From now on a zombie client would succeed: Slack is healthy again.
        sim.clearFaults(halfOpen);
        sim.clearFaults(outage);
        Map<SimSlackApp, SlackAppStats> atClose = Map.of(halfOpen, sim.stats(halfOpen), outage, sim.stats(outage));

        await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(15 + 5)).pollInterval(Duration.ofMillis(250))
                .until(() -> atClose.entrySet().stream().allMatch(e -> {
                    SlackAppStats now = sim.stats(e.getKey());
                    return now.openNow() == 0 && now.socketsOpened() == e.getValue().socketsOpened()
                            && now.connectionsOpenCalls() == e.getValue().connectionsOpenCalls();
                }));
        assertThat(closeMillis).isLessThan(10_000);
        Figures.record("close during half-open + outage: host.close() (ms)", closeMillis);
        Figures.record("close during half-open + outage: new sockets / apps.connections.open in the next 15 s", 0);

        // By name and by class loader, nothing of the connections (or the plugin) is left running.
        await().atMost(Duration.ofSeconds(10)).until(() -> JvmThreads.named(JvmThreads.CONNECTION_THREAD_PREFIXES).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> JvmThreads.tiedTo(plugin).isEmpty());
        Figures.record("after close: threads tied to the plugin's class loader", JvmThreads.tiedTo(plugin));
    }

    @Test
    void aReplacedConnectionLeavesNoThreadOfItsOwnAndNoSocket() throws Exception {
        SimSlackApp app = sim.registerApp();
        try (SlackHost host = SlackHost.builder(sim, dir).workspace("acme", app).start()) {
            host.awaitConnected("acme");
            List<String> grizzlyThreadsWithOneConnection = JvmThreads.named(List.of("Grizzly"));
            // The connection's serial work runs in lanes on the plugin's pools: no thread is its own.
            assertThat(JvmThreads.named(List.of("gh-slack-acme-1-"))).isEmpty();

            host.host.reconnect("acme", "slack").toCompletableFuture().get();
            await().atMost(Duration.ofSeconds(10)).until(() -> host.status("acme").epoch() == 2
                    && host.state("acme") == ConnectionState.CONNECTED);

            await().atMost(Duration.ofSeconds(10)).until(() -> JvmThreads.named(List.of("gh-slack-acme-1-")).isEmpty());
            // The shared transport's threads; beyond them at most Tyrus's one idle-timeout thread per plugin
            // (stopped with the plugin), which starts only if the transport went idle — a break-first reconnect
            // does that, a handover (new socket before the old one closes) does not.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(JvmThreads.named(List.of("Grizzly")))
                    .as("with one connection: %s", grizzlyThreadsWithOneConnection)
                    .hasSizeLessThanOrEqualTo(grizzlyThreadsWithOneConnection.size()));
            assertThat(JvmThreads.named(List.of("tyrus-"))).isSubsetOf("tyrus-grizzly-container-idle-timeout");
            assertThat(sim.stats(app).openNow()).isEqualTo(1);
            assertThat(sim.stats(app).maxOpenAtOnce()).isLessThanOrEqualTo(2);
            assertThat(host.status("acme").manualReconnects()).isEqualTo(1);
        }
    }
    /**
     * A reconnect of the plugin's own still in its WebSocket handshake when the connection is closed (the
     * workspace disabled): the close waits for it only up to its bound, then returns. The socket that
     * handshake opens once answered must be closed, not adopted by the closed connection. (A reconnect
     * still in {@code apps.connections.open} is cancelled by the close: that call is aborted.)
     */
    @Test
    void aReconnectStillInItsHandshakeWhenTheConnectionClosesLeavesNoSocketOpen() throws Exception {
        SimSlackApp app = sim.registerApp();
        try (SlackHost host = SlackHost.builder(sim, dir).workspace("acme", app).health("staleAfter", "60s")
                .health("closeTimeout", "2s").start()) {
            host.awaitConnected("acme");
            long sockets = sim.stats(app).socketsOpened();
            sim.holdHandshakes(app, true);
            sim.inject(sim.oldestConnection(app), ConnectionFault.abruptClose());
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.heldHandshakes(app) == 1);

            assertThat(host.host.disable("acme", "slack").toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
            sim.holdHandshakes(app, false);
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).socketsOpened() > sockets);

            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 0);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(3 + 5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> sim.stats(app).openNow() == 0);
            Figures.record("reconnect in its handshake at close: sockets open 3 s after the handshake ended",
                    sim.stats(app).openNow());
        }
    }
}
