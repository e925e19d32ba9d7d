package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.exec.HostExecutors;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SdkExecutorsTest {

    private final HostExecutors host = new HostExecutors("slack-acme-7", getClass().getClassLoader(), "acme", "slack", 7);
    private final SdkExecutors executors = new SdkExecutors(host);

    @AfterEach
    void stop() {
        executors.shutdownNow();
        host.shutdown(Duration.ofSeconds(2));
    }

    @Test
    void theSdksPoolsRunOnTheHostsThreadsNamedAfterTheConnection() throws Exception {
        List<String> names = new CopyOnWriteArrayList<>();
        executors.createThreadPoolExecutor("socket-mode-session-cleaner", 3).submit(() -> names.add(Thread.currentThread().getName())).get();
        executors.createThreadScheduledExecutor("socket-mode-session-monitor").submit(() -> names.add(Thread.currentThread().getName())).get();
        assertThat(names).allMatch(n -> n.startsWith("gh-slack-acme-7-socket-mode-session-"));
    }

    @Test
    void theMessageProcessorRunsNothingUntilTheGateOpens() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        ScheduledExecutorService processor = executors.createThreadScheduledExecutor("socket-mode-message-processor");
        processor.scheduleAtFixedRate(() -> ran.add("poll"), 0, 10, TimeUnit.MILLISECONDS);
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1)).until(ran::isEmpty);
        executors.openProcessorGate();
        await().atMost(Duration.ofSeconds(2)).until(() -> !ran.isEmpty());
    }

    @Test
    void theReconnectingPoolsAreAwaitedAndTheCleanerDrained() throws Exception {
        ScheduledExecutorService monitor = executors.createThreadScheduledExecutor("socket-mode-session-monitor");
        ScheduledExecutorService processor = executors.createThreadScheduledExecutor("socket-mode-message-processor");
        List<String> cleaned = new CopyOnWriteArrayList<>();
        executors.createThreadPoolExecutor("socket-mode-session-cleaner", 3).execute(() -> cleaned.add("closed an old socket"));
        monitor.shutdownNow();
        processor.shutdownNow();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        assertThat(executors.awaitReconnectorsStopped(deadline)).isTrue();
        assertThat(executors.drainCleaner(deadline)).isTrue();
        assertThat(cleaned).containsExactly("closed an old socket");
    }

    @Test
    void groupNamesBecomeThreadNameParts() {
        assertThat(SdkExecutors.purpose("slack-api-metrics:1f2e")).isEqualTo("slack-api-metrics-1f2e");
        assertThat(SdkExecutors.purpose("bolt-app-threads")).isEqualTo("bolt-app-threads");
        assertThat(SdkExecutors.purpose("::")).isEqualTo("sdk");
    }
}
