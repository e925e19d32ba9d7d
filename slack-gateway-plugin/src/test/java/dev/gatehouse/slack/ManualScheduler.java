package dev.gatehouse.slack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A single "thread" whose tasks run only when the test says so, on the test's thread, against a clock the
 * test moves: {@link #runDue()} runs what is due now, {@link #advance} moves time and runs what fell due.
 * Its {@link #nanoTime()} is the ticker the code under test reads, so deadlines are exact and a loaded
 * machine cannot make a task late.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong sequence = new AtomicLong();
    /** Guarded by this. */
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>(
            Comparator.comparingLong((Task<?> t) -> t.dueNanos).thenComparingLong(t -> t.order));
    private volatile boolean shutdown;

    long nanoTime() {
        return now.get();
    }

    /** Runs every task due now, including tasks those tasks submit for now. */
    void runDue() {
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.dueNanos > now.get()) {
                    return;
                }
                queue.poll();
            }
            next.run();
        }
    }

    /** Moves the clock forward by {@code d}, running tasks in due order at their due times. */
    void advance(Duration d) {
        long target = now.get() + d.toNanos();
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.dueNanos > target) {
                    break;
                }
            }
            now.set(Math.max(now.get(), next.dueNanos));
            runDue();
        }
        now.set(target);
        runDue();
    }

    /** Tasks not yet run, cancelled ones excluded. */
    synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.isCancelled()).count();
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Task<>(command, null, now.get() + unit.toNanos(Math.max(0, delay))));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, now.get() + unit.toNanos(Math.max(0, delay))));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the code under test");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the code under test");
    }

    private <V> Task<V> enqueue(Task<V> task) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        synchronized (this) {
            queue.add(task);
        }
        return task;
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        final long dueNanos;
        final long order = sequence.incrementAndGet();

        Task(Callable<V> callable, long dueNanos) {
            super(callable);
            this.dueNanos = dueNanos;
        }

        Task(Runnable runnable, V result, long dueNanos) {
            super(runnable, result);
            this.dueNanos = dueNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - now.get(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
