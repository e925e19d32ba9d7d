package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayWatchTest {

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stopTimer() throws InterruptedException {
        timer.shutdownNow();
        assertThat(timer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void everyConnectionIsCheckedOnOneTimerAndAFailingCheckStopsNoOther() {
        timer.setRemoveOnCancelPolicy(true);
        GatewayWatch watch = new GatewayWatch(timer);
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        Runnable endA = watch.add("a", a::incrementAndGet);
        Runnable endFailing = watch.add("failing", () -> {
            throw new IllegalStateException("boom");
        });
        Runnable endB = watch.add("b", b::incrementAndGet);

        await().atMost(Duration.ofSeconds(5)).until(() -> a.get() >= 3 && b.get() >= 3);
        // the sweep leaves the timer's queue while it runs: look while it waits
        await().atMost(Duration.ofSeconds(5)).until(() -> timer.getQueue().size() == 1);
        assertThat(timer.getQueue()).as("one sweep for all connections").hasSizeLessThanOrEqualTo(1);

        endA.run();
        endA.run();
        endFailing.run();
        int aNow = a.get();
        int bNow = b.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.get() >= bNow + 3);
        assertThat(a.get()).isBetween(aNow, aNow + 1); // a sweep running during the removal may still count one
        assertThat(watch.size()).isEqualTo(1);

        endB.run();
        assertThat(watch.size()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> timer.getQueue().isEmpty() && timer.getActiveCount() == 0);
        int bEnded = b.get();
        await().during(Duration.ofMillis(350)).atMost(Duration.ofSeconds(2)).until(() -> b.get() == bEnded);
    }
}
