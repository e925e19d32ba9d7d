package dev.gatehouse.bench;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a bot's handler saw: when each event id first arrived ({@code System.nanoTime()}) and how often
 * ids arrived more than once. Handlers may run before the pushing thread learns the id, so pushes and
 * arrivals are joined afterwards, by id.
 */
final class Arrivals {

    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();

    /** Called from the handler, on whatever thread the library or host uses. */
    void seen(String id) {
        long now = System.nanoTime();
        if (firstSeen.putIfAbsent(id, now) != null) {
            duplicates.incrementAndGet();
        }
    }

    /** When {@code id} first arrived, if it did. */
    Long at(String id) {
        return firstSeen.get(id);
    }

    boolean contains(String id) {
        return firstSeen.containsKey(id);
    }

    /** The earliest arrival among {@code ids}. */
    OptionalLong earliest(Collection<String> ids) {
        return ids.stream().map(firstSeen::get).filter(t -> t != null).mapToLong(Long::longValue).min();
    }

    long countOf(Collection<String> ids) {
        return ids.stream().filter(firstSeen::containsKey).count();
    }

    /** Arrivals of an id already seen. */
    long duplicates() {
        return duplicates.get();
    }
}
