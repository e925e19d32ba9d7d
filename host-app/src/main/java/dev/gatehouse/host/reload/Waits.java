package dev.gatehouse.host.reload;

import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * How the reload thread waits: conditions are polled by short tasks on the host's scheduler and bounds
 * are measured with its ticker, so no class of this package sleeps or reads a clock of its own, and a
 * test's fake time drives every wait. The reload thread only blocks on the result; an interrupt (the
 * host closing) ends the wait.
 */
final class Waits {

    private final Scheduler scheduler;
    private final Ticker ticker;

    Waits(Scheduler scheduler, Ticker ticker) {
        this.scheduler = scheduler;
        this.ticker = ticker;
    }

    long nanos() {
        return ticker.nanos();
    }

    Duration since(long startNanos) {
        return Duration.ofNanos(ticker.nanos() - startNanos);
    }

    /**
     * Checks now, then every {@code every} on the scheduler, until {@code check} returns a value.
     *
     * @return that value, or empty if the wait was interrupted
     */
    <T> Optional<T> until(Duration every, Supplier<Optional<T>> check) {
        CompletableFuture<T> done = new CompletableFuture<>();
        poll(done, every, check);
        return await(done);
    }

    private <T> void poll(CompletableFuture<T> done, Duration every, Supplier<Optional<T>> check) {
        if (done.isDone()) {
            return;
        }
        try {
            Optional<T> v = check.get();
            if (v.isPresent()) {
                done.complete(v.get());
                return;
            }
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return;
        }
        scheduler.schedule(every, () -> poll(done, every, check));
    }

    /** Waits for {@code stage} at most {@code bound}; {@code true} if it completed in time. */
    boolean within(CompletionStage<?> stage, Duration bound) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        stage.whenComplete((v, e) -> done.complete(true));
        Scheduler.Cancellable timer = scheduler.schedule(bound, () -> done.complete(false));
        boolean inTime = await(done).orElse(false);
        timer.cancel();
        return inTime;
    }

    private static <T> Optional<T> await(CompletableFuture<T> f) {
        try {
            return Optional.of(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
