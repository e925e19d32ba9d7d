package dev.gatehouse.slack;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only thing that reconnects a connection's {@link SlackSocket} ({@code apps.connections.open},
 * then a new WebSocket), one attempt at a time: the SDK's session monitor is off, so a loss the plugin
 * has verified is acted on at once instead of at the monitor's next 5 s tick.
 *
 * <p>Two reasons to reconnect: a loss (the current session closed, or stopped answering pings), and
 * Slack's request to refresh ({@code disconnect} with a reason the plugin follows). A request while an
 * attempt runs is dropped: that attempt ends with a fresh socket or schedules a retry. A failed
 * attempt is retried after {@link #retryDelay}, as long as the current session is still down; the
 * host's policy (stale after {@code staleAfter}) remains the backstop above it.
 */
final class Reconnector {

    private static final Logger log = LoggerFactory.getLogger(Reconnector.class);

    private final SlackSocket socket;
    private final Executor work;
    private final ScheduledExecutorService timer;
    private final String subject;
    private final Consumer<String> onFailure;
    /** The attempt under way, or a completed future. Guarded by this. */
    private CompletableFuture<Void> attempt = CompletableFuture.completedFuture(null);
    /** A retry waiting for its delay, or {@code null}. Guarded by this. */
    private ScheduledFuture<?> retry;
    /** Failed attempts since the last success. Guarded by this. */
    private int failures;
    private volatile boolean stopped;

    /** @param onFailure told the cause of each failed attempt, on the attempt's thread */
    Reconnector(SlackSocket socket, Executor work, ScheduledExecutorService timer, String subject,
                Consumer<String> onFailure) {
        this.onFailure = onFailure;
        this.socket = socket;
        this.work = work;
        this.timer = timer;
        this.subject = subject;
    }

    /** How long to wait after the {@code n}th consecutive failure (n ≥ 1): 1, 2, 4, then 5 s, the SDK's monitor period. */
    static Duration retryDelay(int n) {
        return Duration.ofSeconds(Math.min(5, 1L << Math.min(Math.max(n, 1) - 1, 3)));
    }

    /** The current session is lost: reconnect now, unless one is already under way or a session is open again. */
    void afterLoss(String why) {
        start(why, false);
    }

    /** Slack asked for a new socket: open one now (make-before-break), unless one is already being opened. */
    void refresh(String why) {
        start(why, true);
    }

    private synchronized void start(String why, boolean evenIfUp) {
        if (stopped || !attempt.isDone()) {
            return;
        }
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        CompletableFuture<Void> a = new CompletableFuture<>();
        attempt = a;
        try {
            work.execute(() -> run(why, evenIfUp, a));
        } catch (RejectedExecutionException e) {
            a.complete(null); // the plugin is stopping
        }
    }

    private void run(String why, boolean evenIfUp, CompletableFuture<Void> a) {
        try {
            if (stopped || (!evenIfUp && socket.verifyConnection())) {
                return;
            }
            long started = System.nanoTime();
            socket.connectToNewEndpoint();
            synchronized (this) {
                failures = 0;
            }
            log.info("{}: reconnected ({}) in {} ms", subject, why,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (IOException | RuntimeException e) {
            if (stopped) {
                log.debug("{}: reconnect ({}) ended by the close: {}", subject, why, e.getMessage());
                return;
            }
            scheduleRetry(why, e);
            onFailure.accept("reconnect after " + why + " failed: " + e.getMessage());
        } finally {
            a.complete(null);
        }
    }

    private synchronized void scheduleRetry(String why, Exception e) {
        failures++;
        Duration delay = retryDelay(failures);
        if (stopped) {
            return;
        }
        log.warn("{}: reconnect ({}) failed, attempt {}; next in {} ms: {}", subject, why, failures, delay.toMillis(),
                e.getMessage());
        try {
            retry = timer.schedule(() -> start(why, false), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the plugin is stopping: nothing to retry for
        }
    }

    /** No further attempts; one under way finishes (see {@link #awaitIdle}). Idempotent. */
    synchronized void stop() {
        stopped = true;
        if (retry != null) {
            retry.cancel(false);
        }
    }

    /**
     * Waits until no attempt is under way, up to {@code deadlineNanos} ({@link System#nanoTime()}).
     *
     * @return whether none is
     */
    boolean awaitIdle(long deadlineNanos) {
        CompletableFuture<Void> a;
        synchronized (this) {
            a = attempt;
        }
        try {
            a.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
