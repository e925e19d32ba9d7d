package dev.gatehouse.host.supervisor;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.status.ReconnectKind;

/**
 * Observes supervisors. Called on the host's supervision executor after the state change it reports,
 * in the order the events happened, one call at a time per supervisor, never on a plugin's thread;
 * implementations must be quick (they delay that supervisor's next decision) and must not throw.
 */
public interface SupervisorListener {

    /** A state change. */
    default void onTransition(ConnectionKey key, long epoch, ConnectionState from, ConnectionState to, String cause) {
    }

    /** A reconnect of the given kind began (host kinds) or completed (library). */
    default void onReconnect(ConnectionKey key, ReconnectKind kind) {
    }

    /** A connection came back on a fresh session after a long outage. */
    default void onOutage(OutageEvent outage) {
    }

    /**
     * A session came up (after {@link #onOutage} for the same gap, before the transition to CONNECTED).
     *
     * @param resumed whether the platform resumed the previous session
     * @param downFrom when the connection went down, or {@code null} if it was not down (first connect)
     * @param outage the gap's outage report (also given to {@link #onOutage}), or {@code null}
     */
    default void onSessionUp(ConnectionKey key, long epoch, boolean resumed, java.time.Instant downFrom, OutageEvent outage) {
    }

    /** A connection was found stale. */
    default void onStale(ConnectionKey key, boolean networkUp) {
    }

    /** Time spent disconnected, added when a disconnection ends. */
    default void onDowntime(ConnectionKey key, java.time.Duration down) {
    }

    /** The host decided to end the process because this connection exhausted its attempts. */
    default void onGiveUp(ConnectionKey key, String reason) {
    }
}
