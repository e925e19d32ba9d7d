package dev.gatehouse.slack;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * How many WebSockets this connection's client holds, derived from what the SDK lets the plugin see:
 * one {@code hello} per opened socket, one close callback per closed one. The SDK exposes neither its
 * sessions nor their count.
 *
 * <p>Slack's {@code hello} carries {@code num_connections}, counted when that socket opened. After a
 * make-before-break replacement the superseded socket may already be closed by the time the plugin
 * reads the {@code hello}; {@link Counts#heldWhenOpened()} adds such recently superseded sockets back,
 * so the host compares like with like and a refresh never looks like a foreign consumer.
 */
final class SocketCensus {

    /** What one {@code hello} tells. */
    record Counts(int open, int heldWhenOpened) {
    }

    /** How far back a superseded close can belong to the replacement now saying hello. */
    static final Duration SUPERSEDED_WINDOW = Duration.ofSeconds(5);

    private final LongSupplier nanos;
    /** Guarded by this. */
    private int open;
    /** Ticker stamps of sockets the client itself closed after replacing them. Guarded by this. */
    private final ArrayDeque<Long> superseded = new ArrayDeque<>();

    SocketCensus(LongSupplier nanos) {
        this.nanos = nanos;
    }

    synchronized Counts onHello() {
        open++;
        long now = nanos.getAsLong();
        while (!superseded.isEmpty() && now - superseded.peekFirst() > SUPERSEDED_WINDOW.toNanos()) {
            superseded.pollFirst();
        }
        int held = open + superseded.size();
        superseded.clear();
        return new Counts(open, held);
    }

    /**
     * @param byClient whether the client closed it itself (a superseded socket)
     * @return sockets open now
     */
    synchronized int onClose(boolean byClient) {
        open = Math.max(0, open - 1);
        if (byClient) {
            superseded.addLast(nanos.getAsLong());
        }
        return open;
    }
}
