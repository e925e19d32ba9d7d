package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.slack.api.socket_mode.queue.impl.ConcurrentLinkedMessageQueue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WakeableProcessorTest {

    /** What the SDK schedules: {@code concurrency} copies of "poll one frame and process it" every 10 ms. */
    private static final int SDK_CONCURRENCY = 10;

    private final ConcurrentLinkedMessageQueue original = new ConcurrentLinkedMessageQueue();
    private final WakeableProcessor processor = new WakeableProcessor(r -> {
        Thread t = new Thread(r, "test-processor");
        t.setDaemon(true);
        return t;
    });
    private final ObservedQueue queue = new ObservedQueue(original, reason -> true, processor::wake);
    private final List<String> processed = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();

    @AfterEach
    void stop() throws InterruptedException {
        processor.shutdownNow();
        assertThat(processor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
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
    void anIdleConnectionIsPolledOncePerSafetyPeriodInsteadOfAThousandTimesASecond() {
        scheduleLikeTheSdk(() -> { });
        await().atMost(Duration.ofSeconds(2)).until(() -> polls.get() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> polls.get() == 1);
    }

    @Test
    void storedFramesAreProcessedAtOnceAndInOrder() {
        scheduleLikeTheSdk(() -> { });
        List<String> frames = IntStream.range(0, 50).mapToObj(i -> "{\"envelope_id\":\"" + i + "\"}").toList();
        frames.forEach(queue::add);
        await().atMost(Duration.ofMillis(WakeableProcessor.SAFETY_PERIOD.toMillis() / 2)).until(() -> processed.size() == 50);
        assertThat(processed).containsExactlyElementsOf(frames);
    }

    @Test
    void framesQueuedBeforeTheWrapperAreDrainedByTheFirstRun() {
        original.add("{\"type\":\"hello\"}");
        original.add("{\"type\":\"events_api\",\"envelope_id\":\"early\"}");
        scheduleLikeTheSdk(() -> { });
        await().atMost(Duration.ofMillis(WakeableProcessor.SAFETY_PERIOD.toMillis() / 2)).until(() -> processed.size() == 2);
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
        await().atMost(Duration.ofSeconds(2)).until(() -> polls.get() >= 1);
        queue.add("first");
        assertThat(busy.await(2, TimeUnit.SECONDS)).isTrue();
        queue.add("second"); // stored while the drain that took "first" is still busy with it
        release.countDown();
        await().atMost(Duration.ofMillis(WakeableProcessor.SAFETY_PERIOD.toMillis() / 2)).until(() -> processed.size() == 2);
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
        await().atMost(Duration.ofSeconds(2)).until(() -> polls.get() >= 1);
        queue.add("disconnect");
        assertThat(busy.await(2, TimeUnit.SECONDS)).isTrue();
        queue.add("click");
        queue.add("message");

        long before = System.nanoTime();
        assertThat(processor.drainNow(System.nanoTime() + Duration.ofMillis(200).toNanos())).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
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
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
