package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScopedSchedulerTest {

    private final ScheduledThreadPoolExecutor shared = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stopShared() throws InterruptedException {
        shared.shutdownNow();
        assertThat(shared.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shuttingAViewDownEndsItsTasksOnlyAndRefusesNewOnes() {
        shared.setRemoveOnCancelPolicy(true);
        ScopedScheduler closing = new ScopedScheduler(shared);
        ScopedScheduler staying = new ScopedScheduler(shared);
        AtomicInteger closingRuns = new AtomicInteger();
        AtomicInteger stayingRuns = new AtomicInteger();
        closing.scheduleAtFixedRate(closingRuns::incrementAndGet, 0, 10, TimeUnit.MILLISECONDS);
        closing.schedule(closingRuns::incrementAndGet, 1, TimeUnit.HOURS);
        staying.scheduleWithFixedDelay(stayingRuns::incrementAndGet, 0, 10, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> closingRuns.get() > 0 && stayingRuns.get() > 0);

        closing.shutdown();

        assertThat(closing.isShutdown()).isTrue();
        assertThat(closing.pending()).isZero();
        assertThat(shared.isShutdown()).isFalse();
        assertThat(shared.getQueue()).hasSize(1); // staying's periodic task only
        int stayingNow = stayingRuns.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> stayingRuns.get() > stayingNow + 3);
        assertThatThrownBy(() -> closing.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> closing.schedule(() -> { }, 1, TimeUnit.SECONDS))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void finishedTasksAreNotKept() {
        ScopedScheduler view = new ScopedScheduler(shared);
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            view.execute(runs::incrementAndGet);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 100);
        await().atMost(Duration.ofSeconds(5)).until(() -> view.pending() == 0);
    }
}
