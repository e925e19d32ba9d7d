package dev.gatehouse.tck;

import dev.gatehouse.api.GatewayHealth;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link GatewayHealth} that records every signal with its time and whether the kit had already
 * revoked the handle, as the host does when it supersedes or closes an attempt.
 */
final class RecordingHealth implements GatewayHealth {

    /** What a signal was. */
    enum Kind { CONNECTED, DISCONNECTED, ALIVE, FATAL, NOT_HOOKABLE, SOCKETS, SERVER_CONNECTIONS }

    /**
     * One recorded signal.
     *
     * @param nanos {@link System#nanoTime()} when it arrived
     * @param kind what it was
     * @param detail its cause, reason or number
     * @param afterRevoke whether the handle was revoked already
     */
    record Signal(long nanos, Kind kind, String detail, boolean afterRevoke) {
        @Override
        public String toString() {
            return kind + (detail.isEmpty() ? "" : "(" + detail + ")") + (afterRevoke ? " [after revoke]" : "");
        }
    }

    private final List<Signal> signals = new CopyOnWriteArrayList<>();
    private volatile boolean revoked;

    void revoke() {
        revoked = true;
    }

    List<Signal> signals() {
        return List.copyOf(signals);
    }

    List<Signal> since(long nanos, Kind kind) {
        return signals.stream().filter(s -> s.kind() == kind && s.nanos() >= nanos).toList();
    }

    List<Signal> afterRevoke() {
        return signals.stream().filter(Signal::afterRevoke).toList();
    }

    private void add(Kind kind, String detail) {
        signals.add(new Signal(System.nanoTime(), kind, detail == null ? "" : detail, revoked));
    }

    @Override
    public void markConnected(boolean resumed) {
        add(Kind.CONNECTED, resumed ? "resumed" : "");
    }

    @Override
    public void markDisconnected(String cause) {
        add(Kind.DISCONNECTED, cause);
    }

    @Override
    public void markAlive() {
        add(Kind.ALIVE, "");
    }

    @Override
    public void markFatal(String cause) {
        add(Kind.FATAL, cause);
    }

    @Override
    public void markTransportNotHookable(String reason) {
        add(Kind.NOT_HOOKABLE, reason);
    }

    @Override
    public void reportOpenSockets(int openSockets) {
        add(Kind.SOCKETS, Integer.toString(openSockets));
    }

    @Override
    public void reportServerConnectionCount(int connections) {
        add(Kind.SERVER_CONNECTIONS, Integer.toString(connections));
    }

    @Override
    public boolean isCurrent() {
        return !revoked;
    }
}
