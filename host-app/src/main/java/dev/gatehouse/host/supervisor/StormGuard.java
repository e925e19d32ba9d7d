package dev.gatehouse.host.supervisor;

import java.util.ArrayDeque;

/**
 * Counts socket losses in a sliding window; more than {@code max} of them is a reconnect storm (for
 * example JDA reconnecting with no delay to a server that accepts and drops). Not thread-safe: confined
 * to the supervisor's mailbox.
 */
final class StormGuard {

    private final ArrayDeque<Long> losses = new ArrayDeque<>();

    /** Records one loss at {@code now}; returns how many fall within the window ending now. */
    int record(long nowNanos, long windowNanos) {
        losses.addLast(nowNanos);
        while (!losses.isEmpty() && nowNanos - losses.peekFirst() > windowNanos) {
            losses.removeFirst();
        }
        return losses.size();
    }

    void reset() {
        losses.clear();
    }
}
