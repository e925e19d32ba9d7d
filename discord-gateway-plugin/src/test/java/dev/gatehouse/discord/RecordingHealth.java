package dev.gatehouse.discord;

import dev.gatehouse.api.GatewayHealth;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every health signal as a line, for assertions on the whole sequence. */
final class RecordingHealth implements GatewayHealth {

    final List<String> signals = new CopyOnWriteArrayList<>();
    volatile int alive;
    volatile int sockets = -1;

    @Override
    public void markConnected(boolean resumed) {
        signals.add(resumed ? "connected (resumed)" : "connected");
    }

    @Override
    public void markDisconnected(String cause) {
        signals.add("disconnected: " + cause);
    }

    @Override
    public void markAlive() {
        alive++;
    }

    @Override
    public void markFatal(String cause) {
        signals.add("fatal: " + cause);
    }

    @Override
    public void markTransportNotHookable(String reason) {
        signals.add("not hookable: " + reason);
    }

    @Override
    public void reportOpenSockets(int openSockets) {
        sockets = openSockets;
    }

    @Override
    public void reportServerConnectionCount(int connections) {
    }

    @Override
    public boolean isCurrent() {
        return true;
    }

    long disconnects() {
        return signals.stream().filter(s -> s.startsWith("disconnected")).count();
    }
}
