package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The ack thread is a {@link ManualScheduler}: "at once" means sent when the ack thread next runs with no
 * time passing, and deadlines are exact, so no assertion depends on how busy the machine is.
 */
class AcknowledgerTest {

    private static final Duration DEADLINE = Duration.ofMillis(1500);
    private static final Duration ONE_MILLI = Duration.ofMillis(1);
    private final ManualScheduler thread = new ManualScheduler();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final Acknowledger acks = new Acknowledger(thread, thread::nanoTime, DEADLINE, sent::add, "slack/test");

    @Test
    void anEventTheHostFinishedIsAcknowledgedOnceFromTheAckThread() {
        CompletableFuture<Void> taken = new CompletableFuture<>();
        acks.ackWhenTaken("E1", taken, thread.nanoTime());
        thread.runDue();
        assertThat(sent).isEmpty();

        taken.complete(null);
        assertThat(sent).as("not sent from the completing thread").isEmpty();
        thread.runDue();
        assertThat(sent).containsExactly("E1");
        thread.advance(DEADLINE.multipliedBy(2));
        assertThat(sent).containsExactly("E1");
        assertThat(thread.pending()).isZero();
    }

    @Test
    void aSlowHandlerIsAcknowledgedAtTheDeadlineAndNotAgainWhenItFinishes() {
        CompletableFuture<Void> taken = new CompletableFuture<>();
        acks.ackWhenTaken("E1", taken, thread.nanoTime());

        thread.advance(DEADLINE.minus(ONE_MILLI));
        assertThat(sent).isEmpty();
        thread.advance(ONE_MILLI);
        assertThat(sent).containsExactly("E1");
        taken.complete(null);
        thread.advance(DEADLINE);
        assertThat(sent).containsExactly("E1");
    }

    @Test
    void theDeadlineCountsFromWhenTheEnvelopeArrivedNotFromWhenItWasHandled() {
        long received = thread.nanoTime();
        thread.advance(Duration.ofMillis(1000)); // the envelope waited in the inbound queue

        acks.ackWhenTaken("E1", new CompletableFuture<>(), received);
        thread.advance(Duration.ofMillis(499));
        assertThat(sent).isEmpty();
        thread.advance(ONE_MILLI);
        assertThat(sent).containsExactly("E1");
    }

    @Test
    void anEnvelopeHandledAfterItsDeadlineIsAcknowledgedAtOnce() {
        long received = thread.nanoTime();
        thread.advance(DEADLINE.plusMillis(700));

        acks.ackWhenTaken("E1", new CompletableFuture<>(), received);
        thread.runDue();

        assertThat(sent).containsExactly("E1");
    }

    @Test
    void anEventTheHostRefusedIsNeverAcknowledged() {
        acks.ackWhenTaken("E1", CompletableFuture.failedFuture(new IllegalStateException("superseded")),
                thread.nanoTime());
        CompletableFuture<Void> later = new CompletableFuture<>();
        acks.ackWhenTaken("E2", later, thread.nanoTime());
        later.completeExceptionally(new IllegalStateException("shutting down"));
        thread.advance(DEADLINE.multipliedBy(2));
        assertThat(sent).isEmpty();
    }

    @Test
    void anAlreadyFinishedEventAndAnEmptyEnvelopeAreAcknowledgedAtOnce() {
        acks.ackWhenTaken("E1", CompletableFuture.completedFuture(null), thread.nanoTime());
        acks.ackNow("E2");
        assertThat(sent).isEmpty();

        thread.runDue();

        assertThat(sent).containsExactlyInAnyOrder("E1", "E2");
    }

    @Test
    void nothingIsSentOrThrownOnceTheAckThreadIsShutDown() {
        CompletableFuture<Void> taken = new CompletableFuture<>();
        acks.ackWhenTaken("E1", taken, thread.nanoTime());
        thread.shutdownNow();
        taken.complete(null);
        acks.ackNow("E2");
        acks.ackWhenTaken("E3", CompletableFuture.completedFuture(null), thread.nanoTime());
        thread.advance(DEADLINE.multipliedBy(2));
        assertThat(sent).isEmpty();
    }
}
