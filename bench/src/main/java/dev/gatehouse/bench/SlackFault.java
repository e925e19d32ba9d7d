package dev.gatehouse.bench;

import dev.gatehouse.sim.slack.ConnectionFault;
import dev.gatehouse.sim.slack.DisconnectReason;
import dev.gatehouse.sim.slack.MethodFault;
import dev.gatehouse.sim.slack.SimConnection;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.util.Arrays;
import java.util.List;

/**
 * Every fault the Slack simulator can inject, as one recovery trial applies it to one app's only socket.
 * A <em>sustained</em> fault (the {@code apps.connections.open} outage) lasts a set time and its trial is
 * timed from its end, when recovery becomes possible; every other trial is timed from the injection.
 */
enum SlackFault {
    ABRUPT_CLOSE("abrupt-close", "TCP FIN, no close frame"),
    RST("rst", "TCP reset"),
    HALF_OPEN("half-open", "pings unanswered, envelopes still flow"),
    REFRESH("refresh", "disconnect message, refresh_requested"),
    BLACK_HOLE("black-hole", "nothing crosses the socket (via the proxy)"),
    OUTAGE("outage", "socket dropped, apps.connections.open HTTP 500 for --outage; timed from its end");

    static final String CONNECTIONS_OPEN = "apps.connections.open";

    private final String key;
    private final String description;

    SlackFault(String key, String description) {
        this.key = key;
        this.description = description;
    }

    String key() {
        return key;
    }

    String description() {
        return description;
    }

    boolean sustained() {
        return this == OUTAGE;
    }

    static List<String> names() {
        return Arrays.stream(values()).map(SlackFault::key).toList();
    }

    static SlackFault of(String key) {
        return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst().orElseThrow();
    }

    /** Starts the fault on the app's socket {@code connection}. */
    void inject(SlackSimulator sim, SimConnection connection) {
        switch (this) {
            case ABRUPT_CLOSE -> sim.inject(connection, ConnectionFault.abruptClose());
            case RST -> sim.inject(connection, ConnectionFault.reset());
            case HALF_OPEN -> sim.inject(connection, ConnectionFault.halfOpen());
            case REFRESH -> sim.sendDisconnect(connection, DisconnectReason.REFRESH_REQUESTED);
            case BLACK_HOLE -> sim.inject(connection, ConnectionFault.blackHole());
            case OUTAGE -> {
                sim.failMethod(connection.app(), CONNECTIONS_OPEN, MethodFault.serverError());
                sim.inject(connection, ConnectionFault.abruptClose());
            }
        }
    }

    /** Ends whatever of the fault still lasts: the outage, or the standing faults of the old socket. */
    void lift(SlackSimulator sim, SimConnection connection) {
        switch (this) {
            case OUTAGE -> sim.clearMethodFault(connection.app(), CONNECTIONS_OPEN);
            case HALF_OPEN, BLACK_HOLE -> sim.clearFaults(connection);
            case ABRUPT_CLOSE, RST, REFRESH -> {
                // nothing lasts
            }
        }
    }
}
