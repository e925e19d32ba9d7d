package dev.gatehouse.host.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The dedupe table without a lock: one taker per key whatever the race, the bound, the window. */
class SeenEventsTest {

    private static final long WINDOW = 1_000;

    @Test
    void eachKeyIsTakenExactlyOnceByThreadsRacingForIt() throws Exception {
        SeenEvents seen = new SeenEvents(WINDOW, 1_000_000);
        int keys = 20_000;
        int threads = 4;
        ConcurrentHashMap<String, AtomicInteger> takers = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> racers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread r = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int k = 0; k < keys; k++) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    if (seen.take("k" + k, done, 0) == null) {
                        takers.computeIfAbsent("k" + k, x -> new AtomicInteger()).incrementAndGet();
                        if (k % 2 == 0) {
                            seen.finished("k" + k, done, 0);
                        }
                    }
                }
            });
            r.start();
            racers.add(r);
        }
        start.countDown();
        for (Thread r : racers) {
            r.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(takers).hasSize(keys);
        assertThat(takers.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(seen.size()).isEqualTo(keys);
    }

    @Test
    void theBoundHoldsAndAFinishedEventIsForgottenOnlyAfterItsWindow() {
        SeenEvents seen = new SeenEvents(WINDOW, 3);
        CompletableFuture<Void> a = new CompletableFuture<>();
        assertThat(seen.take("a", a, 0)).isNull();
        assertThat(seen.take("b", new CompletableFuture<>(), 0)).isNull();
        assertThat(seen.take("c", new CompletableFuture<>(), 0)).isNull();
        assertThat(seen.take("d", new CompletableFuture<>(), 0)).isSameAs(SeenEvents.FULL);
        assertThat(seen.take("a", new CompletableFuture<>(), 0)).as("a redelivery is still recognised when full")
                .isSameAs(a);

        seen.finished("a", a, 100);
        assertThat(seen.take("d", new CompletableFuture<>(), 100 + WINDOW)).as("a is in its window").isSameAs(SeenEvents.FULL);
        assertThat(seen.find("a", 100 + WINDOW)).isNotNull().isDone();
        assertThat(seen.take("d", new CompletableFuture<>(), 100 + WINDOW + 1)).as("a aged out, d fits").isNull();
        assertThat(seen.find("a", 100 + WINDOW + 1)).isNull();
        assertThat(seen.size()).isEqualTo(3);
    }

    @Test
    void aRunningEventNeverAgesOutAndAForgottenOneIsANewEventAgain() {
        SeenEvents seen = new SeenEvents(WINDOW, 10);
        CompletableFuture<Void> running = new CompletableFuture<>();
        seen.take("slow", running, 0);
        assertThat(seen.find("slow", 100 * WINDOW)).isSameAs(running);

        CompletableFuture<Void> refused = new CompletableFuture<>();
        seen.take("refused", refused, 0);
        seen.forget("refused", refused);
        assertThat(seen.take("refused", new CompletableFuture<>(), 0)).isNull();
        assertThat(seen.size()).isEqualTo(2);
    }
}
