package dev.gatehouse.host.testing;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.SupervisorListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records everything a supervisor reports, for assertions on the whole history. */
public final class RecordingListener implements SupervisorListener {

    public final List<String> transitions = new CopyOnWriteArrayList<>();
    public final List<String> causes = new CopyOnWriteArrayList<>();
    public final List<ReconnectKind> reconnects = new CopyOnWriteArrayList<>();
    public final List<OutageEvent> outages = new CopyOnWriteArrayList<>();
    public final List<Boolean> staleProbes = new CopyOnWriteArrayList<>();
    public final List<String> giveUps = new CopyOnWriteArrayList<>();

    @Override
    public void onTransition(ConnectionKey key, long epoch, ConnectionState from, ConnectionState to, String cause) {
        transitions.add(from + "->" + to);
        causes.add(to + ": " + cause);
    }

    @Override
    public void onReconnect(ConnectionKey key, ReconnectKind kind) {
        reconnects.add(kind);
    }

    @Override
    public void onOutage(OutageEvent outage) {
        outages.add(outage);
    }

    @Override
    public void onStale(ConnectionKey key, boolean networkUp) {
        staleProbes.add(networkUp);
    }

    @Override
    public void onGiveUp(ConnectionKey key, String reason) {
        giveUps.add(reason);
    }

    public long count(ReconnectKind kind) {
        return reconnects.stream().filter(k -> k == kind).count();
    }
}
