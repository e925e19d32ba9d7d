package dev.gatehouse.slack.it;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.SupervisorListener;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every supervisor transition and reconnect, per workspace, with the monotonic time it happened. */
final class Timeline implements SupervisorListener {

    record Transition(String workspace, long epoch, ConnectionState from, ConnectionState to, String cause, long nanos,
            Instant at) {
        @Override
        public String toString() {
            return workspace + "#" + epoch + " " + from + "->" + to + " (" + cause + ")";
        }
    }

    record Reconnect(String workspace, ReconnectKind kind, long nanos) {
    }

    final List<Transition> transitions = new CopyOnWriteArrayList<>();
    final List<Reconnect> reconnects = new CopyOnWriteArrayList<>();
    final List<String> giveUps = new CopyOnWriteArrayList<>();

    @Override
    public void onTransition(ConnectionKey key, long epoch, ConnectionState from, ConnectionState to, String cause) {
        transitions.add(new Transition(key.workspace(), epoch, from, to, cause, System.nanoTime(), Instant.now()));
    }

    @Override
    public void onReconnect(ConnectionKey key, ReconnectKind kind) {
        reconnects.add(new Reconnect(key.workspace(), kind, System.nanoTime()));
    }

    @Override
    public void onOutage(OutageEvent outage) {
    }

    @Override
    public void onGiveUp(ConnectionKey key, String reason) {
        giveUps.add(reason);
    }

    List<Transition> of(String workspace) {
        return transitions.stream().filter(t -> t.workspace().equals(workspace)).toList();
    }

    List<Transition> into(String workspace, ConnectionState to) {
        return of(workspace).stream().filter(t -> t.to() == to).toList();
    }

    /** {@code FROM->TO} strings of one workspace, in order. */
    List<String> edges(String workspace) {
        return of(workspace).stream().map(t -> t.from() + "->" + t.to()).toList();
    }

    /** The first transition into {@code to} at or after {@code sinceNanos}, or {@code null}. */
    Transition firstInto(String workspace, ConnectionState to, long sinceNanos) {
        return of(workspace).stream().filter(t -> t.to() == to && t.nanos() >= sinceNanos).findFirst().orElse(null);
    }

    /** The first transition out of {@code from} at or after {@code sinceNanos}, or {@code null}. */
    Transition firstOutOf(String workspace, ConnectionState from, long sinceNanos) {
        return of(workspace).stream().filter(t -> t.from() == from && t.nanos() >= sinceNanos).findFirst().orElse(null);
    }

    long count(String workspace, ReconnectKind kind) {
        return reconnects.stream().filter(r -> r.workspace().equals(workspace) && r.kind() == kind).count();
    }
}
