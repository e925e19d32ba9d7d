package dev.gatehouse.discord;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.SupervisorListener;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the supervisor reports, each with a monotonic time stamp, to measure detection and recovery. */
final class TimedListener implements SupervisorListener {

    /** One state transition. */
    record Transition(long nanos, long epoch, ConnectionState from, ConnectionState to, String cause) {
        @Override
        public String toString() {
            return "#" + epoch + " " + from + "->" + to + " (" + cause + ")";
        }
    }

    final List<Transition> transitions = new CopyOnWriteArrayList<>();
    final List<ReconnectKind> reconnects = new CopyOnWriteArrayList<>();
    final List<OutageEvent> outages = new CopyOnWriteArrayList<>();
    final List<String> giveUps = new CopyOnWriteArrayList<>();

    @Override
    public void onTransition(ConnectionKey key, long epoch, ConnectionState from, ConnectionState to, String cause) {
        transitions.add(new Transition(System.nanoTime(), epoch, from, to, cause));
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
    public void onGiveUp(ConnectionKey key, String reason) {
        giveUps.add(reason);
    }

    /** The first transition into {@code to} at or after {@code sinceNanos}. */
    Optional<Transition> first(ConnectionState to, long sinceNanos) {
        return transitions.stream().filter(t -> t.to() == to && t.nanos() >= sinceNanos).findFirst();
    }

    /** Milliseconds from {@code sinceNanos} to the first transition into {@code to}, or -1. */
    long millisUntil(ConnectionState to, long sinceNanos) {
        return first(to, sinceNanos).map(t -> (t.nanos() - sinceNanos) / 1_000_000).orElse(-1L);
    }

    long count(ConnectionState to, long sinceNanos) {
        return transitions.stream().filter(t -> t.to() == to && t.nanos() >= sinceNanos).count();
    }

    long count(ReconnectKind kind) {
        return reconnects.stream().filter(k -> k == kind).count();
    }

    List<String> history() {
        return transitions.stream().map(Transition::toString).toList();
    }
}
