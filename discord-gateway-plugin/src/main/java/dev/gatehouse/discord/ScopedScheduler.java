package dev.gatehouse.discord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One connection's view of the plugin-wide gateway scheduler: its tasks run on the shared threads,
 * and shutting the view down cancels every task it scheduled and refuses new ones, without touching
 * the shared scheduler or other connections' tasks.
 *
 * <p>Why a view rather than the shared scheduler itself: JDA reads "gateway pool shut down" as "do not
 * reconnect" ({@code WebSocketClient.handleDisconnect}), and its send loop ({@code WebSocketSendingThread})
 * reschedules itself every 500 ms until JDA stops it, which JDA skips when it shuts down before its
 * first socket. Handed to JDA with {@code automaticShutdown}, this view gives both back: JDA's shutdown
 * ends its tasks, so nothing of a closed connection stays queued on the shared threads.
 */
final class ScopedScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final ScheduledExecutorService shared;
    /** Guarded by this: tasks not yet known to be done; done ones are pruned on each new task. */
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    /** Guarded by this. */
    private boolean shutDown;

    ScopedScheduler(ScheduledExecutorService shared) {
        this.shared = shared;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return track(() -> shared.schedule(command, delay, unit));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return track(() -> shared.schedule(callable, delay, unit));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return track(() -> shared.scheduleAtFixedRate(command, initialDelay, period, unit));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return track(() -> shared.scheduleWithFixedDelay(command, initialDelay, delay, unit));
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    /** Scheduling happens under the lock, so a task is either tracked (and cancelled by shutdown) or refused. */
    private synchronized <F extends ScheduledFuture<?>> F track(Supplier<F> scheduling) {
        if (shutDown) {
            throw new RejectedExecutionException("this connection's gateway tasks are shut down");
        }
        F f = scheduling.get();
        tasks.removeIf(ScheduledFuture::isDone);
        tasks.add(f);
        return f;
    }

    /** Cancels every task of this view (a running one finishes; none is interrupted: the threads are shared). */
    @Override
    public void shutdown() {
        List<ScheduledFuture<?>> cancel;
        synchronized (this) {
            shutDown = true;
            cancel = List.copyOf(tasks);
            tasks.clear();
        }
        cancel.forEach(f -> f.cancel(false));
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutDown;
    }

    /** Once shut down, nothing of this view runs any more except a task already running, which is not waited for. */
    @Override
    public synchronized boolean isTerminated() {
        return shutDown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    /** Tasks scheduled and not done: for tests. */
    synchronized int pending() {
        tasks.removeIf(ScheduledFuture::isDone);
        return tasks.size();
    }
}
