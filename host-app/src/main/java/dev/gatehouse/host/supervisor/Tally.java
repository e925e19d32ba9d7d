package dev.gatehouse.host.supervisor;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.status.ReconnectKind;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/** A connection's counters and last facts. Every field is confined to the owning supervisor's mailbox. */
final class Tally {

    final Map<ReconnectKind, Long> reconnects = new EnumMap<>(ReconnectKind.class);
    long superseded;
    long staleDetections;
    OutageEvent lastOutage;
    String lastError;
    int sockets;
    int serverConnections = -1;
    private boolean censusWarned;

    void reconnect(ReconnectKind kind) {
        reconnects.merge(kind, 1L, Long::sum);
    }

    long reconnects(ReconnectKind kind) {
        return reconnects.getOrDefault(kind, 0L);
    }

    /**
     * Records a socket count the plugin reported (its own, or the platform's for this app).
     *
     * @return a warning the first time the platform counts more connections than this host holds, else {@code null}
     */
    String census(HealthHandle.Signal s) {
        if (s instanceof HealthHandle.Signal.Sockets n) {
            sockets = n.count();
            return null;
        }
        int count = ((HealthHandle.Signal.ServerConnections) s).count();
        serverConnections = count;
        if (count > Math.max(1, sockets) && !censusWarned) {
            censusWarned = true;
            return "the platform counts " + count + " connections for this app but this host holds " + Math.max(1, sockets)
                    + ": another process is consuming this app's events";
        }
        return null;
    }

    /** The status of a connection with these counters. */
    ConnectionStatus status(ConnectionKey key, ConnectionState state, long epoch, Instant since, boolean assumeOneSocket,
            int failures, boolean networkDown, boolean hookable, Instant downSince) {
        return new ConnectionStatus(key.workspace(), key.platform(), state, epoch, since,
                reconnects(ReconnectKind.FORCED), reconnects(ReconnectKind.LIBRARY), reconnects(ReconnectKind.FLAP),
                reconnects(ReconnectKind.STORM), reconnects(ReconnectKind.MANUAL), lastOutage,
                assumeOneSocket ? Math.max(sockets, 1) : sockets, serverConnections, lastError, failures, networkDown,
                null, hookable, downSince, superseded, staleDetections);
    }
}
