package dev.gatehouse.host.supervisor;

import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.status.ReconnectKind;
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

    /** Records the platform's connection count; true the first time it exceeds what we hold. */
    boolean serverConnections(int count) {
        serverConnections = count;
        if (count > Math.max(1, sockets) && !censusWarned) {
            censusWarned = true;
            return true;
        }
        return false;
    }
}
