package dev.gatehouse.host.events;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dedupe table: events still being handled, and events finished within the window, by key (any
 * value with {@code equals} and {@code hashCode}).
 *
 * <p>The window runs from when an event's handlers finished, so a redelivery is recognised for at
 * least the window after the first delivery whatever the handlers took; an event still being handled
 * is always remembered. The table never forgets an event inside its window to make room: when
 * {@code capacity} keys are remembered, {@link #take} says {@link #FULL} and the caller refuses the
 * event (unacknowledged, so the platform redelivers it once older entries aged out).
 *
 * <p>Thread-safe without a lock: the plugin's read thread takes events while handler threads finish
 * them, and a shared lock between the two cost more than the rest of the hand-off (they contended on
 * every event of a burst).
 */
final class SeenEvents {

    /** What {@link #take} answers when the table is full and the event is not in it. Never completes. */
    static final CompletableFuture<Void> FULL = new CompletableFuture<>();
    private static final CompletableFuture<Void> FINISHED = CompletableFuture.completedFuture(null);

    /** A finished event and when it finished. */
    private record Finished(Object key, Long at) {
    }

    private final long windowNanos;
    private final int capacity;
    /**
     * Key → the running event's stage, or the {@code Long} time it finished. Sized for {@code capacity} up
     * front: grown on demand, a burst paid for the resizes (every key copied at each doubling, by the
     * threads taking events, the plugin's read thread among them).
     */
    private final ConcurrentHashMap<Object, Object> table;
    /**
     * Finished events, oldest first (to within the few microseconds by which two handler threads may add
     * out of order: such an entry expires that much late, never early).
     */
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    /** Keys in {@link #table}, counted before they are put so that the bound is never passed. */
    private final AtomicInteger size = new AtomicInteger();

    SeenEvents(long windowNanos, int capacity) {
        this.windowNanos = windowNanos;
        this.capacity = capacity;
        this.table = new ConcurrentHashMap<>(capacity);
    }

    /** @return the stage of an event already taken (running or finished within the window), else null */
    CompletableFuture<Void> find(Object key, long now) {
        expire(now);
        return stage(table.get(key));
    }

    /**
     * Takes an event unless it was taken already.
     *
     * @param done the new event's stage, remembered while it runs
     * @return null if it is newly taken; the stage of the same event taken before; or {@link #FULL}
     */
    CompletableFuture<Void> take(Object key, CompletableFuture<Void> done, long now) {
        expire(now);
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            CompletableFuture<Void> before = stage(table.get(key)); // a redelivery is still recognised when full
            return before != null ? before : FULL;
        }
        Object before = table.putIfAbsent(key, done);
        if (before != null) {
            size.decrementAndGet();
            return stage(before);
        }
        return null;
    }

    /** The event's handlers finished: from now on it is remembered for the window. */
    void finished(Object key, CompletableFuture<Void> done, long now) {
        Long at = now;
        if (table.replace(key, done, at)) {
            finished.add(new Finished(key, at));
        }
    }

    /** The event was not taken after all (its queue was full): its redelivery is a new event. */
    void forget(Object key, CompletableFuture<Void> done) {
        if (table.remove(key, done)) {
            size.decrementAndGet();
        }
    }

    int size() {
        return size.get();
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<Void> stage(Object v) {
        return v == null ? null : v instanceof CompletableFuture<?> f ? (CompletableFuture<Void>) f : FINISHED;
    }

    private void expire(long now) {
        for (Finished f = finished.peek(); f != null && now - f.at() > windowNanos; f = finished.peek()) {
            // Of threads expiring at once, the one whose remove succeeds forgets the key.
            if (finished.remove(f) && table.remove(f.key(), f.at())) {
                size.decrementAndGet();
            }
        }
    }
}
