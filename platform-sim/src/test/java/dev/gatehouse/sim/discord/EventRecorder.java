package dev.gatehouse.sim.discord;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.hooks.EventListener;

/** Records every JDA event with its monotonic arrival time, for assertions and timing figures. */
final class EventRecorder implements EventListener {

    /** One event, when it arrived ({@link System#nanoTime()}) and the thread JDA fired it on. */
    record Recorded(long nanos, GenericEvent event, String thread) {
    }

    private final List<Recorded> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(GenericEvent event) {
        events.add(new Recorded(System.nanoTime(), event, Thread.currentThread().getName()));
    }

    /** Index to pass to the {@code since} methods: only events after this point. */
    int mark() {
        return events.size();
    }

    <T> List<T> all(Class<T> type) {
        return since(0, type);
    }

    <T> List<T> since(int mark, Class<T> type) {
        // a stream over the list itself works on a snapshot; a subList of it would fail on concurrent adds
        return events.stream()
                .skip(mark)
                .map(Recorded::event)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    Optional<Recorded> firstSince(int mark, Class<?> type) {
        return events.stream()
                .skip(mark)
                .filter(r -> type.isInstance(r.event()))
                .findFirst();
    }

    /** Waits for the first event of {@code type} after {@code mark} and returns it. */
    <T> T awaitSince(int mark, Class<T> type, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(5)).until(() -> firstSince(mark, type).isPresent());
        return type.cast(firstSince(mark, type).orElseThrow().event());
    }

    /** Events of {@code type} that arrived between the two {@link System#nanoTime()} instants. */
    long countBetween(Class<?> type, long fromNanos, long toNanos) {
        return events.stream()
                .filter(r -> type.isInstance(r.event()) && r.nanos() >= fromNanos && r.nanos() <= toNanos)
                .count();
    }

    /** Milliseconds from {@code startNanos} to the first event of {@code type} after {@code mark}. */
    long millisUntil(int mark, Class<?> type, long startNanos) {
        return (firstSince(mark, type).orElseThrow().nanos() - startNanos) / 1_000_000;
    }
}
