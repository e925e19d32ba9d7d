package dev.gatehouse.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-threaded scheduled executor without a thread of its own: tasks run one at a time, in order,
 * on a shared pool, and timed tasks are timed by a shared scheduler. One connection's serial work
 * (its message processor, acknowledgements, link checks) costs no thread while it waits, so a hundred
 * idle connections share a handful of threads instead of owning a few hundred.
 *
 * <p>Periodic tasks never pile up: a period that arrives while the previous run is still queued or
 * running is skipped ({@code scheduleWithFixedDelay} behaves the same, measured from the timer).
 * {@link #shutdownNow()} does not interrupt a running task (it runs on a shared thread); it drops the
 * queue and stops the timers, and {@link #awaitTermination} waits for the running task to end.
 */
class Lane extends AbstractExecutorService implements ScheduledExecutorService {

    private static final Logger log = LoggerFactory.getLogger(Lane.class);

    private final Executor pool;
    private final ScheduledExecutorService timer;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Tasks queued or running; the one that raises it from 0 starts a run on the pool. */
    private final AtomicInteger pending = new AtomicInteger();
    private final Set<ScheduledFuture<?>> timers = ConcurrentHashMap.newKeySet();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean shutdown;

    /**
     * @param pool runs the lane's tasks; must not reject while the lane is open
     * @param timer times delayed and periodic tasks (the tasks themselves run on {@code pool})
     */
    Lane(Executor pool, ScheduledExecutorService timer) {
        this.pool = pool;
        this.timer = timer;
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("lane shut down");
        }
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            try {
                pool.execute(this::run);
            } catch (RejectedExecutionException e) {
                tasks.clear();
                pending.set(0);
                shutdownNow();
                throw e;
            }
        }
    }

    private void run() {
        do {
            Runnable task = tasks.poll(); // shutdownNow() takes the queue; shutdown() lets it finish
            if (task != null) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    log.warn("a task failed on a lane: {}", e.toString(), e);
                }
            }
        } while (pending.decrementAndGet() > 0);
        if (shutdown) {
            terminated.countDown();
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return track(timer.schedule(() -> executeQuietly(command), delay, unit));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        FutureTask<V> task = new FutureTask<>(callable);
        ScheduledFuture<?> timed = schedule(task, delay, unit);
        return new LaneFuture<>(timed, task);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        AtomicBoolean queued = new AtomicBoolean();
        Runnable once = () -> {
            try {
                command.run();
            } finally {
                queued.set(false);
            }
        };
        return track(timer.scheduleAtFixedRate(() -> {
            if (queued.compareAndSet(false, true) && !executeQuietly(once)) {
                queued.set(false);
            }
        }, initialDelay, period, unit));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return scheduleAtFixedRate(command, initialDelay, delay, unit);
    }

    private boolean executeQuietly(Runnable task) {
        try {
            execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private ScheduledFuture<?> track(ScheduledFuture<?> f) {
        timers.add(f);
        timers.removeIf(ScheduledFuture::isDone);
        if (shutdown) {
            f.cancel(false);
        }
        return f;
    }

    @Override
    public void shutdown() {
        shutdown = true;
        timers.forEach(f -> f.cancel(false));
        timers.clear();
        if (pending.get() == 0) {
            terminated.countDown();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        List<Runnable> dropped = new ArrayList<>();
        for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
            dropped.add(r);
        }
        return dropped;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    /** A delayed callable's future: the timer's delay, the task's result. */
    private record LaneFuture<V>(ScheduledFuture<?> timed, FutureTask<V> task) implements ScheduledFuture<V> {

        @Override
        public long getDelay(TimeUnit unit) {
            return timed.getDelay(unit);
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed o) {
            return timed.compareTo(o);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            timed.cancel(false);
            return task.cancel(false);
        }

        @Override
        public boolean isCancelled() {
            return task.isCancelled();
        }

        @Override
        public boolean isDone() {
            return task.isDone();
        }

        @Override
        public V get() throws InterruptedException, java.util.concurrent.ExecutionException {
            return task.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, java.util.concurrent.ExecutionException,
                java.util.concurrent.TimeoutException {
            return task.get(timeout, unit);
        }
    }
}
