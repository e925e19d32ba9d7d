package dev.gatehouse.sim.discord;

import java.util.ArrayDeque;
import java.util.List;

/** A thread-safe append-only log that keeps only its newest {@code capacity} entries, so benchmarks stay bounded. */
final class BoundedLog<T> {

    private final int capacity;
    private final ArrayDeque<T> entries = new ArrayDeque<>(); // guarded by this

    BoundedLog(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(T entry) {
        if (entries.size() == capacity) {
            entries.pollFirst();
        }
        entries.addLast(entry);
    }

    synchronized List<T> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
    }
}
