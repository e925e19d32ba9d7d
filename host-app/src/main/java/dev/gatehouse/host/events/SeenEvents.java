package dev.gatehouse.host.events;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The dedupe table: events still being handled, and events finished within the window, by key.
 *
 * <p>The window runs from when an event's handlers finished, so a redelivery is recognised for at
 * least the window after the first delivery whatever the handlers took; an event still being handled
 * is always remembered. The table never forgets an event inside its window to make room: when
 * {@code capacity} keys are remembered, {@link #remember} says no and the caller refuses the event
 * (unacknowledged, so the platform redelivers it once older entries aged out).
 *
 * <p>Not thread-safe: guarded by its owner.
 */
final class SeenEvents {

    private static final CompletableFuture<Void> FINISHED = CompletableFuture.completedFuture(null);

    private final long windowNanos;
    private final int capacity;
    private final Map<String, CompletableFuture<Void>> running = new HashMap<>();
    /** When each finished, oldest first (finish times only grow, so insertion order is time order). */
    private final LinkedHashMap<String, Long> finished = new LinkedHashMap<>();

    SeenEvents(long windowNanos, int capacity) {
        this.windowNanos = windowNanos;
        this.capacity = capacity;
    }

    /** @return the stage of an event already taken (running or finished within the window), else null */
    CompletableFuture<Void> find(String key, long now) {
        expire(now);
        CompletableFuture<Void> r = running.get(key);
        if (r != null) {
            return r;
        }
        return finished.containsKey(key) ? FINISHED : null;
    }

    /** Remembers a newly taken event; false if the table is full. */
    boolean remember(String key, CompletableFuture<Void> done, long now) {
        expire(now);
        if (size() >= capacity) {
            return false;
        }
        running.put(key, done);
        return true;
    }

    /** The event's handlers finished: from now on it is remembered for the window. */
    void finished(String key, long now) {
        if (running.remove(key) != null) {
            finished.put(key, now);
        }
    }

    /** The event was not taken after all (its queue was full): its redelivery is a new event. */
    void forget(String key) {
        running.remove(key);
    }

    int size() {
        return running.size() + finished.size();
    }

    private void expire(long now) {
        for (Iterator<Long> it = finished.values().iterator(); it.hasNext();) {
            if (now - it.next() <= windowNanos) {
                return;
            }
            it.remove();
        }
    }
}
