package dev.gatehouse.host.supervisor;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.host.status.ConnectionStatus;

/**
 * What lock-free readers see of a supervisor: its status, its live connection, and the earliest bound
 * of an open or close that has not returned (to tell a hung call at any later instant).
 */
record SupervisorSnapshot(ConnectionStatus status, GatewayConnection live, long hungDeadlineNanos) {

    /** Why this connection withholds the watchdog heartbeat at {@code now}, or {@code null}. */
    String withholdReason(long now) {
        if (now >= hungDeadlineNanos) {
            return "an open or close call is hung";
        }
        if (status.networkDown()) {
            return null;
        }
        // A stale connection withholds once a probe found the network up, which is also when the host
        // starts replacing it: from then on it is RECONNECTING or BACKING_OFF until it is healthy again.
        return switch (status.state()) {
            case RECONNECTING -> "reconnecting";
            case BACKING_OFF -> "backing off after a failed attempt";
            case CONNECTING, CONNECTED, DISCONNECTED, FAILED, STOPPED -> null;
        };
    }

    /** The same snapshot with the withholding reason at {@code now} filled into the status. */
    SupervisorSnapshot stamped(long now) {
        String reason = withholdReason(now);
        return reason == null ? this : new SupervisorSnapshot(status.withHeartbeatWithheldBecause(reason), live, hungDeadlineNanos);
    }
}
