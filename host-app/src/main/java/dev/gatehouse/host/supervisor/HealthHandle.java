package dev.gatehouse.host.supervisor;

import dev.gatehouse.api.GatewayHealth;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link GatewayHealth} of one attempt. Forwards to its supervisor tagged with its epoch; after
 * {@link #revoke()} it drops every signal and forgets the supervisor, so a plugin holding on to an old
 * handle pins nothing of the host.
 */
final class HealthHandle implements GatewayHealth {

    private final long epoch;
    /** Null once revoked; written once, read from any thread. */
    private volatile Supervisor supervisor;
    /**
     * Set while a sign of life waits in the supervisor's mailbox. Plugins mark one per event, and each task
     * costs a snapshot; the task reads the clock when it runs, so one pending task records a burst as well
     * as a task per event would.
     */
    private final AtomicBoolean alivePending = new AtomicBoolean();

    HealthHandle(Supervisor supervisor, long epoch) {
        this.supervisor = supervisor;
        this.epoch = epoch;
    }

    long epoch() {
        return epoch;
    }

    void revoke() {
        supervisor = null;
    }

    private void signal(Signal s) {
        Supervisor sup = supervisor;
        if (sup == null) {
            return;
        }
        try {
            sup.onSignal(this, s);
        } catch (RuntimeException e) {
            // A plugin's call must never fail because of the host; the supervisor logs its own errors.
        }
    }

    @Override
    public void markConnected(boolean resumed) {
        signal(new Signal.Connected(resumed));
    }

    @Override
    public void markDisconnected(String cause) {
        signal(new Signal.Disconnected(String.valueOf(cause)));
    }

    @Override
    public void markAlive() {
        if (alivePending.compareAndSet(false, true)) {
            signal(Signal.Alive.INSTANCE);
        }
    }

    /** The supervisor's task took the pending sign of life (before reading the clock): the next one posts again. */
    void aliveTaken() {
        alivePending.set(false);
    }

    @Override
    public void markFatal(String cause) {
        signal(new Signal.Fatal(String.valueOf(cause)));
    }

    @Override
    public void markTransportNotHookable(String reason) {
        signal(new Signal.NotHookable(String.valueOf(reason)));
    }

    @Override
    public void reportOpenSockets(int openSockets) {
        signal(new Signal.Sockets(Math.max(0, openSockets)));
    }

    @Override
    public void reportServerConnectionCount(int connections) {
        signal(new Signal.ServerConnections(connections));
    }

    @Override
    public boolean isCurrent() {
        Supervisor sup = supervisor;
        return sup != null && sup.isCurrent(this);
    }

    @Override
    public String toString() {
        return "GatewayHealth[epoch " + epoch + (supervisor == null ? ", revoked]" : "]");
    }

    /** What a plugin reported. */
    sealed interface Signal {
        record Connected(boolean resumed) implements Signal { }

        record Disconnected(String cause) implements Signal { }

        enum Alive implements Signal { INSTANCE }

        record Fatal(String cause) implements Signal { }

        record NotHookable(String reason) implements Signal { }

        record Sockets(int count) implements Signal { }

        record ServerConnections(int count) implements Signal { }
    }
}
