package dev.gatehouse.slack;

import dev.gatehouse.api.GatewayHealth;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link GatewayHealth} that records every signal as text, e.g. {@code connected(false)}. */
final class RecordingHealth implements GatewayHealth {

    final List<String> signals = new CopyOnWriteArrayList<>();
    volatile boolean current = true;

    @Override
    public void markConnected(boolean resumed) {
        signals.add("connected(" + resumed + ")");
    }

    @Override
    public void markDisconnected(String cause) {
        signals.add("disconnected(" + cause + ")");
    }

    @Override
    public void markAlive() {
        signals.add("alive");
    }

    @Override
    public void markFatal(String cause) {
        signals.add("fatal(" + cause + ")");
    }

    @Override
    public void markTransportNotHookable(String reason) {
        signals.add("notHookable(" + reason + ")");
    }

    @Override
    public void reportOpenSockets(int openSockets) {
        signals.add("sockets(" + openSockets + ")");
    }

    @Override
    public void reportServerConnectionCount(int connections) {
        signals.add("server(" + connections + ")");
    }

    @Override
    public boolean isCurrent() {
        return current;
    }

    List<String> starting(String prefix) {
        return signals.stream().filter(s -> s.startsWith(prefix)).toList();
    }
}
