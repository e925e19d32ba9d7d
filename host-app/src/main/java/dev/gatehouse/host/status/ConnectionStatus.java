package dev.gatehouse.host.status;

import java.time.Instant;

/**
 * An immutable snapshot of one supervised connection, published after every change. Reading it never
 * waits for the supervisor.
 *
 * @param workspace the workspace id
 * @param platform the platform key
 * @param state the current state
 * @param epoch the current attempt number (0 before the first attempt)
 * @param stateSince when the current state began
 * @param forcedReconnects reconnects the host forced after a stale connection, including retries
 * @param libraryReconnects times the library healed the transport itself
 * @param flapReconnects reconnects forced by flap detection
 * @param stormReconnects reconnect storms the host stopped
 * @param manualReconnects reconnects asked for by an operator
 * @param lastOutage the last outage report, or {@code null}
 * @param sockets sockets the plugin reports open for this connection
 * @param serverConnections connections the platform counts for this app (Slack), or -1 if unknown
 * @param lastError the last failure cause, or {@code null}
 * @param consecutiveFailures failed attempts since the last success
 * @param networkDown whether the last network probe found the platform unreachable
 * @param heartbeatWithheldBecause why this connection withholds the heartbeat file, or {@code null}
 * @param transportHookable {@code false} if the plugin declared its transport not hookable
 * @param disconnectedSince when the current continuous disconnection began, or {@code null}
 * @param supersededSignals signals ignored because they came from a superseded attempt
 * @param staleDetections times the connection was found stale
 */
public record ConnectionStatus(
        String workspace,
        String platform,
        ConnectionState state,
        long epoch,
        Instant stateSince,
        long forcedReconnects,
        long libraryReconnects,
        long flapReconnects,
        long stormReconnects,
        long manualReconnects,
        OutageEvent lastOutage,
        int sockets,
        int serverConnections,
        String lastError,
        int consecutiveFailures,
        boolean networkDown,
        String heartbeatWithheldBecause,
        boolean transportHookable,
        Instant disconnectedSince,
        long supersededSignals,
        long staleDetections) {

    /** @return a copy with the heartbeat-withholding reason set */
    public ConnectionStatus withHeartbeatWithheldBecause(String reason) {
        return new ConnectionStatus(workspace, platform, state, epoch, stateSince, forcedReconnects, libraryReconnects,
                flapReconnects, stormReconnects, manualReconnects, lastOutage, sockets, serverConnections, lastError,
                consecutiveFailures, networkDown, reason, transportHookable, disconnectedSince, supersededSignals,
                staleDetections);
    }

    /** @return a copy with another last outage report (the one published after its backfill) */
    public ConnectionStatus withLastOutage(OutageEvent outage) {
        return new ConnectionStatus(workspace, platform, state, epoch, stateSince, forcedReconnects, libraryReconnects,
                flapReconnects, stormReconnects, manualReconnects, outage, sockets, serverConnections, lastError,
                consecutiveFailures, networkDown, heartbeatWithheldBecause, transportHookable, disconnectedSince,
                supersededSignals, staleDetections);
    }

    /** @return reconnects of the given kind */
    public long reconnects(ReconnectKind kind) {
        return switch (kind) {
            case LIBRARY -> libraryReconnects;
            case FORCED -> forcedReconnects;
            case FLAP -> flapReconnects;
            case STORM -> stormReconnects;
            case MANUAL -> manualReconnects;
        };
    }
}
