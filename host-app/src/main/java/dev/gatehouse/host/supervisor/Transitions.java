package dev.gatehouse.host.supervisor;

import static dev.gatehouse.host.status.ConnectionState.BACKING_OFF;
import static dev.gatehouse.host.status.ConnectionState.CONNECTED;
import static dev.gatehouse.host.status.ConnectionState.CONNECTING;
import static dev.gatehouse.host.status.ConnectionState.DISCONNECTED;
import static dev.gatehouse.host.status.ConnectionState.FAILED;
import static dev.gatehouse.host.status.ConnectionState.RECONNECTING;
import static dev.gatehouse.host.status.ConnectionState.STOPPED;

import dev.gatehouse.host.status.ConnectionState;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The legal edges of the supervisor's state machine, as data. */
final class Transitions {

    private static final Map<ConnectionState, Set<ConnectionState>> LEGAL = new EnumMap<>(ConnectionState.class);

    static {
        LEGAL.put(STOPPED, EnumSet.of(CONNECTING));
        LEGAL.put(CONNECTING, EnumSet.of(CONNECTED, BACKING_OFF, FAILED, STOPPED));
        LEGAL.put(CONNECTED, EnumSet.of(DISCONNECTED, RECONNECTING, BACKING_OFF, FAILED, STOPPED));
        LEGAL.put(DISCONNECTED, EnumSet.of(CONNECTED, RECONNECTING, BACKING_OFF, FAILED, STOPPED));
        LEGAL.put(RECONNECTING, EnumSet.of(CONNECTED, BACKING_OFF, FAILED, STOPPED));
        LEGAL.put(BACKING_OFF, EnumSet.of(RECONNECTING, FAILED, STOPPED));
        LEGAL.put(FAILED, EnumSet.of(RECONNECTING, STOPPED));
        for (ConnectionState s : ConnectionState.values()) {
            if (!LEGAL.containsKey(s)) {
                throw new ExceptionInInitializerError("no transitions declared from " + s);
            }
        }
    }

    private Transitions() {
    }

    static boolean isLegal(ConnectionState from, ConnectionState to) {
        return LEGAL.get(from).contains(to);
    }

    static void check(ConnectionKey key, long epoch, ConnectionState from, ConnectionState to) {
        if (!isLegal(from, to)) {
            throw new IllegalStateException(key + " epoch " + epoch + ": illegal transition " + from + " -> " + to);
        }
    }
}
