package dev.gatehouse.slack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.sim.slack.ConnectionFault;
import dev.gatehouse.sim.slack.Delivery;
import dev.gatehouse.sim.slack.MethodFault;
import dev.gatehouse.sim.slack.SimSlackApp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Outages the library cannot heal within the host's patience (staleAfter 3 s): the host forces
 * reconnects on its backoff schedule (base 200 ms, jitter fixed at 1), recovers when Slack does, and
 * exits when the attempt budget is spent.
 */
class OutageIT extends SimulatorIT {

    /**
     * Backoffs since {@code sinceNanos}: the first connect may itself have failed and backed off on a
     * loaded machine (class loading in a fresh plugin loader against a short open timeout), and those
     * backoffs are not the fault's.
     */
    private List<Timeline.Transition> backoffsSince(String ws, long sinceNanos) {
        return host.timeline.into(ws, ConnectionState.BACKING_OFF).stream().filter(t -> t.nanos() >= sinceNanos).toList();
    }

    @Test
    void connectionsOpenFailingPastStaleAfterIsRetriedOnTheBackoffScheduleAndRecovers() throws Exception {
        Map<String, MethodFault> faults = new LinkedHashMap<>();
        faults.put("http500", MethodFault.serverError());
        faults.put("http429", MethodFault.rateLimited(1));
        faults.put("okfalse", MethodFault.errorReply("internal_error"));
        Map<String, SimSlackApp> apps = new LinkedHashMap<>();
        SlackHost.Builder b = SlackHost.builder(sim, dir).health("staleAfter", "3s").health("maxReconnectAttempts", "10");
        faults.keySet().forEach(ws -> {
            apps.put(ws, sim.registerApp());
            b.workspace(ws, apps.get(ws));
        });
        host = b.start();
        faults.keySet().forEach(host::awaitConnected);

        long t0 = System.nanoTime();
        faults.forEach((ws, fault) -> {
            sim.resetMaxOpenAtOnce(apps.get(ws));
            sim.failMethod(apps.get(ws), "apps.connections.open", fault);
            sim.inject(sim.oldestConnection(apps.get(ws)), ConnectionFault.abruptClose());
        });
        for (String ws : faults.keySet()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> backoffsSince(ws, t0).size() >= 3);
        }
        long cleared = System.nanoTime();
        faults.keySet().forEach(ws -> sim.clearMethodFault(apps.get(ws), "apps.connections.open"));

        for (String ws : faults.keySet()) {
            SimSlackApp app = apps.get(ws);
            host.awaitState(ws, ConnectionState.CONNECTED, Duration.ofSeconds(10));
            Timeline.Transition down = host.timeline.firstInto(ws, ConnectionState.DISCONNECTED, t0);
            Timeline.Transition forced = host.timeline.firstInto(ws, ConnectionState.RECONNECTING, t0);
            Timeline.Transition up = host.timeline.firstInto(ws, ConnectionState.CONNECTED, cleared);
            assertThat(Figures.millisBetween(down.nanos(), forced.nanos())).isGreaterThanOrEqualTo(3000);
            List<String> backoffs = backoffsSince(ws, t0).stream().map(Timeline.Transition::cause).toList();
            assertThat(backoffs.get(0)).contains("apps.connections.open").contains("next in 200 ms");
            assertThat(backoffs.get(1)).contains("next in 400 ms");
            assertThat(backoffs.get(2)).contains("next in 800 ms");
            assertThat(host.status(ws).forcedReconnects()).isEqualTo(1);
            assertThat(host.status(ws).consecutiveFailures()).isZero();
            assertThat(sim.stats(app).maxOpenAtOnce()).isLessThanOrEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);
            Delivery d = sim.pushMessage(app, "C1", "U1", "back");
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.ackFor(app, d.envelopeId()).isPresent());
            Figures.record("apps.connections.open " + ws + ": fault -> host DISCONNECTED (ms)", Figures.millisBetween(t0, down.nanos()));
            Figures.record("apps.connections.open " + ws + ": fault -> first forced reconnect (ms)", Figures.millisBetween(t0, forced.nanos()));
            Figures.record("apps.connections.open " + ws + ": fault cleared -> host CONNECTED (ms)", Figures.millisBetween(cleared, up.nanos()));
            Figures.record("apps.connections.open " + ws + ": max sockets open at once", sim.stats(app).maxOpenAtOnce());
        }
        assertThat(host.exit.requests).isEmpty();
    }

    @Test
    void connectionsOpenFailingPastTheAttemptBudgetTakesTheHostsExitPath() throws Exception {
        SimSlackApp app = sim.registerApp();
        host = SlackHost.builder(sim, dir).workspace("acme", app).health("staleAfter", "3s")
                .health("maxReconnectAttempts", "3").start().awaitConnected("acme");
        sim.failMethod(app, "apps.connections.open", MethodFault.serverError());
        long t0 = System.nanoTime();
        sim.inject(sim.oldestConnection(app), ConnectionFault.abruptClose());

        await().atMost(Duration.ofSeconds(20)).until(() -> !host.exit.requests.isEmpty());
        Figures.record("apps.connections.open failing past 3 attempts: fault -> exit requested (ms)", Figures.millisSince(t0));
        assertThat(host.exit.requests).singleElement().satisfies(r -> {
            assertThat(r.code()).isNotZero();
            assertThat(r.reason()).contains("3 consecutive failed connection attempts").contains("apps.connections.open");
        });
        assertThat(host.state("acme")).isEqualTo(ConnectionState.STOPPED);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 0);
        long opens = sim.stats(app).connectionsOpenCalls();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(2 + 5))
                .until(() -> sim.stats(app).connectionsOpenCalls() == opens);
    }

    @Test
    void rejectedHandshakesAreHealedByTheHostOnceTheGatewayAcceptsAgain() throws Exception {
        SimSlackApp app = sim.registerApp();
        host = SlackHost.builder(sim, dir).workspace("acme", app).health("staleAfter", "3s")
                .health("openTimeout", "4s").start().awaitConnected("acme");
        sim.resetMaxOpenAtOnce(app);
        sim.rejectHandshakes(app, true);
        long t0 = System.nanoTime();
        sim.inject(sim.oldestConnection(app), ConnectionFault.abruptClose());

        await().atMost(Duration.ofSeconds(20)).until(() -> !backoffsSince("acme", t0).isEmpty());
        // The plugin's connect fails as soon as the handshake is refused; a bound of the host's may run out first
        // on a loaded machine.
        assertThat(backoffsSince("acme", t0).get(0).cause()).containsAnyOf("WebSocket handshake",
                "not connected within 4 s", "open did not return within 4 s");
        assertThat(sim.stats(app).handshakesRejected()).isPositive();
        long cleared = System.nanoTime();
        sim.rejectHandshakes(app, false);
        host.awaitState("acme", ConnectionState.CONNECTED, Duration.ofSeconds(15));
        Timeline.Transition up = host.timeline.firstInto("acme", ConnectionState.CONNECTED, cleared);
        assertThat(sim.stats(app).maxOpenAtOnce()).isLessThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);
        // Usually DISCONNECTED (the plugin reports the loss); on a loaded machine the SDK may have dropped the
        // socket itself just before the fault, and the host then leaves DISCONNECTED/RECONNECTING instead.
        Timeline.Transition down = host.timeline.firstOutOf("acme", ConnectionState.CONNECTED, t0);
        if (down != null) {
            Figures.record("handshake rejected: fault -> host left CONNECTED (ms)", Figures.millisBetween(t0, down.nanos()));
        }
        Figures.record("handshake rejected: fault cleared -> host CONNECTED (ms)", Figures.millisBetween(cleared, up.nanos()));
        Figures.record("handshake rejected: max sockets open at once", sim.stats(app).maxOpenAtOnce());
    }
}
