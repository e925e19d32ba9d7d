package dev.gatehouse.host.supervisor;

import dev.gatehouse.api.GatewayHealth;

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
     * When the plugin last marked a sign of life (the supervisor's ticker), or {@link #NEVER}. Plugins mark
     * one per event, so a sign of life is a field the supervisor reads when it judges staleness, not a task
     * for it: no wake-up of the supervision thread and no snapshot per event. Two threads marking at once
     * may leave the earlier of their two readings, microseconds apart; staleness is judged in seconds.
     */
    private volatile long lastAliveNanos = NEVER;
    static final long NEVER = Long.MIN_VALUE;

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
        Supervisor sup = supervisor;
        if (sup != null) {
            lastAliveNanos = sup.nanos();
        }
    }

    /** The ticker time of the latest {@link #markAlive}, or {@link #NEVER}. */
    long lastAliveNanos() {
        return lastAliveNanos;
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

        record Fatal(String cause) implements Signal { }

        record NotHookable(String reason) implements Signal { }

        record Sockets(int count) implements Signal { }

        record ServerConnections(int count) implements Signal { }
    }
}
