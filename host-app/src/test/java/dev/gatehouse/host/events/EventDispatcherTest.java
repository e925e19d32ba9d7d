package dev.gatehouse.host.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void anErrorThrownByAHandlerIsContainedAndLaterEventsOfItsChannelStillRun() throws Exception {
        d.addHandler((ws, p, e) -> {
            switch (e.eventId()) {
                case "overflow" -> recurse(0);
                case "assert" -> throw new AssertionError("bot invariant");
                case "linkage" -> throw new NoClassDefFoundError("dev/bot/Gone");
                default -> { }
            }
        });
        d.addHandler((ws, p, e) -> seen.add(e.eventId()));
        for (String id : List.of("overflow", "assert", "linkage", "after")) {
            d.deliver("acme", "slack", msg(id, "C1")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertThat(seen).as("the second handler ran for every event, the channel never wedged")
                .containsExactly("overflow", "assert", "linkage", "after");
        assertThat(d.handlerFailures()).isEqualTo(3);
    }

    @Test
    void aChannelWhoseQueueIsFullRefusesTheNewestEventAndTakesItsRedeliveryOnceThereIsRoom() throws Exception {
        EventDispatcher roomy = new EventDispatcher(pool, time, Duration.ofMinutes(10), 10_000);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        roomy.addHandler((ws, p, e) -> {
            if (e.eventId().equals("first")) {
                started.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
            seen.add(e.eventId());
        });
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        roomy.onRefused((ws, p, e) -> told.add(p + "/" + ws + " " + e.eventId()));
        roomy.deliver("acme", "slack", msg("first", "C1"));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Void>> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < EventDispatcher.CHANNEL_QUEUE; i++) {
            waiting.add(roomy.deliver("acme", "slack", msg("q" + i, "C1")).toCompletableFuture());
        }
        CompletableFuture<Void> refused = roomy.deliver("acme", "slack", msg("one-too-many", "C1")).toCompletableFuture();
        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).hasMessageContaining("slack/acme channel C1")
                .hasMessageContaining(EventDispatcher.CHANNEL_QUEUE + " events are already waiting")
                .hasMessageContaining("not taken");
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        assertThat(told).as("the backfill is told (for a platform that will not redeliver)")
                .containsExactly("slack/acme one-too-many");
        roomy.deliver("acme", "slack", msg("other", "C2")).toCompletableFuture().get(5, TimeUnit.SECONDS);

        release.countDown();
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        // The platform redelivers what was not taken: it is not mistaken for a duplicate.
        roomy.deliver("acme", "slack", msg("one-too-many", "C1")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(seen).hasSize(EventDispatcher.CHANNEL_QUEUE + 3).contains("one-too-many");
        assertThat(roomy.refused()).isEqualTo(1);
    }

    @Test
    void aRedeliveryOfAnEventStillBeingHandledIsNeverHandledTwiceHoweverManyEventsFollow() throws Exception {
        EventDispatcher small = new EventDispatcher(pool, time, Duration.ofMinutes(10), 10);
        CountDownLatch release = new CountDownLatch(1);
        small.addHandler((ws, p, e) -> {
            if (e.eventId().equals("slow")) {
                release.await(30, TimeUnit.SECONDS);
            }
            seen.add(e.eventId());
        });
        CompletableFuture<Void> slow = small.deliver("acme", "slack", msg("slow", "C1")).toCompletableFuture();
        List<CompletableFuture<Void>> others = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            others.add(small.deliver("acme", "slack", msg("e" + i, "C2")).toCompletableFuture());
        }
        CompletableFuture<Void> redelivered = small.deliver("acme", "slack", msg("slow", "C1")).toCompletableFuture();
        release.countDown();
        slow.get(5, TimeUnit.SECONDS);
        redelivered.get(5, TimeUnit.SECONDS);
        await().until(() -> others.stream().allMatch(CompletableFuture::isDone));

        assertThat(seen.stream().filter("slow"::equals)).hasSize(1);
        // Those the bounded table could not remember were refused (so redelivered later), not handled
        // without a memory of them.
        long taken = others.stream().filter(f -> !f.isCompletedExceptionally()).count();
        assertThat(seen).hasSize(1 + (int) taken);
        assertThat(taken).isEqualTo(9);
    }

    @Test
    void finishedEventsAreForgottenAfterTheWindowEvenWhileAnOlderOneIsStillRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        d.addHandler((ws, p, e) -> {
            if (e.eventId().equals("slow")) {
                release.await(30, TimeUnit.SECONDS);
            }
            seen.add(e.eventId());
        });
        CompletableFuture<Void> slow = d.deliver("acme", "slack", msg("slow", "C1")).toCompletableFuture();
        d.deliver("acme", "slack", msg("quick", "C2")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        time.advance(Duration.ofMinutes(11));

        d.deliver("acme", "slack", msg("quick", "C2")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(seen).as("outside the window the same id is a new event").containsExactly("quick", "quick");
        assertThat(d.deliver("acme", "slack", msg("slow", "C1")).toCompletableFuture())
                .as("an event still being handled is always remembered").isNotDone();
        release.countDown();
        slow.get(5, TimeUnit.SECONDS);
        assertThat(seen.stream().filter("slow"::equals)).hasSize(1);
    }

    @Test
    void drainWaitsForTheEventsAlreadyTakenWithinItsBound() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        d.addHandler((ws, p, e) -> {
            if (e.eventId().equals("stuck")) {
                release.await(30, TimeUnit.SECONDS);
            } else {
                Thread.sleep(300); // a handler that takes a while
            }
            seen.add(e.eventId());
        });
        d.deliver("acme", "slack", msg("a", "C1"));
        d.deliver("acme", "slack", msg("b", "C1"));
        d.deliver("beta", "slack", msg("c", "C1"));
        assertThat(d.drain(Duration.ofSeconds(10))).isZero();
        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");

        d.deliver("acme", "slack", msg("stuck", "C1"));
        long before = System.nanoTime();
        assertThat(d.drain(Duration.ofMillis(300))).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
        release.countDown();
    }

    @Test
    void aLaterDrainStillWaitsForWhatAnEarlierOneGaveUpOnAndSettlingIncludesWhatThePluginChained() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        d.addHandler((ws, p, e) -> {
            if (e.eventId().equals("stuck")) {
                release.await(30, TimeUnit.SECONDS);
            }
            seen.add(e.eventId());
        });
        d.deliver("acme", "slack", msg("stuck", "C1"));
        assertThat(d.drain(Duration.ofMillis(100))).as("the first drain gives up on it").isEqualTo(1);

        CountDownLatch acked = new CountDownLatch(1);
        d.deliver("acme", "slack", msg("later", "C2")).thenRun(() -> {
            try {
                Thread.sleep(200); // the plugin's acknowledgement, chained on the delivery
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            acked.countDown();
        });
        assertThat(d.drain(Duration.ofMillis(100))).as("still running: the stuck one; 'later' maybe, in its acknowledgement")
                .isBetween(1, 2);
        CompletableFuture.runAsync(release::countDown, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
        assertThat(d.drain(Duration.ofSeconds(10))).as("both settled").isZero();
        assertThat(release.getCount()).isZero();
        assertThat(acked.getCount()).as("settled means the chained acknowledgement ran too").isZero();
        assertThat(seen).containsExactlyInAnyOrder("stuck", "later");
    }

    @Test
    void afterCloseEventsAreRefusedSoThePlatformRedelivers() {
        d.close();
        assertThat(d.deliver("acme", "slack", msg("Ev1", "C1")).toCompletableFuture()).isCompletedExceptionally();
    }
}
