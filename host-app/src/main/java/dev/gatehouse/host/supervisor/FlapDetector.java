package dev.gatehouse.host.supervisor;

import java.util.ArrayDeque;

/**
 * Finds a connection that is down most of the time without ever staying down long enough to be
 * stale — e.g. 150 s down, 10 s up, forever. Keeps the down intervals of a sliding window. Not
 * thread-safe: confined to the supervisor's mailbox.
 */
final class FlapDetector {

    /** Closed down intervals {start, end} in ticker nanos, oldest first. */
    private final ArrayDeque<long[]> closed = new ArrayDeque<>();
    private long openSince = -1;
    private long observingSince;
    private long lastActionAt = Long.MIN_VALUE;

    FlapDetector(long nowNanos) {
        this.observingSince = nowNanos;
    }

    void down(long nowNanos) {
        if (openSince < 0) {
            openSince = nowNanos;
        }
    }

    void up(long nowNanos) {
        if (openSince >= 0) {
            closed.addLast(new long[] {openSince, nowNanos});
            openSince = -1;
        }
    }

    /** Starts over, e.g. after the host replaced the connection. */
    void restart(long nowNanos) {
        closed.clear();
        openSince = -1;
        observingSince = nowNanos;
    }

    /** The share of the window ending now that the connection was down; 0 until a whole window was observed. */
    double downRatio(long nowNanos, long windowNanos) {
        long from = nowNanos - windowNanos;
        if (from < observingSince) {
            return 0;
        }
        while (!closed.isEmpty() && closed.peekFirst()[1] <= from) {
            closed.removeFirst();
        }
        long down = 0;
        for (long[] iv : closed) {
            down += iv[1] - Math.max(iv[0], from);
        }
        if (openSince >= 0) {
            down += nowNanos - Math.max(openSince, from);
        }
        return (double) down / windowNanos;
    }

    /** Whether a flap reconnect is due: flapping, and none was done within the last window. */
    boolean shouldAct(long nowNanos, long windowNanos, double threshold) {
        if (lastActionAt != Long.MIN_VALUE && nowNanos - lastActionAt < windowNanos) {
            return false;
        }
        if (downRatio(nowNanos, windowNanos) <= threshold) {
            return false;
        }
        lastActionAt = nowNanos;
        return true;
    }

    /** {@link #shouldAct}, with the reason to give if it should, else {@code null}. */
    String actBecause(long nowNanos, java.time.Duration window, double threshold) {
        return shouldAct(nowNanos, window.toNanos(), threshold) ? String.format("flapping: down %.0f%% of the last %d s",
                100 * downRatio(nowNanos, window.toNanos()), window.toSeconds()) : null;
    }
}
