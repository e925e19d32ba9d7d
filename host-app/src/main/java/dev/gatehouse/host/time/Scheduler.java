package dev.gatehouse.host.time;

import java.time.Duration;

/**
 * Runs short, non-blocking tasks later or soon, on the host's supervisor thread. Blocking work (plugin
 * calls, network I/O) never runs here. The production implementation wraps a single-threaded
 * {@link java.util.concurrent.ScheduledExecutorService}; tests use a manual one driven by fake time.
 */
public interface Scheduler {

    /**
     * Runs a task after a delay.
     *
     * @param delay how long to wait
     * @param task a short, non-blocking task
     * @return a handle to cancel it
     */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Runs a task as soon as possible, after the tasks already due.
     *
     * @param task a short, non-blocking task
     */
    default void execute(Runnable task) {
        schedule(Duration.ZERO, task);
    }

    /** A scheduled task that can be cancelled. Cancelling twice or after it ran is harmless. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();

        Cancellable NONE = () -> { };
    }
}
