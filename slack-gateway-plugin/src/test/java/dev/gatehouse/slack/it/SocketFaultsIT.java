package dev.gatehouse.slack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.sim.slack.AckRecord;
import dev.gatehouse.sim.slack.ConnectionFault;
import dev.gatehouse.sim.slack.Delivery;
import dev.gatehouse.sim.slack.DisconnectReason;
import dev.gatehouse.sim.slack.SimConnection;
import dev.gatehouse.sim.slack.SimSlackApp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Faults on an open WebSocket: the library heals them itself, the plugin reports them honestly, and
 * the host never needs to force anything (staleAfter 8 s, above the SDK's 5 s session check).
 * Independent scenarios run side by side as workspaces of one host.
 */
class SocketFaultsIT extends SimulatorIT {

    /** Half-open and black hole: a monitor tick, 3 s of unanswered pings, a reconnect (note §4: ≤ 11.5 s) + 5 s. */
    private static final Duration SILENCE_RECOVERY = Duration.ofSeconds(19);

    private SlackHost start(Map<String, SimSlackApp> workspaces, Map<String, String> health) throws Exception {
        SlackHost.Builder b = SlackHost.builder(sim, dir);
        workspaces.forEach(b::workspace);
        health.forEach(b::health);
        host = b.start();
        workspaces.keySet().forEach(host::awaitConnected);
        workspaces.values().forEach(sim::resetMaxOpenAtOnce);
        return host;
    }

    /** An event pushed now reaches the bot and is acknowledged in time. */
    private void assertEventsFlow(String workspace, SimSlackApp app) {
        Delivery d = sim.pushMessage(app, "C1", "U1", "still there? " + workspace);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.ackFor(app, d.envelopeId()).isPresent());
        assertThat(sim.ackFor(app, d.envelopeId()).orElseThrow().late()).isFalse();
    }

    @Test
    void abruptCloseResetAndCloseFrameAreHealedByTheLibraryAndShowAsABlip() throws Exception {
        Map<String, ConnectionFault> faults = new LinkedHashMap<>();
        faults.put("abrupt", ConnectionFault.abruptClose());
        faults.put("reset", ConnectionFault.reset());
        faults.put("frame", ConnectionFault.closeFrame(1001, "going away"));
        Map<String, SimSlackApp> apps = new LinkedHashMap<>();
        faults.keySet().forEach(ws -> apps.put(ws, sim.registerApp()));
        start(apps, Map.of());

        Map<String, SimConnection> old = new LinkedHashMap<>();
        apps.forEach((ws, app) -> old.put(ws, sim.oldestConnection(app)));
        long t0 = System.nanoTime();
        Instant injected = Instant.now();
        faults.forEach((ws, fault) -> sim.inject(old.get(ws), fault));

        for (String ws : faults.keySet()) {
            SimSlackApp app = apps.get(ws);
            // Bounds: the figures (close confirmed at once; the SDK's next 5 s monitor tick reconnects, note
            // §4) plus 5 s, as a loaded machine can make the tick land one period later.
            await().atMost(Duration.ofSeconds(3 + 5)).until(() -> host.timeline.firstInto(ws, ConnectionState.DISCONNECTED, t0) != null);
            Timeline.Transition down = host.timeline.firstInto(ws, ConnectionState.DISCONNECTED, t0);
            await().atMost(Duration.ofSeconds(8 + 5)).until(() -> host.timeline.firstInto(ws, ConnectionState.CONNECTED, down.nanos()) != null);
            Timeline.Transition up = host.timeline.firstInto(ws, ConnectionState.CONNECTED, down.nanos());
            SimConnection replacement = SimSockets.awaitReplacement(sim, app, old.get(ws), Duration.ofSeconds(5));

            assertThat(host.timeline.edges(ws)).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED",
                    "CONNECTED->DISCONNECTED", "DISCONNECTED->CONNECTED");
            assertThat(down.cause()).contains("socket closed");
            assertThat(up.cause()).isEqualTo("library reconnected");
            assertThat(host.status(ws).forcedReconnects()).isZero();
            assertThat(host.status(ws).libraryReconnects()).isEqualTo(1);
            assertThat(host.status(ws).epoch()).isEqualTo(1);
            assertThat(old.get(ws).isOpen()).isFalse();
            assertThat(sim.stats(app).maxOpenAtOnce()).isLessThanOrEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);
            assertThat(host.status(ws).sockets()).isEqualTo(1);
            assertEventsFlow(ws, app);
            Figures.record(ws + ": fault -> host DISCONNECTED (ms)", Figures.millisBetween(t0, down.nanos()));
            Figures.record(ws + ": fault -> host CONNECTED (ms)", Figures.millisBetween(t0, up.nanos()));
            Figures.record(ws + ": fault -> new socket (ms)", SimSockets.millisBetween(injected, replacement.openedAt()));
            Figures.record(ws + ": max sockets open at once", sim.stats(app).maxOpenAtOnce());
        }
    }

    @Test
    void halfOpenAndBlackHoleAreReplacedWithinThePingBudgetWithoutADisconnect() throws Exception {
        SimSlackApp halfOpen = sim.registerApp();
        SimSlackApp blackHole = sim.registerApp();
        sim.routeThroughProxy(blackHole, true);
        start(Map.of("halfopen", halfOpen, "blackhole", blackHole), Map.of());
        SimConnection oldHalf = sim.oldestConnection(halfOpen);
        SimConnection oldHole = sim.oldestConnection(blackHole);
        Instant injected = Instant.now();
        sim.inject(oldHalf, ConnectionFault.halfOpen());
        sim.inject(oldHole, ConnectionFault.blackHole());

        // Trap I: envelopes keep arriving while the SDK replaces the half-open socket.
        List<Delivery> duringRecovery = new ArrayList<>();
        SimConnection newHalf = null;
        long deadline = System.nanoTime() + SILENCE_RECOVERY.toNanos();
        while (newHalf == null && System.nanoTime() < deadline) {
            duringRecovery.add(sim.pushMessage(halfOpen, "C1", "U1", "during recovery " + duringRecovery.size()));
            List<SimConnection> newer = sim.connectionHistory(halfOpen).stream().filter(c -> c.id() > oldHalf.id()).toList();
            newHalf = newer.isEmpty() ? null : newer.get(0);
            await().pollDelay(Duration.ofMillis(250)).until(() -> true);
        }
        assertThat(newHalf).as("half-open socket replaced within %s", SILENCE_RECOVERY).isNotNull();
        long halfReplacedMs = SimSockets.millisBetween(injected, newHalf.openedAt());
        // Trap I: Tyrus holds the new socket's frames while it pings the old one (≈3.1 s), so envelopes
        // sent on it now are acknowledged late; Slack redelivers them and the host's dedupe keeps the bot
        // from seeing any twice.
        List<Delivery> onHeldSocket = new ArrayList<>();
        for (int i = 0; i < 3 && newHalf.isOpen(); i++) {
            onHeldSocket.add(sim.pushMessage(newHalf, "C1", "U1", "on the held socket " + i));
        }
        duringRecovery.addAll(onHeldSocket);
        long halfOldClosedMs = SimSockets.millisUntilClosed(oldHalf, newHalf.openedAt(), Duration.ofSeconds(6));
        for (int i = 0; i < 4; i++) {
            duringRecovery.add(sim.pushMessage(halfOpen, "C1", "U1", "after recovery " + i));
        }
        await().atMost(Duration.ofSeconds(8)).until(() -> duringRecovery.stream()
                .allMatch(d -> sim.ackFor(halfOpen, d.envelopeId()).isPresent()
                        || sim.deliveriesOfEvent(halfOpen, d.eventId()).stream()
                                .anyMatch(r -> sim.ackFor(halfOpen, r.envelopeId()).isPresent())));
        // Envelopes the SDK holds back for ≈3.1 s (trap I) may be redelivered; the bot still sees each once.
        await().atMost(Duration.ofSeconds(5)).until(() -> host.events("halfopen").size() >= duringRecovery.size());
        assertThat(host.events("halfopen")).extracting(e -> ((MessageEvent) e).text()).doesNotHaveDuplicates()
                .hasSize(duringRecovery.size());
        assertThat(sim.stats(halfOpen).maxOpenAtOnce()).isLessThanOrEqualTo(2);
        assertThat(sim.stats(halfOpen).openNow()).isEqualTo(1);

        SimConnection newHole = SimSockets.awaitReplacement(sim, blackHole, oldHole, SILENCE_RECOVERY);
        long holeReplacedMs = SimSockets.millisBetween(injected, newHole.openedAt());
        assertThat(sim.stats(blackHole).maxOpenAtOnce()).isLessThanOrEqualTo(2);
        Instant cleared = Instant.now();
        sim.clearFaults(oldHole); // the held close frame now reaches the simulator
        long holeOldClosedMs = SimSockets.millisUntilClosed(oldHole, cleared, Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(blackHole).openNow() == 1);

        for (String ws : List.of("halfopen", "blackhole")) {
            assertThat(host.timeline.edges(ws)).as(ws + " never reported down")
                    .containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED");
            assertThat(host.status(ws).forcedReconnects()).isZero();
            assertThat(host.state(ws)).isEqualTo(ConnectionState.CONNECTED);
        }
        assertEventsFlow("halfopen", halfOpen);
        assertEventsFlow("blackhole", blackHole);
        List<AckRecord> acks = sim.acks(halfOpen);
        Figures.record("half-open: fault -> new socket (ms)", halfReplacedMs);
        Figures.record("half-open: new socket -> old socket closed (ms)", halfOldClosedMs);
        Figures.record("half-open: host DISCONNECTED transitions", 0);
        Figures.record("half-open: acks during recovery, max latency (ms)", acks.stream().mapToLong(AckRecord::latencyMillis).max().orElse(-1));
        Figures.record("half-open: late acks (> 3 s) during recovery (trap I)", acks.stream().filter(AckRecord::late).count());
        Figures.record("half-open: envelopes sent on the held new socket, their ack latencies (ms)", onHeldSocket.stream()
                .map(d -> sim.ackFor(halfOpen, d.envelopeId()).map(AckRecord::latencyMillis).orElse(-1L)).toList());
        Figures.record("half-open: redeliveries", sim.stats(halfOpen).redeliveries());
        Figures.record("half-open: max sockets open at once", sim.stats(halfOpen).maxOpenAtOnce());
        Figures.record("black hole: fault -> new socket (ms)", holeReplacedMs);
        Figures.record("black hole: path cleared -> old socket closed (ms)", holeOldClosedMs);
        Figures.record("black hole: max sockets open at once", sim.stats(blackHole).maxOpenAtOnce());
    }

    @Test
    void aRefreshLosesNothingAndNeverShowsAsADisconnect() throws Exception {
        SimSlackApp app = sim.registerApp();
        start(Map.of("acme", app), Map.of());
        for (DisconnectReason reason : List.of(DisconnectReason.REFRESH_REQUESTED, DisconnectReason.WARNING)) {
            SimConnection old = sim.oldestConnection(app);
            Instant sent = Instant.now();
            sim.sendDisconnect(old, reason);
            Delivery onOldSocket = sim.pushMessage(old, "C1", "U1", "sent during " + reason.wireName());
            SimConnection replacement = SimSockets.awaitReplacement(sim, app, old, Duration.ofSeconds(5));
            long oldClosedMs = SimSockets.millisUntilClosed(old, replacement.openedAt(), Duration.ofSeconds(1 + 5));
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.ackFor(app, onOldSocket.envelopeId()).isPresent());
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);
            assertThat(host.events).filteredOn(e -> e instanceof MessageEvent m
                    && m.text().equals("sent during " + reason.wireName())).hasSize(1);
            Figures.record(reason.wireName() + ": disconnect message -> new socket (ms)",
                    SimSockets.millisBetween(sent, replacement.openedAt()));
            Figures.record(reason.wireName() + ": new socket -> old socket closed (ms)", oldClosedMs);
        }
        assertThat(host.timeline.edges("acme")).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED");
        assertThat(host.status("acme").libraryReconnects()).isZero();
        assertThat(host.status("acme").forcedReconnects()).isZero();
        assertThat(sim.stats(app).maxOpenAtOnce()).isEqualTo(2);
        assertThat(sim.acks(app)).noneMatch(AckRecord::late);
        await().atMost(Duration.ofSeconds(5)).until(() -> host.status("acme").sockets() == 1);
        assertThat(host.status("acme").serverConnections()).isLessThanOrEqualTo(2);
        Figures.record("refresh: max sockets open at once", sim.stats(app).maxOpenAtOnce());
    }

    @Test
    void tooManyWebsocketsAndLinkDisabledWaitForTheHostsPolicyInsteadOfLooping() throws Exception {
        Map<String, DisconnectReason> reasons = new LinkedHashMap<>();
        reasons.put("toomany", DisconnectReason.TOO_MANY_WEBSOCKETS);
        reasons.put("disabled", DisconnectReason.LINK_DISABLED);
        Map<String, SimSlackApp> apps = new LinkedHashMap<>();
        reasons.keySet().forEach(ws -> apps.put(ws, sim.registerApp()));
        start(apps, Map.of("staleAfter", "3s"));
        long t0 = System.nanoTime();
        reasons.forEach((ws, reason) -> sim.sendDisconnect(sim.oldestConnection(apps.get(ws)), reason));

        // At once: reported down, the socket closed by the plugin, and the SDK kept from reconnecting.
        for (String ws : reasons.keySet()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> host.timeline.firstInto(ws, ConnectionState.DISCONNECTED, t0) != null);
            assertThat(host.timeline.firstInto(ws, ConnectionState.DISCONNECTED, t0).cause()).contains(reasons.get(ws).wireName());
        }
        for (String ws : reasons.keySet()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(apps.get(ws)).openNow() == 0);
        }
        // Then nothing until the host's policy replaces the connection, after staleAfter.
        for (var e : reasons.entrySet()) {
            String ws = e.getKey();
            SimSlackApp app = apps.get(ws);
            host.awaitState(ws, ConnectionState.CONNECTED, Duration.ofSeconds(15));
            await().atMost(Duration.ofSeconds(5)).until(() -> host.status(ws).epoch() == 2);
            Timeline.Transition down = host.timeline.firstInto(ws, ConnectionState.DISCONNECTED, t0);
            Timeline.Transition forced = host.timeline.firstInto(ws, ConnectionState.RECONNECTING, t0);
            assertThat(Figures.millisBetween(down.nanos(), forced.nanos())).isGreaterThanOrEqualTo(3000);
            assertThat(sim.apiCalls(app, "apps.connections.open")).as("no reconnect attempt between the message and the host's")
                    .noneMatch(c -> c.at().isAfter(down.at()) && c.at().isBefore(forced.at()));
            assertThat(host.timeline.edges(ws)).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED",
                    "CONNECTED->DISCONNECTED", "DISCONNECTED->RECONNECTING", "RECONNECTING->CONNECTED");
            assertThat(host.status(ws).forcedReconnects()).isEqualTo(1);
            assertThat(host.status(ws).libraryReconnects()).isZero();
            assertThat(sim.stats(app).maxOpenAtOnce()).isLessThanOrEqualTo(2);
            assertThat(sim.stats(app).openNow()).isEqualTo(1);
            assertEventsFlow(ws, app);
            Figures.record(e.getValue().wireName() + ": message -> host DISCONNECTED (ms)", Figures.millisBetween(t0, down.nanos()));
            Figures.record(e.getValue().wireName() + ": message -> host's forced reconnect (ms)", Figures.millisBetween(t0, forced.nanos()));
            Figures.record(e.getValue().wireName() + ": max sockets open at once", sim.stats(app).maxOpenAtOnce());
        }
    }
}
