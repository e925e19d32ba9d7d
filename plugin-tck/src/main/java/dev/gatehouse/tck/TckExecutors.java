package dev.gatehouse.tck;

import dev.gatehouse.api.GatewayExecutors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executors the kit lends a plugin, as the host does: daemon threads named {@code tck-<scope>-<purpose>-<n>}
 * with the plugin's class loader as context class loader, all stopped by {@link #shutdown(Duration)}.
 */
final class TckExecutors implements GatewayExecutors {

    private final String scope;
    private final ClassLoader loader;
    private final AtomicInteger counter = new AtomicInteger();
    /** Guarded by this. */
    private final List<ExecutorService> executors = new ArrayList<>();
    /** Guarded by this. */
    private final List<Thread> threads = new ArrayList<>();
    /** Guarded by this. */
    private boolean shutDown;

    TckExecutors(String scope, ClassLoader loader) {
        this.scope = scope;
        this.loader = loader;
    }

    @Override
    public ThreadFactory threadFactory(String purpose) {
        return task -> {
            Thread t = new Thread(task, "tck-" + scope + "-" + purpose + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            synchronized (this) {
                if (shutDown) {
                    throw new RejectedExecutionException("executors of " + scope + " are shut down");
                }
                threads.add(t);
            }
            return t;
        };
    }

    @Override
    public ExecutorService newExecutor(String purpose, int threadCount) {
        return track(Executors.newFixedThreadPool(Math.max(1, threadCount), threadFactory(purpose)));
    }

    @Override
    public ScheduledExecutorService newScheduler(String purpose, int threadCount) {
        return track(Executors.newScheduledThreadPool(Math.max(1, threadCount), threadFactory(purpose)));
    }

    private synchronized <E extends ExecutorService> E track(E e) {
        if (shutDown) {
            e.shutdownNow();
            throw new RejectedExecutionException("executors of " + scope + " are shut down");
        }
        executors.add(e);
        return e;
    }

    /** Stops everything lent and waits up to {@code bound} for the threads; returns those still alive. */
    List<String> shutdown(Duration bound) {
        List<ExecutorService> es;
        List<Thread> ts;
        synchronized (this) {
            shutDown = true;
            es = List.copyOf(executors);
            ts = List.copyOf(threads);
        }
        es.forEach(ExecutorService::shutdownNow);
        long deadline = System.nanoTime() + bound.toNanos();
        List<String> alive = new ArrayList<>();
        for (Thread t : ts) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                alive.add(t.getName());
            }
        }
        return alive;
    }
}
