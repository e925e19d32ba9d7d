package dev.gatehouse.host.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.testing.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventDispatcherTest {

    private final FakeTime time = new FakeTime();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final EventDispatcher d = new EventDispatcher(pool, time, Duration.ofMinutes(10), 1000);
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static MessageEvent msg(String id, String channel) {
        return new MessageEvent(id, channel, "m" + id, null, "U1", "text " + id, false, false);
    }

    @Test
    void aRedeliveryWithinTheWindowReachesHandlersOnce() throws Exception {
        d.addHandler((ws, p, e) -> seen.add(ws + "/" + e.eventId()));
        CompletableFuture<Void> a = d.deliver("acme", "slack", msg("Ev1", "C1")).toCompletableFuture();
        CompletableFuture<Void> b = d.deliver("acme", "slack", msg("Ev1", "C1")).toCompletableFuture();
        d.deliver("other", "slack", msg("Ev1", "C1")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        a.get(5, TimeUnit.SECONDS);
        b.get(5, TimeUnit.SECONDS);
        assertThat(seen).containsExactlyInAnyOrder("acme/Ev1", "other/Ev1");
        assertThat(d.duplicates()).isEqualTo(1);
        time.advance(Duration.ofMinutes(11));
        d.deliver("acme", "slack", msg("Ev1", "C1")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(seen).as("remembered for the window only").hasSize(3);
    }

    @Test
    void eventsOfOneChannelRunInOrder() throws Exception {
        d.addHandler((ws, p, e) -> seen.add(e.channelId() + ":" + e.eventId()));
        CompletableFuture<?> last = null;
        for (int i = 0; i < 500; i++) {
            last = d.deliver("acme", "discord", msg("e" + i, "C" + (i % 3))).toCompletableFuture();
        }
        last.get(10, TimeUnit.SECONDS);
        await().until(() -> seen.size() == 500);
        for (int c = 0; c < 3; c++) {
            String ch = "C" + c;
            List<Integer> order = seen.stream().filter(s -> s.startsWith(ch + ":")).map(s -> Integer.parseInt(s.substring(ch.length() + 2))).toList();
            assertThat(order).isSorted();
        }
    }

    @Test
    void aSlowHandlerHoldsBackOnlyItsOwnChannel() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        d.addHandler((ws, p, e) -> {
            if (e.eventId().equals("slow")) {
                release.await(10, TimeUnit.SECONDS);
            }
            seen.add(ws + ":" + e.eventId());
        });
        CompletableFuture<Void> slow = d.deliver("acme", "slack", msg("slow", "C1")).toCompletableFuture();
        d.deliver("acme", "slack", msg("other-channel", "C2")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        d.deliver("beta", "slack", msg("other-workspace", "C1")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(slow).isNotDone();
        release.countDown();
        slow.get(5, TimeUnit.SECONDS);
        assertThat(seen).containsExactly("acme:other-channel", "beta:other-workspace", "acme:slow");
    }

    @Test
    void aThrowingHandlerStillCompletesTheEventAndTheNextHandlerRuns() throws Exception {
        d.addHandler((ws, p, e) -> {
            throw new IllegalStateException("bot bug");
        });
        d.addHandler((ws, p, e) -> seen.add(e.eventId()));
        d.deliver("acme", "slack", msg("Ev9", "C1")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(seen).containsExactly("Ev9");
    }

    @Test
    void afterCloseEventsAreRefusedSoThePlatformRedelivers() {
        d.close();
        assertThat(d.deliver("acme", "slack", msg("Ev1", "C1")).toCompletableFuture()).isCompletedExceptionally();
    }
}
