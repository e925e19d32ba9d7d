package dev.gatehouse.slack;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges envelopes the way the plugin API asks ({@link dev.gatehouse.api.InboundSink#deliver}):
 * once the host finished with the event, or at a deadline shorter than Slack's 3 s while the host
 * still works on it — so a slow bot handler never causes a redelivery — and never when the host
 * refused the event, so Slack redelivers it to a connection the host does take events from.
 *
 * <p>Acks are sent from one host thread, never from Bolt's, the SDK's or the host's handler threads.
 * Each envelope is acknowledged at most once.
 */
final class Acknowledger {

    private static final Logger log = LoggerFactory.getLogger(Acknowledger.class);

    /** Slack's deadline is 3 s from sending; this leaves room for queueing before and the wire after. */
    static final Duration DEADLINE = Duration.ofSeconds(2);

    private final ScheduledExecutorService thread;
    private final Executor safeThread;
    private final Duration deadline;
    private final Consumer<String> send;
    private final String subject;

    /**
     * @param thread the one thread acks are sent from (and deadlines run on)
     * @param send writes {@code {"envelope_id": …}} to the current socket; must not block
     */
    Acknowledger(ScheduledExecutorService thread, Duration deadline, Consumer<String> send, String subject) {
        this.thread = thread;
        this.deadline = deadline;
        this.send = send;
        this.subject = subject;
        this.safeThread = task -> {
            try {
                thread.execute(task);
            } catch (RejectedExecutionException e) {
                // closed: whatever is still unacked is redelivered by Slack to the next connection
            }
        };
    }

    /** Acknowledges an envelope that carries nothing for the host. */
    void ackNow(String envelopeId) {
        safeThread.execute(() -> send.accept(envelopeId));
    }

    /** Acknowledges when {@code taken} completes normally or the deadline passes first; never if it failed. */
    void ackWhenTaken(String envelopeId, CompletionStage<?> taken) {
        AtomicBoolean settled = new AtomicBoolean();
        ScheduledFuture<?> timer;
        try {
            timer = thread.schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    log.debug("{}: envelope {} acknowledged at the {} ms deadline; the host is still handling it",
                            subject, envelopeId, deadline.toMillis());
                    send.accept(envelopeId);
                }
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return;
        }
        taken.whenCompleteAsync((ignored, failure) -> {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            timer.cancel(false);
            if (failure == null) {
                send.accept(envelopeId);
            } else {
                log.debug("{}: envelope {} not acknowledged, so Slack redelivers it: {}", subject, envelopeId,
                        failure.toString());
            }
        }, safeThread);
    }
}
