package dev.gatehouse.slack.it;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.sim.slack.SimConnection;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Socket-level observations of one simulator app. */
final class SimSockets {

    private SimSockets() {
    }

    /** Waits for a connection of the app opened after {@code old}, and returns it. */
    static SimConnection awaitReplacement(SlackSimulator sim, SimSlackApp app, SimConnection old, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(20))
                .until(() -> sim.connectionHistory(app).stream().anyMatch(c -> c.id() > old.id()));
        List<SimConnection> newer = sim.connectionHistory(app).stream().filter(c -> c.id() > old.id()).toList();
        return newer.get(0);
    }

    /** Milliseconds from {@code from} until {@code c} closed, waiting for it up to {@code within}. */
    static long millisUntilClosed(SimConnection c, Instant from, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(10)).until(() -> !c.isOpen());
        return Duration.between(from, c.closeInfo().orElseThrow().at()).toMillis();
    }

    static long millisBetween(Instant a, Instant b) {
        return Duration.between(a, b).toMillis();
    }
}
