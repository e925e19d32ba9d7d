package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.slack.api.socket_mode.queue.impl.ConcurrentLinkedMessageQueue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Most tests run the processor with a safety period of an hour: whatever it processes within the test's
 * generous bounds was processed because of a wake-up (or the first run), never a periodic poll, so the
 * bounds need not be tight to prove "at once".
 */
class WakeableProcessorTest {

    /** What the SDK schedules: {@code concurrency} copies of "poll one frame and process it" every 10 ms. */
    private static final int SDK_CONCURRENCY = 10;
    private static final Duration NO_SAFETY_RUN_IN_THIS_TEST = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static final ExecutorService POOL = Executors.newCachedThreadPool(daemon("test-lanes"));
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(daemon("test-timer"));

    private final ConcurrentLinkedMessageQueue original = new ConcurrentLinkedMessageQueue();
    private WakeableProcessor processor = processor(NO_SAFETY_RUN_IN_THIS_TEST);
    private ObservedQueue queue = new ObservedQueue(original, reason -> true, processor::wake, System::nanoTime);
    private final List<String> processed = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();

    @AfterEach
    void stop() throws InterruptedException {
        processor.shutdownNow();
        assertThat(processor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private static WakeableProcessor processor(Duration safetyPeriod) {
        return new WakeableProcessor(POOL, TIMER, safetyPeriod, false);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @AfterAll
    static void stopPools() {
        POOL.shutdownNow();
        TIMER.shutdownNow();
    }

    /** Schedules the processor task as the SDK does, polling through the observed queue as the client does. */
    private void scheduleLikeTheSdk(Runnable onFrame) {
        processor.drainWhile(queue::lastPollTookAFrame);
        for (int i = 0; i < SDK_CONCURRENCY; i++) {
            processor.scheduleAtFixedRate(() -> {
                polls.incrementAndGet();
                String frame = queue.poll();
                if (frame != null) {
                    processed.add(frame);
                    onFrame.run();
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void anIdleConnectionIsPolledOnceAtStartInsteadOfAHundredTimesASecondPerCopy() {
        scheduleLikeTheSdk(() -> { });
        await().atMost(WAIT).until(() -> polls.get() == 1);
        // The SDK's ten copies at 10 ms would poll 300 times in this window.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofMillis(300).plus(WAIT)).until(() -> polls.get() == 1);
    }

    @Test
    void anIdleConnectionIsPolledOncePerSafetyPeriod() throws Exception {
        Duration period = Duration.ofMillis(100);
        processor.shutdownNow();
        processor = processor(period);
        queue = new ObservedQueue(original, reason -> true, processor::wake, System::nanoTime);
        long start = System.nanoTime();

        scheduleLikeTheSdk(() -> { });
        await().atMost(WAIT).until(() -> polls.get() >= 3);
        int counted = polls.get();
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        // A fixed rate never runs more often than once per period (a late run is not followed by a burst
        // beyond what elapsed), while the SDK's copies would have polled 1,000 times a second.
        assertThat(counted).isLessThanOrEqualTo((int) (elapsedMillis / period.toMillis()) + 1);
    }

    @Test
    void storedFramesAreProcessedAtOnceAndInOrder() {
        scheduleLikeTheSdk(() -> { });
        List<String> frames = IntStream.range(0, 50).mapToObj(i -> "{\"envelope_id\":\"" + i + "\"}").toList();
        frames.forEach(queue::add);
        await().atMost(WAIT).until(() -> processed.size() == 50);
        assertThat(processed).containsExactlyElementsOf(frames);
    }

    @Test
    void framesQueuedBeforeTheWrapperAreDrainedByTheFirstRun() {
        original.add("{\"type\":\"hello\"}");
        original.add("{\"type\":\"events_api\",\"envelope_id\":\"early\"}");
        scheduleLikeTheSdk(() -> { });
        await().atMost(WAIT).until(() -> processed.size() == 2);
    }

    @Test
    void aFrameStoredWhileADrainIsBusyIsNotLeftBehind() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scheduleLikeTheSdk(() -> {
            if (processed.size() == 1) {
                busy.countDown();
                awaitQuietly(release);
            }
        });
        await().atMost(WAIT).until(() -> polls.get() >= 1);
        queue.add("first");
        assertThat(busy.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        queue.add("second"); // stored while the drain that took "first" is still busy with it
        release.countDown();
        await().atMost(WAIT).until(() -> processed.size() == 2);
        assertThat(processed).containsExactly("first", "second");
    }

    @Test
    void drainNowReturnsOnceFramesQueuedBehindWhatTheProcessorIsDoingAreHandledOrTheDeadlinePassed() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scheduleLikeTheSdk(() -> {
            if (processed.size() == 1) { // like the SDK reconnecting on this thread
                busy.countDown();
                awaitQuietly(release);
            }
        });
        await().atMost(WAIT).until(() -> polls.get() >= 1);
        queue.add("disconnect");
        assertThat(busy.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        queue.add("click");
        queue.add("message");

        long before = System.nanoTime();
        assertThat(processor.drainNow(System.nanoTime() + Duration.ofMillis(200).toNanos())).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMillis(200).plus(WAIT));
        release.countDown();
        assertThat(processor.drainNow(System.nanoTime() + Duration.ofSeconds(5).toNanos())).isTrue();
        assertThat(processed).containsExactly("disconnect", "click", "message");
    }

    @Test
    void wakeUpsBeforeTheTaskIsScheduledOrAfterShutdownAreHarmless() {
        processor.wake();
        processor.shutdown();
        processor.wake();
        assertThat(processor.isShutdown()).isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
