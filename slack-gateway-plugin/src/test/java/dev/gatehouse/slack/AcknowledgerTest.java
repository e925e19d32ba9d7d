package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AcknowledgerTest {

    private static final Duration DEADLINE = Duration.ofMillis(300);
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<String> senderThreads = new CopyOnWriteArrayList<>();
    private final Acknowledger acks = new Acknowledger(thread, DEADLINE, id -> {
        sent.add(id);
        senderThreads.add(Thread.currentThread().getName());
    }, "slack/test");

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    /** Lets every task due before {@code d} from now run. */
    private void runFor(Duration d) throws Exception {
        thread.schedule(() -> { }, d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).get();
    }

    @Test
    void anEventTheHostFinishedIsAcknowledgedOnceFromTheAckThread() throws Exception {
        CompletableFuture<Void> taken = new CompletableFuture<>();
        acks.ackWhenTaken("E1", taken);
        assertThat(sent).isEmpty();
        taken.complete(null);
        await().atMost(Duration.ofSeconds(2)).until(() -> sent.equals(List.of("E1")));
        runFor(DEADLINE.multipliedBy(2));
        assertThat(sent).containsExactly("E1");
        assertThat(senderThreads).doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void aSlowHandlerIsAcknowledgedAtTheDeadlineAndNotAgainWhenItFinishes() throws Exception {
        CompletableFuture<Void> taken = new CompletableFuture<>();
        long start = System.nanoTime();
        acks.ackWhenTaken("E1", taken);
        await().atMost(Duration.ofSeconds(2)).until(() -> sent.size() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(DEADLINE);
        taken.complete(null);
        runFor(Duration.ofMillis(50));
        assertThat(sent).containsExactly("E1");
    }

    @Test
    void anEventTheHostRefusedIsNeverAcknowledged() throws Exception {
        acks.ackWhenTaken("E1", CompletableFuture.failedFuture(new IllegalStateException("superseded")));
        CompletableFuture<Void> later = new CompletableFuture<>();
        acks.ackWhenTaken("E2", later);
        later.completeExceptionally(new IllegalStateException("shutting down"));
        runFor(DEADLINE.multipliedBy(2));
        assertThat(sent).isEmpty();
    }

    @Test
    void anAlreadyFinishedEventAndAnEmptyEnvelopeAreAcknowledgedAtOnce() {
        acks.ackWhenTaken("E1", CompletableFuture.completedFuture(null));
        acks.ackNow("E2");
        await().atMost(Duration.ofMillis(DEADLINE.toMillis() - 100)).until(() -> sent.size() == 2);
        assertThat(sent).containsExactlyInAnyOrder("E1", "E2");
    }

    @Test
    void nothingIsSentOrThrownOnceTheAckThreadIsShutDown() {
        CompletableFuture<Void> taken = new CompletableFuture<>();
        acks.ackWhenTaken("E1", taken);
        thread.shutdownNow();
        taken.complete(null);
        acks.ackNow("E2");
        acks.ackWhenTaken("E3", CompletableFuture.completedFuture(null));
        assertThat(sent).isEmpty();
    }
}
