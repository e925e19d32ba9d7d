package dev.gatehouse.sim.slack;

import java.util.ArrayDeque;
import java.util.List;

/**
 * An append-only history that keeps the newest {@code limit} entries, so that long benchmark runs cannot
 * exhaust memory through the simulator's records.
 */
final class BoundedLog<T> {
    private final int limit;
    /** Guarded by itself. */
    private final ArrayDeque<T> entries = new ArrayDeque<>();

    BoundedLog(int limit) {
        this.limit = limit;
    }

    void add(T entry) {
        synchronized (entries) {
            if (entries.size() == limit) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        }
    }

    /** The retained entries, oldest first. */
    List<T> snapshot() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }
}
