package dev.gatehouse.host.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.testing.FakeTime;
import dev.gatehouse.host.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatWriterTest {

    private final FakeTime time = new FakeTime();
    private final List<String> reasons = new ArrayList<>();
    @TempDir
    Path dir;

    private HeartbeatWriter writer(Path file) {
        HeartbeatWriter w = new HeartbeatWriter(file, Duration.ofSeconds(10), time, time, time.clock(), () -> List.copyOf(reasons));
        w.start();
        time.runDue();
        return w;
    }

    private long content(Path file) throws Exception {
        return Long.parseLong(Files.readString(file).trim());
    }

    @Test
    void writesEpochMillisAtMostOncePerInterval() throws Exception {
        Path file = dir.resolve("run/gatehouse.alive");
        HeartbeatWriter w = writer(file);
        assertThat(Files.readString(file)).isEqualTo(time.instant().toEpochMilli() + "\n");
        long first = content(file);
        time.advance(Duration.ofSeconds(9));
        assertThat(content(file)).isEqualTo(first);
        time.advance(Duration.ofSeconds(1));
        assertThat(content(file)).isEqualTo(first + 10_000);
        assertThat(w.status().lastWrite()).isEqualTo(time.instant());
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void aWithholdingConnectionStopsTheWritesUntilItRecovers() throws Exception {
        Path file = dir.resolve("alive");
        HeartbeatWriter w = writer(file);
        long before = content(file);
        reasons.add("slack/acme: reconnecting");
        time.advance(Duration.ofMinutes(5));
        assertThat(content(file)).isEqualTo(before);
        assertThat(w.status().withheld()).isTrue();
        assertThat(w.status().withheldBecause()).containsExactly("slack/acme: reconnecting");
        assertThat(w.isProgressing()).as("withholding the file says nothing about the process").isTrue();
        reasons.clear();
        time.advance(Duration.ofSeconds(10));
        assertThat(content(file)).isEqualTo(time.instant().toEpochMilli());
    }

    @Test
    void aFailedWriteIsLoggedOnceRetriedAndTheFileAges() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
        Path file = blocker.resolve("alive");
        try (LogCapture logs = new LogCapture()) {
            HeartbeatWriter w = writer(file);
            time.advance(Duration.ofSeconds(30));
            assertThat(w.status().lastError()).isNotNull();
            assertThat(w.status().lastWrite()).isNull();
            assertThat(logs.text()).containsOnlyOnce("heartbeat write to " + file + " failed");
            Files.delete(blocker);
            time.advance(Duration.ofSeconds(10));
            assertThat(content(file)).as("retried after the interval").isEqualTo(time.instant().toEpochMilli());
            assertThat(w.status().lastError()).isNull();
            assertThat(logs.text()).contains("heartbeat written to " + file + " again");
        }
    }

    @Test
    void aStalledSupervisorThreadIsNotLive() {
        HeartbeatWriter w = writer(null);
        assertThat(w.isProgressing()).isTrue();
        HeartbeatWriter stuck = new HeartbeatWriter(null, Duration.ofSeconds(10), (d, t) -> () -> { }, time, time.clock(), List::of);
        stuck.start();
        time.advance(Duration.ofSeconds(31));
        assertThat(stuck.isProgressing()).as("nothing ran on the scheduler for 3 intervals").isFalse();
    }

    @Test
    void aWedgedSupervisionExecutorIsNotLiveThoughTheSchedulerRuns() {
        java.util.concurrent.Executor wedged = task -> { }; // accepts the pulse, never runs it
        HeartbeatWriter w = new HeartbeatWriter(null, Duration.ofSeconds(10), time, time, time.clock(), List::of, wedged);
        w.start();
        time.advance(Duration.ofSeconds(20));
        assertThat(w.isProgressing()).isTrue();
        time.advance(Duration.ofSeconds(11));
        assertThat(w.isProgressing()).as("no supervision pulse for 3 intervals").isFalse();
    }

    // A loaded CI run failed deleting a test's temp folder: a heartbeat write still in flight after the host's
    // close() had returned recreated run/ under it. stop() must return only once no write is in progress.
    @Test
    void stopReturnsOnlyAfterAWriteInProgressAndNoWriteFollows() throws Exception {
        Path file = dir.resolve("run/alive");
        java.util.concurrent.CountDownLatch inPulse = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ScheduledExecutorService pool = java.util.concurrent.Executors.newScheduledThreadPool(1);
        try {
            HeartbeatWriter w = new HeartbeatWriter(file, Duration.ofMillis(100),
                    new dev.gatehouse.host.time.ExecutorScheduler(pool), time, time.clock(), () -> {
                        inPulse.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return List.of();
                    });
            w.start();
            assertThat(inPulse.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.CompletableFuture<Void> stopped = java.util.concurrent.CompletableFuture.runAsync(w::stop);
            org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> !stopped.isDone());
            release.countDown();
            stopped.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(file).exists(); // the write in flight finished before stop() returned
            Files.delete(file);
            Files.delete(file.getParent());
            org.awaitility.Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> !Files.exists(file.getParent()));
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
