package dev.gatehouse.slack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.sim.slack.ConnectionFault;
import dev.gatehouse.sim.slack.Delivery;
import dev.gatehouse.sim.slack.SimConnection;
import dev.gatehouse.sim.slack.SimSlackApp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The plugin finds a lost socket itself and replaces it at once, instead of waiting for the SDK's
 * session monitor (a check every 5 s; a silent socket then takes 3 s more of unanswered pings). Each
 * fault is injected right after the client pinged, which is when the SDK's monitor has just checked:
 * left to the monitor, the replacement could not open before its next check 5 s later. The bounds
 * leave seconds of room for a loaded machine and still lie below that floor.
 */
class FastRecoveryIT extends SimulatorIT {

    /** Below the 5 s monitor period: an abrupt close or reset replaced within this did not wait for it. */
    private static final Duration CLOSE_REPLACED_WITHIN = Duration.ofMillis(3500);
    /** Below 5 s + 3 s of unanswered pings, above the default pongTimeout 2 s + pingInterval 1 s. */
    private static final Duration SILENCE_REPLACED_WITHIN = Duration.ofMillis(6500);

    private void startHost(Map<String, SimSlackApp> workspaces) throws Exception {
        SlackHost.Builder b = SlackHost.builder(sim, dir);
        workspaces.forEach(b::workspace);
        host = b.start();
        workspaces.keySet().forEach(host::awaitConnected);
    }

    /** Waits until the client pings the app's socket: the SDK's monitor pings as it checks. */
    private void awaitAPing(SimSlackApp app) {
        long before = sim.stats(app).pings();
        await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(10))
                .until(() -> sim.stats(app).pings() > before);
    }

    private SimConnection replacement(SimSlackApp app, SimConnection old, Duration within) {
        return SimSockets.awaitReplacement(sim, app, old, within.plusSeconds(10));
    }

    @Test
    void anAbruptCloseOrResetIsReplacedWithoutWaitingForTheSessionCheck() throws Exception {
        Map<String, ConnectionFault> faults = new LinkedHashMap<>();
        faults.put("abrupt", ConnectionFault.abruptClose());
        faults.put("reset", ConnectionFault.reset());
        Map<String, SimSlackApp> apps = new LinkedHashMap<>();
        faults.keySet().forEach(ws -> apps.put(ws, sim.registerApp()));
        startHost(apps);

        for (var e : faults.entrySet()) {
            SimSlackApp app = apps.get(e.getKey());
            SimConnection old = sim.oldestConnection(app);
            awaitAPing(app);
            Instant injected = Instant.now();
            sim.inject(old, e.getValue());
            long ms = SimSockets.millisBetween(injected, replacement(app, old, CLOSE_REPLACED_WITHIN).openedAt());
            Figures.record(e.getKey() + " right after a ping: fault -> new socket (ms)", ms);
            assertThat(ms).as(e.getKey() + ": fault -> new socket (ms)").isLessThan(CLOSE_REPLACED_WITHIN.toMillis());
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);
        }
    }

    @Test
    void aHalfOpenOrBlackHoledSocketIsFoundByThePluginsPings() throws Exception {
        SimSlackApp halfOpen = sim.registerApp();
        SimSlackApp blackHole = sim.registerApp();
        sim.routeThroughProxy(blackHole, true);
        startHost(Map.of("halfopen", halfOpen, "blackhole", blackHole));

        for (SimSlackApp app : List.of(halfOpen, blackHole)) {
            SimConnection old = sim.oldestConnection(app);
            awaitAPing(app);
            Instant injected = Instant.now();
            sim.inject(old, app == halfOpen ? ConnectionFault.halfOpen() : ConnectionFault.blackHole());
            SimConnection replacement = replacement(app, old, SILENCE_REPLACED_WITHIN);
            long ms = SimSockets.millisBetween(injected, replacement.openedAt());
            String name = app == halfOpen ? "half-open" : "black hole";
            Figures.record(name + " right after a ping: fault -> new socket (ms)", ms);
            assertThat(ms).as(name + ": fault -> new socket (ms)").isLessThan(SILENCE_REPLACED_WITHIN.toMillis());
            // The black-holed socket still counts as open at the simulator: push on the new one.
            Delivery d = sim.pushMessage(replacement, "C1", "U1", "after " + name);
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.ackFor(app, d.envelopeId()).isPresent());
        }
        sim.clearFaults(blackHole);
    }

    @Test
    void eachConnectionCostsAtMostThreeThreads() throws Exception {
        SimSlackApp first = sim.registerApp();
        startHost(Map.of("solo", first));
        exchangeAnEvent(Map.of("solo", first));
        int one = JvmThreads.named(JvmThreads.CONNECTION_THREAD_PREFIXES).size();
        host.close();
        host = null;

        int more = 20;
        Map<String, SimSlackApp> apps = new LinkedHashMap<>();
        IntStream.rangeClosed(0, more).forEach(i -> apps.put("ws" + i, sim.registerApp()));
        startHost(apps);
        exchangeAnEvent(apps);
        List<String> names = JvmThreads.named(JvmThreads.CONNECTION_THREAD_PREFIXES);
        double perConnection = (names.size() - one) / (double) more;
        Figures.record("threads per Slack connection (" + (more + 1) + " vs 1 workspace)", perConnection);
        Figures.record("Slack threads with " + (more + 1) + " workspaces, by name", byPattern(names));
        assertThat(perConnection).as("threads per connection; threads now: %s", names).isLessThanOrEqualTo(3.0);
    }

    private static Map<String, Long> byPattern(List<String> names) {
        return names.stream().collect(java.util.stream.Collectors.groupingBy(
                n -> n.replaceAll("ws\\d+", "ws#").replaceAll("\\d+", "#"), java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
    }

    /** Every workspace handles one event, so every connection's lanes and acknowledgements have run. */
    private void exchangeAnEvent(Map<String, SimSlackApp> apps) {
        apps.forEach((ws, app) -> {
            Delivery d = sim.pushMessage(app, "C1", "U1", "hello " + ws);
            await().atMost(Duration.ofSeconds(10)).until(() -> sim.ackFor(app, d.envelopeId()).isPresent());
        });
    }
}
