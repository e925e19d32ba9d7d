package dev.gatehouse.sim.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Everything the simulator tracks for one registered app: open sockets, armed faults, counters, history. */
final class AppState {

    /** A method fault and how many more calls it hits, unless it lasts until cleared. */
    private record ArmedFault(MethodFault fault, boolean untilCleared, AtomicInteger remaining) {
    }

    final SimSlackApp app;
    final AppCounters counters = new AppCounters();
    final BoundedLog<ApiCall> calls;
    final BoundedLog<Delivery> deliveries;
    final BoundedLog<AckRecord> acks;
    final BoundedLog<SimConnection> connectionHistory;
    /** The channels' messages, for {@code conversations.history}. */
    final ChannelHistory messages = new ChannelHistory();

    private final Object lock = new Object();
    /** Open connections, oldest first. Guarded by {@link #lock}. */
    private final List<SimConnection> open = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private int maxOpenAtOnce;
    /** Index of the next round-robin pick. Guarded by {@link #lock}. */
    private int nextPick;

    /** Fault controls: written by the test thread, read by the HTTP and WebSocket threads. */
    volatile AuthState authState = AuthState.VALID;
    volatile boolean rejectHandshakes;
    volatile boolean holdHandshakes;
    /** Handshakes being held now (see {@link SlackSimulator#holdHandshakes}). */
    final AtomicInteger handshakesHeld = new AtomicInteger();
    volatile boolean routeThroughProxy;
    private final Map<String, ArmedFault> methodFaults = new ConcurrentHashMap<>();

    AppState(SimSlackApp app, int historyLimit, boolean routeThroughProxy) {
        this.app = app;
        this.calls = new BoundedLog<>(historyLimit);
        this.deliveries = new BoundedLog<>(historyLimit);
        this.acks = new BoundedLog<>(historyLimit);
        this.connectionHistory = new BoundedLog<>(historyLimit);
        this.routeThroughProxy = routeThroughProxy;
    }

    /** Registers a newly opened connection and returns the number open now, itself included. */
    int connectionOpened(SimConnection connection) {
        counters.socketsOpened.incrementAndGet();
        connectionHistory.add(connection);
        synchronized (lock) {
            open.add(connection);
            maxOpenAtOnce = Math.max(maxOpenAtOnce, open.size());
            return open.size();
        }
    }

    void connectionClosed(SimConnection connection) {
        synchronized (lock) {
            open.remove(connection);
        }
    }

    /** Open connections, oldest first. */
    List<SimConnection> openConnections() {
        synchronized (lock) {
            return List.copyOf(open);
        }
    }

    /** Open connections starting with the next round-robin pick, so callers can fall through on failure. */
    List<SimConnection> roundRobinOrder() {
        synchronized (lock) {
            int size = open.size();
            List<SimConnection> order = new ArrayList<>(size);
            if (size == 0) {
                return order;
            }
            int start = Math.floorMod(nextPick++, size);
            for (int i = 0; i < size; i++) {
                order.add(open.get((start + i) % size));
            }
            return order;
        }
    }

    void resetMaxOpenAtOnce() {
        synchronized (lock) {
            maxOpenAtOnce = open.size();
        }
    }

    SlackAppStats stats() {
        synchronized (lock) {
            return counters.snapshot(app.appId(), open.size(), maxOpenAtOnce);
        }
    }

    /** Arms {@code fault} for the next {@code times} calls of {@code method}, or until cleared if negative. */
    void armMethodFault(String method, MethodFault fault, int times) {
        methodFaults.put(method, new ArmedFault(fault, times < 0, new AtomicInteger(Math.max(times, 0))));
    }

    /** The fault this call of {@code method} must suffer, or {@code null}; consumes one use of a counted fault. */
    MethodFault takeMethodFault(String method) {
        ArmedFault armed = methodFaults.get(method);
        if (armed == null) {
            return null;
        }
        if (armed.untilCleared() || armed.remaining().getAndUpdate(n -> Math.max(n - 1, 0)) > 0) {
            return armed.fault();
        }
        methodFaults.remove(method, armed);
        return null;
    }

    void clearMethodFault(String method) {
        methodFaults.remove(method);
    }

    void clearMethodFaults() {
        methodFaults.clear();
    }
}
