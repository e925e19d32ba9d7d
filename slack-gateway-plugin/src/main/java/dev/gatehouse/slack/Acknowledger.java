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
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges envelopes the way the plugin API asks ({@link dev.gatehouse.api.InboundSink#deliver}):
 * once the host finished with the event, or at a deadline shorter than Slack's 3 s while the host
 * still works on it — so a slow bot handler never causes a redelivery — and never when the host
 * refused the event, so Slack redelivers it to a connection the host does take events from.
 *
 * <p>The deadline counts from when the envelope arrived on the socket, not from when the message
 * processor got to it: on a busy machine frames wait in the inbound queue, and that wait is part of
 * Slack's 3 s.
 *
 * <p>Acks are sent from the connection's ack {@link Lane}, never from the SDK's or the host's handler threads.
 * Each envelope is acknowledged at most once.
 */
final class Acknowledger {

    private static final Logger log = LoggerFactory.getLogger(Acknowledger.class);

    /**
     * Slack's deadline is 3 s from sending; counted from receipt, this leaves half of it for the wire
     * both ways and a late ack thread.
     */
    static final Duration DEADLINE = Duration.ofMillis(1500);

    private final ScheduledExecutorService thread;
    private final LongSupplier nanoTime;
    private final Executor safeThread;
    private final Duration deadline;
    private final Consumer<String> send;
    private final String subject;

    /**
     * @param thread the one thread acks are sent from (and deadlines run on)
     * @param nanoTime the monotonic ticker receipt times were taken with
     * @param send writes {@code {"envelope_id": …}} to the current socket; must not block
     */
    Acknowledger(ScheduledExecutorService thread, LongSupplier nanoTime, Duration deadline, Consumer<String> send,
                 String subject) {
        this.thread = thread;
        this.nanoTime = nanoTime;
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

    /**
     * Acknowledges when {@code taken} completes normally or the deadline after {@code receivedNanos}
     * passes first; never if it failed.
     */
    void ackWhenTaken(String envelopeId, CompletionStage<?> taken, long receivedNanos) {
        AtomicBoolean settled = new AtomicBoolean();
        long untilDeadline = Math.max(0, receivedNanos + deadline.toNanos() - nanoTime.getAsLong());
        ScheduledFuture<?> timer;
        try {
            timer = thread.schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    log.debug("{}: envelope {} acknowledged at the {} ms deadline; the host is still handling it",
                            subject, envelopeId, deadline.toMillis());
                    send.accept(envelopeId);
                }
            }, untilDeadline, TimeUnit.NANOSECONDS);
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
